"""Background jobs of eligibility: bulk files (ELI-03)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from guichet.core.context import Principal
from guichet.eligibility.bulk import engine, services
from guichet.eligibility.bulk.choices import JobStatus
from guichet.eligibility.models import BulkJob


@shared_task(name="guichet.eligibility.tasks.run_bulk_job", acks_late=True)
def run_bulk_job(job_id: str) -> str:
    """Process a bulk job, or resume it from its last chunk; idempotent.

    A redelivered message (the worker died: ``acks_late``) resumes the job once its lease
    has run out; a job finished, cancelled or held by a live worker is left alone.
    """
    job = engine.run(job_id)
    return job.status if job is not None else "skipped"


@shared_task(name="guichet.eligibility.tasks.resume_stalled_bulk_jobs", acks_late=True)
def resume_stalled_bulk_jobs() -> int:
    """Periodic: queue again running jobs whose worker is gone (lease run out)."""
    stalled = BulkJob.objects.filter(status=JobStatus.RUNNING, lease_until__lt=timezone.now())
    count = 0
    for pk in stalled.values_list("pk", flat=True):
        run_bulk_job.delay(str(pk))
        count += 1
    return count


@shared_task(name="guichet.eligibility.tasks.purge_bulk_files", acks_late=True)
def purge_bulk_files() -> int:
    """Daily: delete the files of bulk jobs finished more than the retention period ago."""
    return services.purge_expired_files(actor=Principal.system("eligibility.bulk_purge"))
