"""Background jobs of the network inventory."""

from __future__ import annotations

from celery import shared_task

from guichet.core.context import Principal
from guichet.network import services
from guichet.network.choices import ImportStatus
from guichet.network.models import ImportJob


@shared_task(name="guichet.network.tasks.run_import_job", acks_late=True)
def run_import_job(job_id: int, started_by: str) -> str:
    """Run a queued import; idempotent: a job already started is left alone."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).first()
    if job is None:
        return "skipped"
    job = services.execute_import(actor=Principal.system(f"import:{started_by}"), job=job)
    return job.status
