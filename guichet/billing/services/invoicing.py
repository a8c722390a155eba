"""Monthly invoices (BIL-02), early-termination fees (BIL-03) and credit notes.

For a month and an operator, each subscription gives:

* its one-off fees, in the month the order form was received (art. 7);
* its monthly fee for the days it runs in the month, from the order form's receipt to the
  day before ``ends_on``, prorated by calendar days (14 days of a 30-day month = 14/30);
* when the operator terminated it during its minimum commitment, every monthly fee still
  to run until the commitment ends (art. 9, CTR-08), in the month the termination takes
  effect; none after a substantial change (art. 10.2) or any other kind of termination;

and its acts of the month give the per-use fees. The price of each day is the one in force
that day. Lines are rounded as ``money.py`` says.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from guichet.audit.recorder import record
from guichet.billing import documents, selectors
from guichet.billing.choices import InvoiceStatus, LineKind, PriceKind, SequenceKind
from guichet.billing.errors import (
    CREDIT_REASON_REQUIRED,
    CREDIT_TOO_HIGH,
    INVOICE_EMPTY,
    INVOICE_ISSUED,
    INVOICE_NOT_ISSUED,
    MONTH_INVALID,
)
from guichet.billing.models import CreditNote, Invoice, InvoiceLine
from guichet.billing.money import (
    cents,
    days_in,
    format_eur,
    line_amounts,
    month_bounds,
    overlap,
    vat_rate,
)
from guichet.billing.services.common import decimal_amount, require_provider
from guichet.billing.services.numbering import next_number
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.models import EService, Operator, Subscription

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DraftLine:
    service: EService
    kind: str
    label: str
    period_start: date
    period_end: date
    quantity: Decimal
    unit_price: Decimal
    exact_ht: Decimal


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _segments(service: EService, kind: str, first: date, last: date) -> list[tuple[date, date]]:
    """[first, last] cut at each day a new price of ``service``/``kind`` takes effect."""
    cuts = sorted(
        price.effective_from
        for price in selectors.price_lines(service, kind)
        if first < price.effective_from <= last
    )
    bounds = [first, *cuts]
    ends = [day - timedelta(days=1) for day in cuts] + [last]
    return list(zip(bounds, ends, strict=True))


def _monthly_fees(
    service: EService, first: date, last: date
) -> list[tuple[date, date, Decimal, Decimal, Decimal]]:
    """(start, end, unit price, share of the month, exact HT) for the days [first, last] of ONE
    month, one item per price in force."""
    month_first, month_last = month_bounds(first)
    month_days = Decimal(days_in(month_first, month_last))
    items = []
    for start, end in _segments(service, PriceKind.MONTHLY, first, last):
        price = selectors.price_in_force(service, PriceKind.MONTHLY, start)
        if price is None or price.amount == 0:
            continue
        days = Decimal(days_in(start, end))
        items.append(
            (start, end, price.amount, days / month_days, price.amount * days / month_days)
        )
    return items


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """[first, last] cut at month boundaries."""
    parts = []
    start = first
    while start <= last:
        _, month_last = month_bounds(start)
        end = min(month_last, last)
        parts.append((start, end))
        start = end + timedelta(days=1)
    return parts


def _subscription_lines(subscription: Subscription, first: date, last: date) -> list[DraftLine]:
    service = subscription.service
    lines: list[DraftLine] = []
    # BIL-02: invoicing runs from the receipt of the order form (activation when unknown).
    start = subscription.order_received_on or subscription.activated_on
    if first <= start <= last:
        price = selectors.price_in_force(service, PriceKind.ONE_OFF, start)
        if price is not None and price.amount > 0:
            lines.append(
                DraftLine(
                    service=service,
                    kind=LineKind.ONE_OFF,
                    label=f"{service.name} — {price.label or PriceKind.ONE_OFF.label} "
                    f"(bon de commande reçu le {_short(start)})",
                    period_start=start,
                    period_end=start,
                    quantity=Decimal(1),
                    unit_price=price.amount,
                    exact_ht=price.amount,
                )
            )
    running = overlap(start, subscription.ends_on, first, last)
    if running is not None:
        month_days = days_in(first, last)
        for seg_start, seg_end, unit, share, exact in _monthly_fees(service, *running):
            days = days_in(seg_start, seg_end)
            prorata = "" if days == month_days else f", prorata {days}/{month_days} jours"
            lines.append(
                DraftLine(
                    service=service,
                    kind=LineKind.MONTHLY,
                    label=f"{service.name} — abonnement du {_short(seg_start)} au {_short(seg_end)}{prorata}",
                    period_start=seg_start,
                    period_end=seg_end,
                    quantity=share.quantize(Decimal("0.0001")),
                    unit_price=unit,
                    exact_ht=exact,
                )
            )
    lines.extend(_early_termination(subscription, first, last))
    return lines


def early_termination_fee(subscription: Subscription) -> tuple[Decimal, date, date] | None:
    """BIL-03: the monthly fees still to run until the commitment ends, owed when the operator
    terminated during its minimum commitment (art. 9); None when nothing is owed."""
    commitment_end = subscription.commitment_ends_on
    if (
        subscription.termination_kind != Subscription.TerminationKind.OPERATOR
        or subscription.ends_on is None
        or commitment_end is None
        or subscription.ends_on > commitment_end
    ):
        return None
    remaining_first, remaining_last = subscription.ends_on, commitment_end
    total = Decimal(0)
    for month_first, month_last in _months(remaining_first, remaining_last):
        total += sum(
            (item[4] for item in _monthly_fees(subscription.service, month_first, month_last)),
            Decimal(0),
        )
    return total, remaining_first, remaining_last


def _early_termination(subscription: Subscription, first: date, last: date) -> list[DraftLine]:
    if subscription.ends_on is None or not first <= subscription.ends_on <= last:
        return []
    fee = early_termination_fee(subscription)
    if fee is None or fee[0] == 0:
        return []
    total, remaining_first, remaining_last = fee
    return [
        DraftLine(
            service=subscription.service,
            kind=LineKind.EARLY_TERMINATION,
            label=f"{subscription.service.name} — résiliation anticipée : abonnements restant "
            f"à courir du {_short(remaining_first)} au {_short(remaining_last)} "
            f"(engagement de {subscription.minimum_commitment_months} mois, article 9)",
            period_start=remaining_first,
            period_end=remaining_last,
            quantity=Decimal(1),
            unit_price=total,
            exact_ht=total,
        )
    ]


def _usage_lines(operator_id: int, service: EService, first: date, last: date) -> list[DraftLine]:
    lines = []
    for seg_start, seg_end in _segments(service, PriceKind.PER_USE, first, last):
        price = selectors.price_in_force(service, PriceKind.PER_USE, seg_start)
        quantity = selectors.usage_quantity(operator_id, service.pk, seg_start, seg_end)
        if price is None or price.amount == 0 or quantity == 0:
            continue
        lines.append(
            DraftLine(
                service=service,
                kind=LineKind.PER_USE,
                label=f"{service.name} — {price.label or 'actes'} du {_short(seg_start)} "
                f"au {_short(seg_end)}",
                period_start=seg_start,
                period_end=seg_end,
                quantity=Decimal(quantity),
                unit_price=price.amount,
                exact_ht=price.amount * quantity,
            )
        )
    return lines


def lines_for(operator: Operator, period: date) -> list[DraftLine]:
    """Every line owed by ``operator`` for the month of ``period`` (pure computation)."""
    first, last = month_bounds(period)
    lines: list[DraftLine] = []
    for subscription in selectors.billable_subscriptions(first, last).filter(operator=operator):
        lines.extend(_subscription_lines(subscription, first, last))
    used = {
        service_id
        for op_id, service_id in selectors.usage_services_in(first, last)
        if op_id == operator.pk
    }
    for service in EService.objects.filter(pk__in=used).order_by("position"):
        lines.extend(_usage_lines(operator.pk, service, first, last))
    return lines


def check_month(period: date | None, raw: str = "") -> date:
    """A month that is over (invoices are made for past months only), as its first day."""
    current = timezone.localdate().replace(day=1)
    if period is None or period.replace(day=1) >= current or period.year < 2000:
        raise GuichetError(MONTH_INVALID, field="month", value=raw or str(period))
    return period.replace(day=1)


def _write_lines(invoice: Invoice, drafts: list[DraftLine]) -> None:
    invoice.lines.all().delete()
    rate = invoice.vat_rate
    total_ht = total_vat = Decimal("0.00")
    for position, draft in enumerate(drafts, start=1):
        amounts = line_amounts(draft.exact_ht, rate)
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            service=draft.service,
            kind=draft.kind,
            label=draft.label[:300],
            period_start=draft.period_start,
            period_end=draft.period_end,
            quantity=draft.quantity,
            unit_price=draft.unit_price,
            amount_ht=amounts.ht,
            vat_amount=amounts.vat,
            amount_ttc=amounts.ttc,
        )
        total_ht += amounts.ht
        total_vat += amounts.vat
    invoice.total_ht = total_ht
    invoice.total_vat = total_vat
    invoice.total_ttc = total_ht + total_vat


@dataclass
class GenerationSummary:
    period: date
    drafted: list[int] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    already_issued: list[int] = field(default_factory=list)
    nothing_owed: list[int] = field(default_factory=list)


@transaction.atomic
def generate_invoice(
    *, actor: Principal, operator: Operator, period: date, issue: bool = False
) -> Invoice | None:
    """The invoice of ``operator`` for the month: drafted (or its draft recomputed), issued when
    ``issue``. Idempotent: an issued invoice is returned untouched; nothing owed, no invoice."""
    return _generate(actor, operator, period, issue)[0]


def _generate(
    actor: Principal, operator: Operator, period: date, issue: bool
) -> tuple[Invoice | None, str]:
    require_provider(actor)
    period = check_month(period)
    invoice, created = Invoice.objects.get_or_create(
        operator=operator, period=period, defaults={"vat_rate": vat_rate()}
    )
    invoice = Invoice.objects.select_for_update().select_related("operator").get(pk=invoice.pk)
    if invoice.is_issued:
        return invoice, "already_issued"
    drafts = lines_for(operator, period)
    if not drafts:
        invoice.delete()
        return None, "nothing_owed"
    invoice.vat_rate = vat_rate()
    _write_lines(invoice, drafts)
    invoice.save()
    record(
        actor,
        "billing.invoice.draft",
        target=invoice,
        after={
            "operator_id": operator.pk,
            "period": period.isoformat(),
            "lines": len(drafts),
            "total_ht": str(invoice.total_ht),
            "created": created,
        },
    )
    if issue:
        return _issue(actor, invoice), "issued"
    return invoice, "drafted"


def generate_invoices(*, actor: Principal, period: date, issue: bool = False) -> GenerationSummary:
    """Every operator's invoice for the month, each in its own transaction (the monthly job)."""
    require_provider(actor)
    period = check_month(period)
    first, last = month_bounds(period)
    summary = GenerationSummary(period=period)
    for operator in selectors.billable_operators(first, last):
        with transaction.atomic():
            invoice, outcome = _generate(actor, operator, period, issue)
        if outcome == "issued" and invoice is not None:
            summary.issued.append(str(invoice.number))
        elif outcome == "already_issued" and invoice is not None:
            summary.already_issued.append(invoice.pk)
        elif outcome == "drafted" and invoice is not None:
            summary.drafted.append(invoice.pk)
        else:
            summary.nothing_owed.append(operator.pk)
    return summary


