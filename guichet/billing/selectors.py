"""Every read of billing, scoped to the caller: an operator sees only its own documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from guichet.billing.choices import InvoiceStatus, LiableParty, PriceKind
from guichet.billing.errors import INVOICES_READ_FORBIDDEN, UNKNOWN_SERVICE
from guichet.billing.models import (
    CreditNote,
    Invoice,
    InvoiceLine,
    LiabilityClaim,
    Price,
    UsageRecord,
)
from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import get_scoped, scope
from guichet.operators.memos import ACCESS
from guichet.operators.models import EService, Operator, Subscription
from guichet.operators.selectors import is_operator_admin

INVOICES_READ = "invoices:read"
INCIDENT_CEILING = Decimal("50000.00")
YEARLY_CEILING = Decimal("150000.00")


# Prices (BIL-01, CTR-12) -----------------------------------------------------------


def services() -> QuerySet[EService]:
    """The catalogue of e-services (public: prices are part of the Specific Conditions)."""
    return EService.objects.order_by("position", "name")


def service_by_code(code: str) -> EService:
    """One e-service of the catalogue, or BIL-011."""
    service = ACCESS.get(("service", code), lambda: EService.objects.filter(code=code).first())
    if service is None:
        raise GuichetError(UNKNOWN_SERVICE, code=code)
    return service


def prices_for(actor: Principal) -> QuerySet[Price]:
    """Every price line, past and scheduled: prices are shown to every signed-in principal."""
    return Price.objects.select_related("service").order_by(
        "service__position", "kind", "-effective_from"
    )


def price_for(actor: Principal, pk: int) -> Price:
    """One price line, or GEN-404."""
    try:
        return prices_for(actor).get(pk=pk)
    except Price.DoesNotExist as exc:
        raise GuichetError(NOT_FOUND) from exc


def price_lines(service: EService, kind: str) -> list[Price]:
    """All lines of one service and kind, oldest first (the price history)."""
    return list(Price.objects.filter(service=service, kind=kind).order_by("effective_from"))


def price_in_force(service: EService, kind: str, on: date) -> Price | None:
    """The line in force on ``on``: the latest one that took effect on or before that day."""
    return (
        Price.objects.filter(service=service, kind=kind, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def current_prices(on: date) -> list[dict[str, object]]:
    """One row per e-service with its three prices in force on ``on`` and the next change."""
    rows = []
    for service in services():
        row: dict[str, object] = {"service": service}
        for kind in PriceKind.values:
            row[kind] = price_in_force(service, kind, on)
            row[f"{kind}_next"] = (
                Price.objects.filter(service=service, kind=kind, effective_from__gt=on)
                .order_by("effective_from")
                .first()
            )
        row["cells"] = [(row[kind], row[f"{kind}_next"]) for kind in PriceKind.values]
        rows.append(row)
    return rows


# Usage (per-use fees) --------------------------------------------------------------


def usage_for(actor: Principal) -> QuerySet[UsageRecord]:
    return scope(UsageRecord.objects.select_related("service", "operator"), actor)


def usage_counts_by_month(
    actor: Principal, *, operator_id: int | None = None, service_code: str = ""
) -> list[dict[str, object]]:
    """Acts per operator, e-service and month within scope: ``{month, operator_id, service, quantity}``."""
    queryset = usage_for(actor)
    if operator_id is not None:
        queryset = queryset.filter(operator_id=operator_id)
    if service_code:
        queryset = queryset.filter(service__code=service_code)
    rows = (
        queryset.annotate(month=TruncMonth("occurred_on"))
        .values("month", "operator_id", "service__code")
        .annotate(quantity=Sum("quantity"), records=Count("id"))
        .order_by("month", "operator_id", "service__code")
    )
    return [
        {
            "month": row["month"],
            "operator_id": row["operator_id"],
            "service": row["service__code"],
            "quantity": row["quantity"],
        }
        for row in rows
    ]


def usage_quantity(operator_id: int, service_id: int, first: date, last: date) -> int:
    """Acts of one operator on one e-service between two days inclusive (invoicing)."""
    total = UsageRecord.objects.filter(
        operator_id=operator_id, service_id=service_id, occurred_on__range=(first, last)
    ).aggregate(total=Sum("quantity"))["total"]
    return int(total or 0)


def usage_services_in(first: date, last: date) -> list[tuple[int, int]]:
    """The (operator, e-service) pairs with acts between two days (invoicing)."""
    return list(
        UsageRecord.objects.filter(occurred_on__range=(first, last))
        .values_list("operator_id", "service_id")
        .distinct()
        .order_by("operator_id", "service_id")
    )


# Invoices and credit notes (BIL-02) ------------------------------------------------


def may_read_invoices(actor: Principal) -> bool:
    """The Provider's staff, or an operator's person with ``invoices:read`` or its administrator."""
    return actor.is_provider or (
        actor.is_operator and (actor.has_right(INVOICES_READ) or is_operator_admin(actor))
    )


def _check_read(actor: Principal) -> None:
    if not may_read_invoices(actor):
        raise GuichetError(INVOICES_READ_FORBIDDEN)


@dataclass(frozen=True)
class InvoiceFilter:
    search: str = ""
    status: str = ""
    operator_id: int | None = None
    period: date | None = None
    ordering: str = "-period"


INVOICE_ORDERINGS = {
    "period": ("period", "number"),
    "-period": ("-period", "-number"),
    "number": ("number",),
    "-number": ("-number",),
    "total": ("total_ttc",),
    "-total": ("-total_ttc",),
    "operator": ("operator__name", "-period"),
    "-operator": ("-operator__name", "-period"),
}


def invoices_for(actor: Principal, filters: InvoiceFilter | None = None) -> QuerySet[Invoice]:
    """Invoices within scope (operators never see drafts), filtered and sorted."""
    _check_read(actor)
    queryset = scope(Invoice.objects.select_related("operator"), actor).defer("pdf")
    if not actor.is_provider:
        queryset = queryset.filter(status=InvoiceStatus.ISSUED)
    filters = filters or InvoiceFilter()
    search = filters.search.strip()
    if search:
        queryset = queryset.filter(
            Q(number__icontains=search)
            | Q(operator__name__icontains=search)
            | Q(operator__arcep_code__iexact=search)
            | Q(operator__siren=search)
        )
    if filters.status in InvoiceStatus.values:
        queryset = queryset.filter(status=filters.status)
    if filters.operator_id:
        queryset = queryset.filter(operator_id=filters.operator_id)
    if filters.period:
        queryset = queryset.filter(period=filters.period)
    ordering = INVOICE_ORDERINGS.get(filters.ordering, INVOICE_ORDERINGS["-period"])
    return queryset.order_by(*ordering, "id")


def invoice_for(actor: Principal, pk: int) -> Invoice:
    """One invoice within scope, or GEN-404."""
    return get_scoped(invoices_for(actor).defer(None), actor, pk=pk)


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return invoice.lines.select_related("service").order_by("position", "id")


def credited_ht(invoice: Invoice) -> Decimal:
    """What credit notes already took off ``invoice``, HT."""
    total = invoice.credit_notes.aggregate(total=Sum("total_ht"))["total"]
    return total or Decimal("0.00")


def credit_notes_for(actor: Principal) -> QuerySet[CreditNote]:
    _check_read(actor)
    return scope(CreditNote.objects.select_related("invoice", "operator"), actor).defer("pdf")


def credit_note_for(actor: Principal, pk: int) -> CreditNote:
    return get_scoped(credit_notes_for(actor).defer(None), actor, pk=pk)


def billable_subscriptions(first: date, last: date) -> QuerySet[Subscription]:
    """Subscriptions that may put a line on the invoices of [first, last]: begun by then
    (order form received, or activated when the receipt date is unknown) and not ended before."""
    return (
        Subscription.objects.select_related("service", "operator")
        .filter(
            Q(order_received_on__lte=last)
            | Q(order_received_on__isnull=True, activated_on__lte=last)
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .order_by("operator_id", "service__position", "id")
    )


def billable_operators(first: date, last: date) -> QuerySet[Operator]:
    """Operators with a subscription or acts to invoice for [first, last]."""
    with_subscriptions = billable_subscriptions(first, last).values("operator_id")
    with_usage = UsageRecord.objects.filter(occurred_on__range=(first, last)).values("operator_id")
    return Operator.objects.filter(Q(pk__in=with_subscriptions) | Q(pk__in=with_usage)).order_by(
        "name", "pk"
    )


def subscribed_operators(service: EService, on: date) -> QuerySet[Operator]:
    """Operators whose subscription to ``service`` has not ended by ``on`` (price notices)."""
    return (
        Operator.objects.filter(
            Q(subscriptions__service=service)
            & (Q(subscriptions__ends_on__isnull=True) | Q(subscriptions__ends_on__gt=on))
        )
        .distinct()
        .order_by("name")
    )


def draft_invoices(period: date) -> QuerySet[Invoice]:
    return Invoice.objects.filter(period=period, status=InvoiceStatus.DRAFT).order_by("id")


def accounting_lines(actor: Principal, *, first: date, last: date) -> QuerySet[InvoiceLine]:
    """Lines of the invoices issued between two days, for the accounting export (Provider)."""
    _check_read(actor)
    return (
        scope(
            InvoiceLine.objects.select_related("invoice", "invoice__operator", "service"),
            actor,
            operator_field="invoice__operator",
        )
        .filter(invoice__status=InvoiceStatus.ISSUED, invoice__issued_on__range=(first, last))
        .order_by("invoice__issued_on", "invoice__number", "position", "id")
    )


def accounting_credit_notes(actor: Principal, *, first: date, last: date) -> QuerySet[CreditNote]:
    return (
        credit_notes_for(actor)
        .filter(issued_on__range=(first, last))
        .order_by("issued_on", "number")
    )


# Liability ledger (CTR-13) ---------------------------------------------------------


def claims_for(
    actor: Principal, *, operator_id: int | None = None, year: int | None = None
) -> QuerySet[LiabilityClaim]:
    queryset = scope(LiabilityClaim.objects.select_related("operator"), actor)
    if operator_id:
        queryset = queryset.filter(operator_id=operator_id)
    if year:
        queryset = queryset.filter(incident_date__year=year)
    return queryset.order_by("-incident_date", "-id")


def claim_for(actor: Principal, pk: int) -> LiabilityClaim:
    return get_scoped(claims_for(actor), actor, pk=pk)


def retained_for_incident(
    operator_id: int, liable_party: str, incident_reference: str, *, exclude_pk: int | None = None
) -> Decimal:
    queryset = LiabilityClaim.objects.filter(
        operator_id=operator_id,
        liable_party=liable_party,
        incident_reference=incident_reference,
        amount_retained__isnull=False,
    )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.aggregate(total=Sum("amount_retained"))["total"] or Decimal("0.00")


def retained_in_year(
    operator_id: int, liable_party: str, year: int, *, exclude_pk: int | None = None
) -> Decimal:
    queryset = LiabilityClaim.objects.filter(
        operator_id=operator_id,
        liable_party=liable_party,
        incident_date__year=year,
        amount_retained__isnull=False,
    )
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.aggregate(total=Sum("amount_retained"))["total"] or Decimal("0.00")


@dataclass(frozen=True)
class Ceiling:
    """What remains under the yearly ceiling, and under each incident's, for one liable Party."""

    operator_id: int
    operator_name: str
    liable_party: str
    year: int
    retained: Decimal
    remaining: Decimal
    incidents: list[dict[str, object]]

    @property
    def liable_party_label(self) -> str:
        return str(LiableParty(self.liable_party).label)


