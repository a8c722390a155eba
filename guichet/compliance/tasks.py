"""Scheduled jobs of security audits (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from guichet.compliance.services import sweep_deadlines


@shared_task(name="guichet.compliance.tasks.audit_deadlines", acks_late=True)
def audit_deadlines() -> dict[str, int]:
    """SEC-09: remind operators before their plan is due, flag missing plans and late actions."""
    return sweep_deadlines()
