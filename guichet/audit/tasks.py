"""Scheduled check of the journal (Celery beat, ``AUDIT_VERIFY_INTERVAL``)."""

from __future__ import annotations

import logging

from celery import shared_task

from guichet.audit.recorder import verify

log = logging.getLogger(__name__)


@shared_task(name="guichet.audit.tasks.verify_journal")
def verify_journal() -> dict[str, object]:
    """Verify the chain; log every break loudly so monitoring picks it up."""
    count, problems = verify()
    for problem in problems:
        log.error("audit journal: %s", problem.message)
    return {"checked": count, "problems": [p.message for p in problems]}
