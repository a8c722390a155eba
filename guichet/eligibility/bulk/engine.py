"""The job engine: a file of lines in, a result file of exactly one line per input line out.

Generic over what a line means: a *processor* (registered per :class:`JobKind`) turns a
chunk of raw lines into as many result rows, in order. The engine owns the rest:

- **Chunks**: ``job.chunk_size`` lines at a time. Each chunk's rows are appended to
  ``result.csv.part``, flushed and synced, *then* ``rows_done`` and ``result_bytes`` are
  committed together. On a resume the part file is cut back to ``result_bytes`` and the
  input read again from line ``rows_done + 1``: a crash anywhere loses no line and
  repeats none.
- **Lease**: a run holds the job until ``lease_until`` (renewed every chunk). A
  redelivered message (``acks_late``: the worker died) resumes a ``running`` job whose
  lease ran out; one still held elsewhere is left alone.
- **Progress**: ``rows_done``/``rows_total``, ``rows_per_second`` of the current run and
  the ETA it gives, visible to the doors while the job runs (one short commit per chunk).
- **End**: the part file renamed to ``result.csv``, its SHA-256 stored; the processor's
  ``finish`` hook (usage, audit) runs in the same transaction as the status change.
  Cancelled between two chunks; an unexpected exception fails the job (ELI-036).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.eligibility.bulk import errors
from guichet.eligibility.bulk.choices import TRANSITIONS, JobStatus
from guichet.eligibility.models import BulkJob

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
RESULT_NAME = "result.csv"


class Processor(Protocol):
    """What a job kind provides: its columns, rows for a chunk, and its end."""

    def columns(self) -> Sequence[str]: ...

    def process(self, first_line: int, raws: list[bytes]) -> list[list[str]]:
        """One row per raw line, in order; ``first_line`` is the file line number of raws[0]."""
        ...

    def errors_in(self, rows: list[list[str]]) -> int: ...

    def finish(self, job: BulkJob) -> None:
        """Called in the transaction that marks the job succeeded (usage, audit)."""
        ...


ProcessorFactory = Callable[[BulkJob], Processor]
PROCESSORS: dict[str, str] = {
    "eligibility": "guichet.eligibility.bulk.eligibility:processor",
}


def jobs_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "bulk"


def job_dir(job_id: uuid.UUID | str) -> Path:
    return jobs_dir() / str(job_id)


def _factory(kind: str) -> ProcessorFactory:
    import importlib

    module, name = PROCESSORS[kind].split(":")
    factory: ProcessorFactory = getattr(importlib.import_module(module), name)
    return factory


def eta(job: BulkJob, now: datetime | None = None) -> datetime | None:
    """When a running job should end, from the rate of its current run."""
    if job.status != JobStatus.RUNNING or not job.rows_per_second:
        return None
    remaining = max(job.rows_total - job.rows_done, 0)
    return (now or timezone.now()) + timedelta(seconds=remaining / job.rows_per_second)


def _claim(job_id: uuid.UUID | str, *, force: bool) -> BulkJob | None:
    """Take the job for this run: queued, or running with its lease run out (a dead worker)."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        now = timezone.now()
        resumable = job.status == JobStatus.RUNNING and (
            force or job.lease_until is None or job.lease_until <= now
        )
        if job.status != JobStatus.QUEUED and not resumable:
            return None
        assert JobStatus.RUNNING in TRANSITIONS[job.status]
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or now
        job.lease_until = now + LEASE
        job.runs += 1
        job.save(update_fields=["status", "started_at", "lease_until", "runs", "updated_at"])
    return job


def _input_lines(path: Path, skip: int) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) of every line after the header and the ``skip`` done."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 or number <= skip + 1:
                continue
            yield number, raw


def _chunks(lines: Iterator[tuple[int, bytes]], size: int) -> Iterator[tuple[int, list[bytes]]]:
    first, batch = 0, []
    for number, raw in lines:
        if not batch:
            first = number
        batch.append(raw)
        if len(batch) >= size:
            yield first, batch
            batch = []
    if batch:
        yield first, batch


