"""Every read of bulk jobs, scoped to the caller's operator (another operator's job: GEN-404)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.db.models import QuerySet

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import get_scoped, scope
from guichet.eligibility.bulk import errors
from guichet.eligibility.bulk.choices import JobKind, JobStatus
from guichet.eligibility.models import BulkJob


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
    """The result file of a finished job of the caller's, or ELI-034 while it runs."""
    job = job_for(actor, job.pk, job.kind)
    if job.status != JobStatus.SUCCEEDED or not job.result_path:
        raise GuichetError(errors.JOB_NOT_FINISHED, status=job.get_status_display())
    path = Path(job.result_path)
    if not path.is_file():
        raise GuichetError(NOT_FOUND)
    return path
