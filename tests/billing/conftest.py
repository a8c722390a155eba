"""Billing test data: prices set through the services, subscriptions as the operators app stores them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from guichet.billing import services
from guichet.billing.choices import PriceKind
from guichet.billing.models import Price
from guichet.core.context import Principal
from guichet.operators.models import EService, Operator, Subscription

PROVIDER = Principal.system("tests.billing")
PRICES_FROM = date(2025, 1, 1)


def service(code: str) -> EService:
    return EService.objects.get(code=code)


def set_price(code: str, kind: str, amount: str, effective_from: date = PRICES_FROM) -> Price:
    return services.schedule_price(
        actor=PROVIDER,
        service=service(code),
        kind=kind,
        amount=amount,
        effective_from=effective_from,
    )


def subscribe(operator: Operator, code: str, **values: Any) -> Subscription:
    values.setdefault("activated_on", values.get("order_received_on") or date(2025, 1, 1))
    return Subscription.objects.create(operator=operator, service=service(code), **values)


@pytest.fixture
def rdv_prices(db: None) -> None:
    """e-RDV: 500 € one-off, 300 €/month, 0.50 € per booking (from 1 January 2025)."""
    set_price("e-rdv", PriceKind.ONE_OFF, "500")
    set_price("e-rdv", PriceKind.MONTHLY, "300")
    set_price("e-rdv", PriceKind.PER_USE, "0.50")
