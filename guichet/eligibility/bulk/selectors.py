"""Every read of bulk jobs, scoped to the caller's operator (another operator's job: GEN-404)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import get_scoped, scope
from guichet.eligibility.bulk import errors
from guichet.eligibility.bulk.choices import FINISHED, JobKind, JobStatus
from guichet.eligibility.models import BulkJob


def retention_days() -> int:
    """Days a finished job's files are kept (``GUICHET_BULK_RETENTION_DAYS``)."""
    return int(getattr(settings, "GUICHET_BULK_RETENTION_DAYS", 30))


def purgeable_jobs(*, before: datetime) -> QuerySet[BulkJob]:
    """Finished jobs, ended before ``before``, whose files are still kept (the purge's list;
    not scoped: the platform's own housekeeping). A cancelled job ends when cancelled."""
    ended = Q(finished_at__lt=before) | Q(finished_at__isnull=True, updated_at__lt=before)
    return BulkJob.objects.filter(ended, status__in=FINISHED, purged_at__isnull=True)


def jobs_for(actor: Principal, kind: str = JobKind.ELIGIBILITY) -> QuerySet[BulkJob]:
    """The caller's operator's jobs of ``kind``, newest first (all of them for the Provider)."""
    return (
        scope(BulkJob.objects.select_related("operator"), actor)
        .filter(kind=kind)
        .order_by("-created_at", "-id")
    )


def job_for(actor: Principal, pk: str | uuid.UUID, kind: str = JobKind.ELIGIBILITY) -> BulkJob:
    """One job within scope, or GEN-404 (also for an id that is not a UUID)."""
    try:
        key = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except ValueError as exc:
        raise GuichetError(NOT_FOUND) from exc
    return get_scoped(jobs_for(actor, kind), actor, pk=key)


def result_file(actor: Principal, job: BulkJob) -> Path:
    """The result file of a finished job of the caller's; ELI-034 while it runs, ELI-037 once
    its files were deleted after the retention period."""
    job = job_for(actor, job.pk, job.kind)
    if job.purged_at is not None:
        raise GuichetError(
            errors.JOB_RESULT_PURGED,
            on=timezone.localtime(job.purged_at).strftime("%d/%m/%Y"),
            days=retention_days(),
        )
    if job.status != JobStatus.SUCCEEDED or not job.result_path:
        raise GuichetError(errors.JOB_NOT_FINISHED, status=job.get_status_display())
    path = Path(job.result_path)
    if not path.is_file():
        raise GuichetError(NOT_FOUND)
    return path
