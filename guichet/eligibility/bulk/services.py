"""Every write of bulk jobs: submit a file (any door), cancel a job."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from celery import current_app
from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.eligibility.bulk import engine, errors, reading, selectors
from guichet.eligibility.bulk.choices import TRANSITIONS, JobKind, JobStatus
from guichet.eligibility.bulk.selectors import job_for
from guichet.eligibility.models import BulkJob
from guichet.eligibility.services.qualification import check_access, clean_offers
from guichet.network import selectors as network

MAX_ROWS = 1_000_000
MAX_BYTES = 512 * 1024 * 1024
CHUNK_SIZE = 5_000
RUN_TASK = "guichet.eligibility.tasks.run_bulk_job"


def _store(job_id: uuid.UUID, upload: IO[bytes]) -> tuple[Path, str, int]:
    """Copy the upload under var/ (MEDIA_ROOT/bulk/<job>/input.csv) with its SHA-256."""
    folder = engine.job_dir(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "input.csv"
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while block := upload.read(1 << 20):
            digest.update(block)
            size += len(block)
            if size > MAX_BYTES:
                break
            out.write(block)
    if size > MAX_BYTES:
        shutil.rmtree(folder, ignore_errors=True)
        raise GuichetError(errors.FILE_TOO_LARGE, field="file", size=size, limit=MAX_BYTES)
    return target, digest.hexdigest(), size


def submit_eligibility_job(
    *,
    actor: Principal,
    upload: IO[bytes],
    name: str,
    offers: Sequence[str] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> BulkJob:
    """Register a bulk eligibility file (ELI-03) and queue it; refused as ``qualify`` refuses.

    The file's layout and line count are checked now (ELI-030..ELI-033), so a bad file is
    refused at once rather than failing in the background.
    """
    operator = check_access(actor)
    wanted = clean_offers(offers)
    job_id = uuid.uuid4()
    path, sha256, size = _store(job_id, upload)
    try:
        layout = reading.layout_of(path)
        rows = reading.count_lines(path)
        if rows == 0:
            raise GuichetError(errors.FILE_EMPTY, field="file")
        if rows > MAX_ROWS:
            raise GuichetError(errors.TOO_MANY_ROWS, field="file", rows=rows, limit=MAX_ROWS)
    except GuichetError:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    with transaction.atomic():
        job = BulkJob.objects.create(
            id=job_id,
            operator=operator,
            kind=JobKind.ELIGIBILITY,
            requested_by=actor.login,
            person_id=actor.person_id,
            credential=actor.credential,
            channel=actor.channel,
            source_name=(Path(name).name or "fichier.csv")[:255],
            input_path=str(path),
            input_sha256=sha256,
            input_bytes=size,
            options={**layout.as_options(), "offers": wanted},
            chunk_size=max(1, chunk_size),
            rows_total=rows,
            data_as_of=network.inventory_as_of(),
        )
        record(
            actor,
            "eligibility.bulk.create",
            target=job,
            after={
                "operator_id": operator.pk if operator else None,
                "source_name": job.source_name,
                "input_sha256": sha256,
                "rows": rows,
                "offers": wanted,
            },
        )
        # By name: services sit below tasks in the layers.
        transaction.on_commit(lambda: current_app.send_task(RUN_TASK, args=[str(job.pk)]))
    return job


def cancel_job(*, actor: Principal, job: BulkJob) -> BulkJob:
    """Stop a queued or running job of the caller's operator (between two chunks)."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job_for(actor, job.pk, job.kind).pk)
        if JobStatus.CANCELLED not in TRANSITIONS[job.status]:
            raise GuichetError(errors.JOB_NOT_CANCELLABLE, status=job.get_status_display())
        before = job.status
        job.status = JobStatus.CANCELLED
        job.lease_until = None
        job.save(update_fields=["status", "lease_until", "updated_at"])
        record(
            actor,
            "eligibility.bulk.cancel",
            target=job,
            before={"status": before},
            after={"status": job.status, "rows_done": job.rows_done},
        )
    return job


def purge_expired_files(*, actor: Principal, now: datetime | None = None) -> int:
    """Delete the files (upload and result) of jobs finished more than the retention period
    ago (``GUICHET_BULK_RETENTION_DAYS``) and mark each job purged; idempotent.

    The job itself stays (its figures, digests and journal); the doors then say the result
    was deleted (ELI-037) instead of failing on a missing file.
    """
    now = now or timezone.now()
    days = selectors.retention_days()
    count = 0
    for job in selectors.purgeable_jobs(before=now - timedelta(days=days)).iterator():
        with transaction.atomic():
            locked = BulkJob.objects.select_for_update().filter(pk=job.pk, purged_at=None).first()
            if locked is None:
                continue
            locked.purged_at = now
            locked.save(update_fields=["purged_at", "updated_at"])
            record(
                actor,
                "eligibility.bulk.purge",
                target=locked,
                after={"purged_at": now, "retention_days": days, "status": locked.status},
            )
            folder = engine.job_dir(locked.pk)
            transaction.on_commit(lambda folder=folder: shutil.rmtree(folder, ignore_errors=True))
        count += 1
    return count
