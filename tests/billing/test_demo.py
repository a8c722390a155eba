"""The billing demo is idempotent and bills only what the demo operators subscribe to."""

from __future__ import annotations

from datetime import date

import pytest

from guichet.billing.demo import load_billing_demo
from guichet.billing.models import Invoice, Price
from guichet.core.context import Principal
from guichet.operators.models import Operator
from tests.billing.conftest import subscribe

pytestmark = pytest.mark.django_db

DEMO = Principal.system("demo")


def test_bil_01_demo_prices_without_subscriptions_issue_nothing() -> None:
    assert load_billing_demo(DEMO) == []
    count = Price.objects.count()
    assert count == 18
    assert Price.objects.get(service__code="e-soutien").amount == 0
    assert load_billing_demo(DEMO) == []
    assert Price.objects.count() == count and not Invoice.objects.exists()


def test_bil_02_demo_issues_last_month_once(operator_a: Operator) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 2, 10))
    issued = load_billing_demo(DEMO)
    assert len(issued) == 1
    assert load_billing_demo(DEMO) == []
    invoice = Invoice.objects.get()
    assert invoice.number == issued[0] and invoice.total_ht == 300