def _encode(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _committed(job: BulkJob, **fields: object) -> bool:
    """Save progress unless the job was cancelled meanwhile; renew the lease."""
    fields["lease_until"] = timezone.now() + LEASE
    with transaction.atomic():
        current = BulkJob.objects.select_for_update().only("status").get(pk=job.pk)
        if current.status != JobStatus.RUNNING:
            job.status = current.status
            return False
        for name, value in fields.items():
            setattr(job, name, value)
        job.save(update_fields=[*fields, "updated_at"])
    return True


def _fail(job: BulkJob, code: str, message: str) -> None:
    with transaction.atomic():
        job.status = JobStatus.FAILED
        job.finished_at = timezone.now()
        job.lease_until = None
        job.error_code = code
        job.message = message
        job.save(
            update_fields=[
                "status",
                "finished_at",
                "lease_until",
                "error_code",
                "message",
                "updated_at",
            ]
        )


def run(
    job_id: uuid.UUID | str,
    *,
    force: bool = False,
    after_chunk: Callable[[BulkJob], None] | None = None,
) -> BulkJob | None:
    """Process (or resume) a job to its end; None when another run holds it or it is done.

    ``force`` resumes a running job even if its lease has not run out (console, tests);
    ``after_chunk`` is called after each committed chunk (tests simulate a crash there).
    """
    job = _claim(job_id, force=force)
    if job is None:
        return None
    try:
        processor = _factory(job.kind)(job)
        return _process(job, processor, after_chunk)
    except Exception as exc:  # a bug or a refusal: the job fails, the worker lives on
        from guichet.core.errors import GuichetError

        log.exception("bulk job %s failed", job.pk)
        if isinstance(exc, GuichetError):
            _fail(job, exc.code, exc.message("fr"))
        else:
            _fail(job, errors.JOB_FAILED.code, errors.JOB_FAILED.message("fr"))
        return job


def _process(
    job: BulkJob, processor: Processor, after_chunk: Callable[[BulkJob], None] | None
) -> BulkJob:
    folder = job_dir(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{RESULT_NAME}.part"
    started, done_at_start = time.monotonic(), job.rows_done
    with part.open("ab") as out:
        out.truncate(job.result_bytes)  # drop what a crashed run wrote after its last commit
        out.seek(job.result_bytes)
        if job.result_bytes == 0:
            out.write(_encode([list(processor.columns())]))
        for first, raws in _chunks(
            _input_lines(Path(job.input_path), job.rows_done), job.chunk_size
        ):
            rows = processor.process(first, raws)
            if len(rows) != len(raws):  # the one promise of the file: never drop, never add
                raise RuntimeError(f"{len(raws)} lines in, {len(rows)} rows out")
            out.write(_encode(rows))
            out.flush()
            os.fsync(out.fileno())
            done = job.rows_done + len(rows)
            elapsed = time.monotonic() - started
            kept = _committed(
                job,
                rows_done=done,
                result_bytes=out.tell(),
                error_count=job.error_count + processor.errors_in(rows),
                rows_per_second=round((done - done_at_start) / elapsed, 1) if elapsed else None,
            )
            if not kept:
                return job  # cancelled meanwhile
            if after_chunk is not None:
                after_chunk(job)
    target = folder / RESULT_NAME
    os.replace(part, target)
    with transaction.atomic():
        current = BulkJob.objects.select_for_update().only("status").get(pk=job.pk)
        if current.status != JobStatus.RUNNING:
            job.status = current.status
            return job
        job.status = JobStatus.SUCCEEDED
        job.finished_at = timezone.now()
        job.lease_until = None
        job.result_path = str(target)
        job.result_sha256 = _sha256(target)
        job.save()
        processor.finish(job)
    return job
