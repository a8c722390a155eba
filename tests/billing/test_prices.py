"""BIL-01 prices per e-service with effective dates; CTR-12 notice of price changes (art. 10.2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.billing import selectors, services
from guichet.billing.choices import PriceKind
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.models import OutboundEmail
from guichet.operators.models import Operator
from tests.billing.conftest import PROVIDER, service, set_price, subscribe

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


def test_bil_01_three_kinds_of_price_with_effective_dates() -> None:
    set_price("e-rdv", PriceKind.ONE_OFF, "500", date(2025, 1, 1))
    set_price("e-rdv", PriceKind.MONTHLY, "300", date(2025, 1, 1))
    set_price("e-rdv", PriceKind.PER_USE, "0.5", date(2025, 1, 1))
    rdv = service("e-rdv")
    assert selectors.price_in_force(rdv, PriceKind.MONTHLY, date(2024, 12, 31)) is None
    assert selectors.price_in_force(rdv, PriceKind.MONTHLY, date(2025, 6, 1)).amount == 300
    assert selectors.price_in_force(rdv, PriceKind.PER_USE, today()).amount == Decimal("0.5")
    assert AuditRecord.objects.filter(action="billing.price.schedule").count() == 3


def test_bil_01_e_soutien_is_free() -> None:
    with pytest.raises(GuichetError) as refused:
        set_price("e-soutien", PriceKind.MONTHLY, "10")
    assert refused.value.code == "BIL-003"
    assert set_price("e-soutien", PriceKind.MONTHLY, "0").amount == 0


def test_ctr_12_a_first_price_needs_no_notice() -> None:
    price = set_price("tao", PriceKind.MONTHLY, "120", today() + timedelta(days=1))
    assert price.notified_on == today()


def test_ctr_12_an_increase_with_two_months_notice_is_refused() -> None:
    set_price("e-rdv", PriceKind.MONTHLY, "300")
    with pytest.raises(GuichetError) as refused:
        set_price("e-rdv", PriceKind.MONTHLY, "330", today() + relativedelta(months=2))
    assert refused.value.code == "CTR-121"
    assert refused.value.status == 422
    assert "3 mois" in refused.value.message("fr")
    assert "3 months" in refused.value.message("en")
    # Three months' notice is enough.
    price = set_price("e-rdv", PriceKind.MONTHLY, "330", today() + relativedelta(months=3))
    assert price.amount == 330


def test_ctr_12_a_decrease_needs_one_month() -> None:
    set_price("e-rdv", PriceKind.MONTHLY, "300")
    with pytest.raises(GuichetError) as refused:
        set_price("e-rdv", PriceKind.MONTHLY, "250", today() + relativedelta(months=1, days=-1))
    assert refused.value.code == "CTR-121"
    assert "1 mois" in refused.value.message("fr")
    assert set_price("e-rdv", PriceKind.MONTHLY, "250", today() + relativedelta(months=1))


def test_ctr_12_no_change_in_the_past_nor_before_a_scheduled_one() -> None:
    set_price("e-rdv", PriceKind.MONTHLY, "300")
    later = today() + relativedelta(months=4)
    set_price("e-rdv", PriceKind.MONTHLY, "350", later)
    with pytest.raises(GuichetError) as taken:
        set_price("e-rdv", PriceKind.MONTHLY, "320", today() + relativedelta(months=3, days=1))
    assert taken.value.code == "BIL-005"
    with pytest.raises(GuichetError) as past:
        set_price("e-rdv", PriceKind.MONTHLY, "200", date(2025, 6, 1))
    assert past.value.code == "BIL-005"


def test_ctr_12_unchanged_price_and_operators_refused() -> None:
    set_price("e-rdv", PriceKind.MONTHLY, "300")
    with pytest.raises(GuichetError) as same:
        set_price("e-rdv", PriceKind.MONTHLY, "300", today() + relativedelta(months=3))
    assert same.value.code == "BIL-004"
    operator_principal = Principal(person_id=1, login="x", operator_id=1, can_write=True)
    with pytest.raises(GuichetError) as forbidden:
        services.schedule_price(
            actor=operator_principal,
            service=service("e-rdv"),
            kind=PriceKind.MONTHLY,
            amount="1",
            effective_from=today() + relativedelta(months=6),
        )
    assert forbidden.value.code == "BIL-001"


def test_ctr_12_subscribed_operators_are_emailed(
    operator_a: Operator, operator_b: Operator, admin_a
) -> None:
    set_price("e-rdv", PriceKind.MONTHLY, "300")
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 3, 1))
    before = OutboundEmail.objects.count()
    set_price("e-rdv", PriceKind.MONTHLY, "330", today() + relativedelta(months=3))
    emails = list(OutboundEmail.objects.order_by("id")[before:])
    assert [email.operator_id for email in emails] == [operator_a.pk]
    (email,) = emails
    assert email.recipients == [admin_a.email]  # no billing contact: the administrators
    assert "e-RDV" in email.subject
    assert "330,00" in email.body and "300,00" in email.body
    assert "article 10.2" in email.body


def test_ctr_12_cancel_a_scheduled_change(operator_a: Operator) -> None:
    set_price("e-rdv", PriceKind.MONTHLY, "300")
    scheduled = set_price("e-rdv", PriceKind.MONTHLY, "330", today() + relativedelta(months=3))
    services.cancel_price(actor=PROVIDER, price=scheduled)
    assert (
        selectors.price_in_force(service("e-rdv"), PriceKind.MONTHLY, date(2100, 1, 1)).amount
        == 300
    )
    current = selectors.price_in_force(service("e-rdv"), PriceKind.MONTHLY, today())
    with pytest.raises(GuichetError) as refused:
        services.cancel_price(actor=PROVIDER, price=current)
    assert refused.value.code == "BIL-007"


def test_bil_01_invalid_amounts_are_refused() -> None:
    for amount in ("-1", "abc", "1.23456", "1e999", "NaN", "Infinity"):
        with pytest.raises(GuichetError) as refused:
            set_price("e-rdv", PriceKind.MONTHLY, amount)
        assert refused.value.code == "BIL-002"