def _issue(actor: Principal, invoice: Invoice) -> Invoice:
    lines = list(selectors.invoice_lines(invoice))
    if not lines:
        raise GuichetError(INVOICE_EMPTY)
    now = timezone.now()
    today = timezone.localdate()
    invoice.number = next_number(SequenceKind.INVOICE, today.year)
    invoice.issued_on = today
    invoice.issued_at = now
    invoice.issued_by = actor.login
    invoice.buyer = documents.buyer_identity(invoice.operator)
    invoice.status = InvoiceStatus.ISSUED
    pdf = documents.invoice_pdf(invoice, lines)
    invoice.pdf = pdf
    invoice.pdf_sha256 = documents.sha256(pdf)
    invoice.save()
    record(
        actor,
        "billing.invoice.issue",
        target=invoice,
        after={
            "number": invoice.number,
            "operator_id": invoice.operator_id,
            "period": invoice.period.isoformat(),
            "total_ht": str(invoice.total_ht),
            "total_vat": str(invoice.total_vat),
            "total_ttc": str(invoice.total_ttc),
            "pdf_sha256": invoice.pdf_sha256,
        },
    )
    return invoice


@transaction.atomic
def issue_invoice(*, actor: Principal, invoice: Invoice) -> Invoice:
    """Give a draft its number (gapless), freeze it and keep its PDF with its SHA-256."""
    require_provider(actor)
    invoice = Invoice.objects.select_for_update().select_related("operator").get(pk=invoice.pk)
    if invoice.is_issued:
        raise GuichetError(INVOICE_ISSUED, number=invoice.number)
    return _issue(actor, invoice)


