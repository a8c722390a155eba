"""Scheduled jobs of the accounts domain (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from guichet.accounts.services import dormancy


@shared_task(name="guichet.accounts.tasks.dormancy_sweep", acks_late=True)
def dormancy_sweep() -> dict[str, int]:
    """IAM-05: warn, deactivate and delete dormant identifiers (idempotent; run daily)."""
    return dormancy.sweep_dormant()
