"""Price lines of the e-services (BIL-01) and their notified changes (CTR-12, art. 10.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from guichet.accounts.models import Role
from guichet.accounts.selectors import people_for
from guichet.audit.recorder import record, snapshot
from guichet.billing import selectors
from guichet.billing.choices import PriceKind
from guichet.billing.errors import (
    E_SOUTIEN_FREE,
    PRICE_DATE_TAKEN,
    PRICE_IN_PAST,
    PRICE_INVALID,
    PRICE_NOT_CANCELLABLE,
    PRICE_NOTICE_TOO_SHORT,
    PRICE_UNCHANGED,
)
from guichet.billing.models import Price
from guichet.billing.money import format_eur
from guichet.billing.services.common import decimal_amount, require_provider
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.services import queue_email
from guichet.operators.models import EService, Operator

FREE_SERVICE = "e-soutien"  # Annex 3 §3: « sans contrepartie financière »
NOTICE_MONTHS_DECREASE = 1  # art. 10.2
NOTICE_MONTHS_INCREASE = 3  # art. 10.2


def earliest_change(today: date, *, increase: bool) -> date:
    """The first day a change notified on ``today`` may take effect (art. 10.2)."""
    months = NOTICE_MONTHS_INCREASE if increase else NOTICE_MONTHS_DECREASE
    return today + relativedelta(months=months)


@transaction.atomic
def schedule_price(
    *,
    actor: Principal,
    service: EService,
    kind: str,
    amount: Any,
    effective_from: date,
    label: str = "",
) -> Price:
    """Set the first price of an e-service, or schedule a change with the contract's notice.

    A first price needs no notice; a decrease needs 1 month and an increase 3 months
    from today (CTR-12). Operators subscribed to the service are emailed.
    """
    require_provider(actor)
    if kind not in PriceKind.values:
        raise GuichetError(PRICE_INVALID, field="kind", detail=f"kind : {kind!r}")
    value = decimal_amount(amount, error=PRICE_INVALID, field="amount", places=4)
    if service.code == FREE_SERVICE and value != 0:
        raise GuichetError(E_SOUTIEN_FREE, field="amount")
    if not isinstance(effective_from, date):
        raise GuichetError(PRICE_INVALID, field="effective_from", detail="effective_from")
    # One scheduler at a time per e-service: the notice is judged against a stable history.
    EService.objects.select_for_update().filter(pk=service.pk).first()
    today = timezone.localdate()
    lines = Price.objects.filter(service=service, kind=kind)
    later = lines.filter(effective_from__gte=effective_from).order_by("effective_from").first()
    if later is not None:
        raise GuichetError(
            PRICE_DATE_TAKEN,
            field="effective_from",
            kind=PriceKind(kind).label,
            service=service.name,
            date=date_format(later.effective_from, "SHORT_DATE_FORMAT"),
        )
    previous = lines.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
    if previous is not None:
        if effective_from < today:
            raise GuichetError(
                PRICE_IN_PAST,
                field="effective_from",
                date=date_format(effective_from, "SHORT_DATE_FORMAT"),
            )
        if value == previous.amount:
            raise GuichetError(PRICE_UNCHANGED, field="amount", amount=value)
        increase = value > previous.amount
        earliest = earliest_change(today, increase=increase)
        if effective_from < earliest:
            raise GuichetError(
                PRICE_NOTICE_TOO_SHORT,
                field="effective_from",
                direction="hausse" if increase else "baisse",
                direction_en="increase" if increase else "decrease",
                months=NOTICE_MONTHS_INCREASE if increase else NOTICE_MONTHS_DECREASE,
                earliest=date_format(earliest, "SHORT_DATE_FORMAT"),
            )
    price = Price.objects.create(
        service=service,
        kind=kind,
        amount=value,
        effective_from=effective_from,
        label=label.strip()[:200],
        scheduled_by=actor.login,
        notified_on=today,
    )
    after = snapshot(price)
    after["previous_amount"] = str(previous.amount) if previous else None
    record(actor, "billing.price.schedule", target=price, after=after)
    _notify(actor, price, previous, cancelled=False)
    return price


@transaction.atomic
def cancel_price(*, actor: Principal, price: Price) -> None:
    """Withdraw a price line that has not taken effect yet; subscribed operators are told."""
    require_provider(actor)
    price = Price.objects.select_for_update().get(pk=price.pk)
    if price.effective_from <= timezone.localdate():
        raise GuichetError(
            PRICE_NOT_CANCELLABLE, date=date_format(price.effective_from, "SHORT_DATE_FORMAT")
        )
    before = snapshot(price)
    previous = selectors.price_in_force(
        price.service, price.kind, price.effective_from - relativedelta(days=1)
    )
    record(actor, "billing.price.cancel", target=price, before=before)
    _notify(actor, price, previous, cancelled=True)
    price.delete()


def _recipients(operator: Operator) -> list[str]:
    """The billing contact; without one, the operator's administrators."""
    if operator.billing_contact_email:
        return [operator.billing_contact_email]
    admins = people_for(Principal.system("billing")).filter(
        operator=operator, role=Role.ADMIN, is_active=True
    )
    return [email for email in admins.values_list("email", flat=True) if email]


def _notify(actor: Principal, price: Price, previous: Price | None, *, cancelled: bool) -> None:
    """A written notice to each subscribed operator (art. 10.2), in the outbox."""
    with translation.override("fr"):
        context = {
            "price": price,
            "previous": previous,
            "cancelled": cancelled,
            "amount": format_eur(price.amount),
            "previous_amount": format_eur(previous.amount) if previous else "",
            "effective": date_format(price.effective_from, "DATE_FORMAT"),
            "kind": PriceKind(price.kind).label,
        }
        for operator in selectors.subscribed_operators(price.service, price.effective_from):
            recipients = _recipients(operator)
            if not recipients:
                continue
            body = render_to_string(
                "billing/emails/price_scheduled.txt", {**context, "operator": operator}
            )
            subject, _, text = body.partition("\n")
            queue_email(
                actor=actor,
                to=recipients,
                subject=subject.strip(),
                body=text.lstrip(),
                reason="billing.price.cancel" if cancelled else "billing.price.schedule",
                operator_id=operator.pk,
            )