@transaction.atomic
def issue_credit_note(
    *, actor: Principal, invoice: Invoice, reason: str, amount_ht: Any = None
) -> CreditNote:
    """Correct an issued invoice (BIL-02): the whole of what remains, or ``amount_ht`` of it."""
    require_provider(actor)
    invoice = Invoice.objects.select_for_update().select_related("operator").get(pk=invoice.pk)
    if not invoice.is_issued:
        raise GuichetError(INVOICE_NOT_ISSUED)
    reason = (reason or "").strip()
    if not reason:
        raise GuichetError(CREDIT_REASON_REQUIRED, field="reason")
    credited = list(invoice.credit_notes.values_list("total_ht", "total_vat"))
    remaining_ht = invoice.total_ht - sum((ht for ht, _ in credited), Decimal(0))
    remaining_vat = invoice.total_vat - sum((vat for _, vat in credited), Decimal(0))
    if amount_ht in (None, ""):
        amount = remaining_ht
    else:
        amount = decimal_amount(amount_ht, error=CREDIT_TOO_HIGH, field="amount_ht", positive=True)
    if amount <= 0 or amount > remaining_ht:
        raise GuichetError(
            CREDIT_TOO_HIGH,
            field="amount_ht",
            amount=format_eur(amount),
            remaining=format_eur(remaining_ht),
        )
    vat = (
        remaining_vat
        if amount == remaining_ht
        else min(cents(amount * invoice.vat_rate / 100), remaining_vat)
    )
    today = timezone.localdate()
    note = CreditNote(
        invoice=invoice,
        operator=invoice.operator,
        number=next_number(SequenceKind.CREDIT_NOTE, today.year),
        reason=reason[:2000],
        issued_on=today,
        issued_at=timezone.now(),
        issued_by=actor.login,
        vat_rate=invoice.vat_rate,
        total_ht=amount,
        total_vat=vat,
        total_ttc=amount + vat,
        buyer=invoice.buyer or documents.buyer_identity(invoice.operator),
    )
    pdf = documents.credit_note_pdf(note)
    note.pdf = pdf
    note.pdf_sha256 = documents.sha256(pdf)
    note.save()
    record(
        actor,
        "billing.credit_note.issue",
        target=note,
        after={
            "number": note.number,
            "invoice": invoice.number,
            "reason": note.reason,
            "total_ht": str(note.total_ht),
            "total_vat": str(note.total_vat),
            "total_ttc": str(note.total_ttc),
            "pdf_sha256": note.pdf_sha256,
        },
    )
    return note
