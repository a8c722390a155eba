"""``manage.py load_demo`` (what ``make run`` loads): people, network, signed contracts,
active subscriptions and last month's issued invoices — and nothing twice on a rerun."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from guichet.billing.models import Invoice
from guichet.operators.models import DocumentKind, Operator, Signature, Subscription
from guichet.portal import demo

pytestmark = pytest.mark.django_db


def run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_ctr_05_bil_01_demo_has_signed_contracts_subscriptions_and_a_past_invoice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(demo, "DEMO_NETWORK_PREMISES", 60)
    first = run()
    assert "admin.fgtt" in first and "agent.fournisseur" in first
    assert "7 souscriptions actives" in first

    for code in ("FGTT", "MRNM"):
        operator = Operator.objects.get(arcep_code=code)
        kinds = set(
            Signature.objects.filter(operator=operator, effective_on__isnull=False).values_list(
                "document__kind", flat=True
            )
        )
        assert {DocumentKind.FRAMEWORK, DocumentKind.GENERAL} <= kinds
        assert Subscription.objects.filter(operator=operator, activated_on__isnull=False).exists()
        invoice = Invoice.objects.get(operator=operator)
        last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
        assert invoice.period == last_month.replace(day=1)
        assert invoice.number and invoice.total_ttc > 0
        assert bytes(invoice.pdf).startswith(b"%PDF") and len(invoice.pdf_sha256) == 64
        assert invoice.number in first

    counts = (Signature.objects.count(), Subscription.objects.count(), Invoice.objects.count())
    second = run()
    assert "factures émises" not in second
    assert (
        Signature.objects.count(),
        Subscription.objects.count(),
        Invoice.objects.count(),
    ) == counts
