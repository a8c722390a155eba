"""The import framework: every importer is a function ``(ctx) -> counts`` run by :func:`run_import`.

- Rows are streamed and written in batches inside **one transaction**: a file whose rows
  have errors changes nothing (unless the job is ``partial``), and a crash changes nothing.
- Row errors never stop the reading: every error of the file is reported (capped in
  storage, all counted) in :class:`ImportIssue` rows written after the transaction.
- Progress goes to the cache, not the database: the import transaction holds SQLite's
  write lock, and the back-office must see progress while it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record
from guichet.core.context import Principal
from guichet.core.errors import ErrorDef, GuichetError
from guichet.network import errors
from guichet.network.choices import IMPORT_TRANSITIONS, ImportStatus, IssueSeverity
from guichet.network.models import ImportIssue, ImportJob
from guichet.network.signals import inventory_changed

log = logging.getLogger(__name__)

# Issues kept for the report; beyond this they are only counted.
MAX_STORED_ISSUES = 10_000
PROGRESS_EVERY = 1_000


class ImportAbort(Exception):
    """The file as a whole cannot be imported (unreadable, missing columns, unknown format)."""

    def __init__(self, error: ErrorDef, *, table: str = "", **params: Any) -> None:
        self.error = error
        self.table = table
        self.params = params
        super().__init__(error.message("fr", table=table, **params))


class _RejectFile(Exception):
    """Raised at the end of a strict import that met row errors: rolls everything back."""


@dataclass
class ImportContext:
    """What an importer receives: the job, the caller, and where to report rows and progress."""

    job: ImportJob
    actor: Principal
    on_progress: Callable[[int, int | None], None] | None = None
    errors: int = 0
    warnings: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    rows_done: int = 0
    rows_total: int | None = None

    def _issue(
        self,
        severity: str,
        error: ErrorDef,
        table: str,
        row: int | None,
        column: str,
        value: Any,
        params: dict[str, Any],
    ) -> None:
        if len(self.issues) < MAX_STORED_ISSUES:
            self.issues.append(
                ImportIssue(
                    job=self.job,
                    severity=severity,
                    table=table[:100],
                    row=row,
                    column=column[:100],
                    code=error.code,
                    message=error.message("fr", table=table, column=column, value=value, **params),
                    value=str(value if value is not None else "")[:255],
                )
            )

    def error(
        self,
        error: ErrorDef,
        *,
        table: str = "",
        row: int | None = None,
        column: str = "",
        value: Any = "",
        **params: Any,
    ) -> None:
        """Report a rejected row."""
        self.errors += 1
        self._issue(IssueSeverity.ERROR, error, table, row, column, value, params)

    def warning(
        self,
        error: ErrorDef,
        *,
        table: str = "",
        row: int | None = None,
        column: str = "",
        value: Any = "",
        **params: Any,
    ) -> None:
        """Report an accepted row with a remark (e.g. a PTO reference that had to be assigned)."""
        self.warnings += 1
        self._issue(IssueSeverity.WARNING, error, table, row, column, value, params)

    def progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        """Tell the back-office (cache) and the console how far the import is."""
        self.rows_done = done
        if total is not None:
            self.rows_total = total
        if force or done % PROGRESS_EVERY == 0:
            cache.set(progress_key(self.job), (self.rows_done, self.rows_total), timeout=24 * 3600)
            if self.on_progress is not None:
                self.on_progress(self.rows_done, self.rows_total)


def progress_key(job: ImportJob) -> str:
    """The cache key of a job's progress: its number *and* creation time.

    A number comes back after a database reset (a test run, a restored backup) while the
    cache lives on: the creation time keeps another job's figures out of this one's page.
    """
    created = int(job.created_at.timestamp() * 1_000_000)
    return f"network:import:{job.pk}:{created}:progress"


def live_progress(job: ImportJob) -> tuple[int, int | None]:
    """(rows done, rows total) of a running job, from the cache; the stored figures otherwise."""
    if job.status == ImportStatus.RUNNING:
        cached = cache.get(progress_key(job))
        if cached is not None:
            return cached
    return job.rows_done, job.rows_total


def _transition(job: ImportJob, target: str) -> None:
    if target not in IMPORT_TRANSITIONS[job.status]:
        raise GuichetError(errors.IMPORT_NOT_RUNNABLE, status=job.get_status_display())
    job.status = target


Importer = Callable[[ImportContext], dict[str, int]]


def run_import(
    job: ImportJob,
    importer: Importer,
    *,
    actor: Principal,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportJob:
    """Run ``importer`` for ``job``: all of it or (strict mode with row errors, or a crash) none of it."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        _transition(job, ImportStatus.RUNNING)
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    ctx = ImportContext(job=job, actor=actor, on_progress=on_progress)
    counts: dict[str, int] = {}
    failure: str = ""
    try:
        with transaction.atomic():
            counts = importer(ctx)
            if ctx.errors and not job.partial:
                raise _RejectFile
            record(
                actor,
                "network.import.apply",
                target=job,
                after={
                    "kind": job.kind,
                    "source": job.source_name,
                    "counts": counts,
                    "errors": ctx.errors,
                    "warnings": ctx.warnings,
                },
            )
    except _RejectFile:
        failure = errors.IMPORT_ROWS_REJECTED.message("fr", count=ctx.errors)
    except ImportAbort as abort:
        failure = str(abort)
        ctx.error(abort.error, table=abort.table, **abort.params)
    except GuichetError as exc:
        failure = exc.message("fr")
        ctx.error(exc.error, **exc.params)
    except Exception:
        log.exception("import %s failed", job.pk)
        failure = errors.IMPORT_INTERNAL.message("fr")
        ctx.error(errors.IMPORT_INTERNAL)
    ctx.progress(ctx.rows_done, ctx.rows_total, force=True)
    with transaction.atomic():
        job.status = ImportStatus.FAILED if failure else ImportStatus.SUCCEEDED
        job.finished_at = timezone.now()
        job.counts = {} if failure else counts
        job.rows_done = ctx.rows_done
        job.rows_total = ctx.rows_total
        job.error_count = ctx.errors
        job.warning_count = ctx.warnings
        job.message = failure
        job.save()
        ImportIssue.objects.bulk_create(ctx.issues, batch_size=1000)
        if failure:
            record(
                actor,
                "network.import.fail",
                target=job,
                after={
                    "kind": job.kind,
                    "source": job.source_name,
                    "errors": ctx.errors,
                    "message": failure,
                },
            )
    if not failure:
        # After the commit above: listeners (the address index) see the new rows.
        inventory_changed.send(sender=ImportJob, job=job, since=job.started_at)
    return job
