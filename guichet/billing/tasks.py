"""Scheduled billing: the monthly invoicing job (BIL-02), on the 1st for the month just over."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from guichet.billing import services
from guichet.billing.money import parse_month
from guichet.core.context import Principal


def previous_month() -> str:
    first = timezone.localdate().replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=1)
    return last_month.strftime("%Y-%m")


@shared_task(name="guichet.billing.tasks.monthly_invoicing", acks_late=True)
def monthly_invoicing(month: str | None = None, issue: bool = True) -> dict[str, object]:
    """Generate and issue every operator's invoice of ``month`` (YYYY-MM, the last month by
    default). Idempotent: issued invoices are left as they are, so a rerun issues nothing twice."""
    raw = month or previous_month()
    summary = services.generate_invoices(
        actor=Principal.system("billing.monthly_invoicing"),
        period=services.check_month(parse_month(raw), raw),
        issue=issue,
    )
    return {
        "month": raw,
        "issued": summary.issued,
        "drafted": len(summary.drafted),
        "already_issued": len(summary.already_issued),
        "nothing_owed": len(summary.nothing_owed),
    }
