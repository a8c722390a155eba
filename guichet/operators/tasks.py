"""Scheduled jobs of the operators domain."""

from __future__ import annotations

from celery import shared_task

from guichet.core.context import Principal
from guichet.operators.services.terminations import apply_due_terminations


@shared_task(name="guichet.operators.tasks.apply_due_terminations", acks_late=True)
def apply_due_terminations_task() -> dict[str, int]:
    """Daily: export the data of e-services that ended, destroy archives past retention (CTR-14)."""
    return apply_due_terminations(actor=Principal.system("operators.terminations"))
