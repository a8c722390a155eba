"""Billing demo: the catalogue's prices and last month's invoice for each demo operator that
subscribes to something. Idempotent: existing prices and issued invoices are left alone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.billing import selectors, services
from guichet.billing.choices import PriceKind
from guichet.billing.models import Price
from guichet.core.context import Principal

# First prices (no notice needed), in force since the platform opened. HT, in euros.
DEMO_PRICES_FROM = date(2025, 1, 1)
DEMO_PRICES: dict[str, dict[str, str]] = {
    "eligibilite-ftte": {
        PriceKind.ONE_OFF: "150",
        PriceKind.MONTHLY: "90",
        PriceKind.PER_USE: "0.05",
    },
    "e-rdv": {PriceKind.ONE_OFF: "500", PriceKind.MONTHLY: "300", PriceKind.PER_USE: "0.50"},
    "e-sav": {PriceKind.ONE_OFF: "300", PriceKind.MONTHLY: "250", PriceKind.PER_USE: "1.20"},
    "e-soutien": {PriceKind.MONTHLY: "0"},  # Annex 3 §3: free
    "e-mutation": {PriceKind.ONE_OFF: "300", PriceKind.MONTHLY: "200", PriceKind.PER_USE: "2.00"},
    "eep": {PriceKind.ONE_OFF: "800", PriceKind.MONTHLY: "400"},
    "tao": {PriceKind.ONE_OFF: "150", PriceKind.MONTHLY: "120", PriceKind.PER_USE: "0.02"},
}


def load_prices(actor: Principal) -> int:
    """Set the first price of each kind that has none yet; return how many were set."""
    created = 0
    for service in selectors.services():
        for kind, amount in DEMO_PRICES.get(service.code, {}).items():
            if Price.objects.filter(service=service, kind=kind).exists():
                continue
            services.schedule_price(
                actor=actor,
                service=service,
                kind=kind,
                amount=Decimal(amount),
                effective_from=DEMO_PRICES_FROM,
            )
            created += 1
    return created


def load_billing_demo(actor: Principal) -> list[str]:
    """Prices for the catalogue, then last month's invoices (issued) for operators with
    subscriptions; returns the numbers issued by this run (none on a rerun)."""
    load_prices(actor)
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    period = last_month.replace(day=1)
    first, last = period, last_month
    if not selectors.billable_subscriptions(first, last).exists():
        return []
    summary = services.generate_invoices(actor=actor, period=period, issue=True)
    return summary.issued
