"""The contracts demo: signed contracts and activated subscriptions for FGTT and MRNM, idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from guichet.core.context import Principal
from guichet.operators.demo import load_contract_demo
from guichet.operators.models import DocumentKind, OrderForm, Signature, Subscription
from guichet.operators.selectors.contracts import signed
from guichet.portal.demo import load_demo

pytestmark = pytest.mark.django_db


def test_ctr_03_05_06_demo_contracts_are_signed_and_subscribed() -> None:
    load_demo(network=False)
    actor = Principal.system("demo")
    first = load_contract_demo(actor)
    assert first == 7
    assert load_contract_demo(actor) == first
    assert Subscription.objects.count() == 7 and OrderForm.objects.count() == 7
    for subscription in Subscription.objects.all():
        assert subscription.order_received_on < timezone.localdate()
        assert subscription.activated_on > subscription.order_received_on
    for code in ("FGTT", "MRNM"):
        from guichet.operators.models import Operator

        operator = Operator.objects.get(arcep_code=code)
        assert signed(operator, DocumentKind.FRAMEWORK) and signed(operator, DocumentKind.GENERAL)
    assert Signature.objects.filter(effective_on__isnull=True).count() == 0