def ceilings_for(actor: Principal, *, year: int, operator_id: int | None = None) -> list[Ceiling]:
    """Per operator (contract) and liable Party: retained and remaining under 150,000 €/year,
    and per incident under 50,000 €."""
    claims = claims_for(actor, operator_id=operator_id, year=year)
    groups: dict[tuple[int, str], dict[str, object]] = {}
    for claim in claims.order_by("operator__name", "liable_party", "incident_reference"):
        key = (claim.operator_id, claim.liable_party)
        group = groups.setdefault(
            key, {"name": claim.operator.name, "retained": Decimal("0.00"), "incidents": {}}
        )
        retained = claim.amount_retained or Decimal("0.00")
        group["retained"] += retained  # type: ignore[operator]
        incidents: dict[str, dict[str, object]] = group["incidents"]  # type: ignore[assignment]
        incident = incidents.setdefault(
            claim.incident_reference,
            {"reference": claim.incident_reference, "retained": Decimal("0.00")},
        )
        incident["retained"] += retained  # type: ignore[operator]
    result = []
    for (op_id, party), group in groups.items():
        incidents = list(group["incidents"].values())  # type: ignore[union-attr]
        for incident in incidents:
            incident["remaining"] = max(INCIDENT_CEILING - incident["retained"], Decimal("0.00"))
        retained_total: Decimal = group["retained"]  # type: ignore[assignment]
        result.append(
            Ceiling(
                operator_id=op_id,
                operator_name=str(group["name"]),
                liable_party=party,
                year=year,
                retained=retained_total,
                remaining=max(YEARLY_CEILING - retained_total, Decimal("0.00")),
                incidents=incidents,
            )
        )
    return result
