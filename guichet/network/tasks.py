"""Background jobs of the network inventory."""

from __future__ import annotations

from celery import shared_task

from guichet.core.context import Principal
from guichet.network import services
from guichet.network.choices import ImportStatus
from guichet.network.models import ImportJob

FINISHED = frozenset({ImportStatus.SUCCEEDED, ImportStatus.FAILED})


@shared_task(name="guichet.network.tasks.run_import_job", acks_late=True)
def run_import_job(job_id: int, started_by: str) -> str:
    """Run a queued import; idempotent: a job already started is left alone.

    ``services.execute_import`` discards the uploaded file whatever the outcome; a
    redelivered message of a finished job (a worker killed after the end) discards it too.
    """
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "skipped"
    if job.status != ImportStatus.PENDING:
        if job.status in FINISHED:
            services.discard_upload(job)
        return "skipped"
    job = services.execute_import(actor=Principal.system(f"import:{started_by}"), job=job)
    return job.status
