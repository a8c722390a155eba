"""Every read of contracts, signatures, order forms and terminations, scoped to the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import get_scoped, scope
from guichet.operators.models import (
    RANK,
    SIGNED_KINDS,
    ContractDocument,
    DataExport,
    DocumentKind,
    EService,
    Operator,
    OrderForm,
    OrderFormStatus,
    Signature,
    Subscription,
    TerminationNotice,
    WholesaleContract,
)

OPEN_ORDER_STATUSES = (
    OrderFormStatus.DRAFT,
    OrderFormStatus.RECEIVED,
    OrderFormStatus.VALIDATED,
)


def documents_for(
    actor: Principal, *, kind: str = "", search: str = "", service: str = ""
) -> QuerySet[ContractDocument]:
    """The catalogue of contract documents (public texts): every authenticated caller reads it."""
    if actor.operator_id is None and not actor.is_provider:
        return ContractDocument.objects.none()
    queryset = ContractDocument.objects.select_related("service")
    if kind in DocumentKind.values:
        queryset = queryset.filter(kind=kind)
    if service:
        queryset = queryset.filter(service__code=service)
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(title__icontains=search)
            | Q(version__icontains=search)
            | Q(service__name__icontains=search)
        )
    return queryset


def document_for(actor: Principal, pk: int) -> ContractDocument:
    """One document of the catalogue, or GEN-404."""
    try:
        return documents_for(actor).get(pk=pk)
    except ContractDocument.DoesNotExist as exc:
        raise GuichetError(NOT_FOUND) from exc


def current_document(
    kind: str, service: EService | None = None, *, on: date | None = None
) -> ContractDocument | None:
    """The version of ``kind`` (for ``service``) in effect on ``on`` — the newest already effective."""
    day = on or timezone.localdate()
    return (
        ContractDocument.objects.filter(kind=kind, service=service, effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .first()
    )


def signatures_for(actor: Principal, *, operator_id: int | None = None) -> QuerySet[Signature]:
    """Signatures within scope (the Provider: all, or one operator's)."""
    queryset = scope(Signature.objects.select_related("operator", "document__service"), actor)
    if operator_id:
        queryset = queryset.filter(operator_id=operator_id)
    return queryset.order_by("operator__name", "document__kind", "-document__effective_on")


def signature_for(actor: Principal, pk: int) -> Signature:
    """One signature within scope, or GEN-404."""
    return get_scoped(signatures_for(actor), actor, pk=pk)


def contract_termination(operator: Operator | int) -> TerminationNotice | None:
    """The notified termination of the whole Contract (CTR-07), effective or still to come."""
    operator_id = operator if isinstance(operator, int) else operator.pk
    return (
        TerminationNotice.objects.filter(operator_id=operator_id, whole_contract=True)
        .order_by("-effective_on")
        .first()
    )


def signed(operator: Operator | int, kind: str, *, on: date | None = None) -> Signature | None:
    """The newest version of ``kind`` signed by both Parties and in effect on ``on`` (CTR-03).

    A signature made before the whole Contract ended (CTR-07) no longer counts from that end.
    """
    day = on or timezone.localdate()
    operator_id = operator if isinstance(operator, int) else operator.pk
    signatures = Signature.objects.filter(
        operator_id=operator_id, document__kind=kind, effective_on__lte=day
    )
    ended = (
        TerminationNotice.objects.filter(
            operator_id=operator_id, whole_contract=True, effective_on__lte=day
        )
        .order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    if ended is not None:
        signatures = signatures.filter(effective_on__gt=ended)
    return (
        signatures.select_related("document")
        .order_by("-document__effective_on", "-effective_on")
        .first()
    )


@dataclass(frozen=True)
class DocumentInForce:
    """One line of « documents en vigueur »: the version that governs, and what awaits signature."""

    kind: str
    label: str
    service: EService | None
    document: ContractDocument | None
    signature: Signature | None
    pending: ContractDocument | None

    @property
    def rank(self) -> int:
        return RANK[self.kind]


def documents_in_force_for(
    actor: Principal, operator: Operator, *, on: date | None = None
) -> list[DocumentInForce]:
    """The versions in force for ``operator`` by rank (CTR-04, CTR-09).

    Signed documents govern in the version both Parties signed; a newer one awaits
    signatures. Notified annexes and Specific Conditions govern from their effective date.
    """
    operator = get_scoped(Operator.objects.all(), actor, operator_field="pk", pk=operator.pk)
    day = on or timezone.localdate()
    rows: list[DocumentInForce] = []
    for kind, label in DocumentKind.choices:
        if kind == DocumentKind.SPECIFIC:
            continue
        current = current_document(kind, on=day)
        if kind in SIGNED_KINDS:
            signature = signed(operator, kind, on=day)
            document = signature.document if signature else None
            pending = (
                current if current and (document is None or current.pk != document.pk) else None
            )
            if pending and document and pending.effective_on <= document.effective_on:
                pending = None
            rows.append(DocumentInForce(kind, str(label), None, document, signature, pending))
        else:
            rows.append(DocumentInForce(kind, str(label), None, current, None, None))
    subscribed = set(
        Subscription.objects.filter(operator=operator)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        .values_list("service_id", flat=True)
    )
    for service in EService.objects.filter(pk__in=subscribed):
        document = current_document(DocumentKind.SPECIFIC, service, on=day)
        upcoming = (
            ContractDocument.objects.filter(
                kind=DocumentKind.SPECIFIC, service=service, effective_on__gt=day
            )
            .order_by("effective_on")
            .first()
        )
        label = f"{DocumentKind.SPECIFIC.label} — {service.name}"
        rows.append(
            DocumentInForce(DocumentKind.SPECIFIC, label, service, document, None, upcoming)
        )
    return rows


def wholesale_contracts_for(
    actor: Principal, *, current_only: bool = False
) -> QuerySet[WholesaleContract]:
    """Wholesale offer contracts within scope."""
    queryset = scope(WholesaleContract.objects.select_related("operator"), actor)
    if current_only:
        queryset = queryset.filter(ended_on__isnull=True)
    return queryset.order_by("operator__name", "offer")


def holds_wholesale(operator_id: int, offer: str) -> bool:
    """Whether the operator holds a current contract for ``offer`` (CTR-05)."""
    return WholesaleContract.objects.filter(
        operator_id=operator_id, offer=offer, ended_on__isnull=True
    ).exists()


def order_forms_for(
    actor: Principal, *, status: str = "", search: str = "", ordering: str = ""
) -> QuerySet[OrderForm]:
    """Order forms within scope, filtered by status, searched by operator or service."""
    queryset = scope(
        OrderForm.objects.select_related("operator", "service", "specific_conditions"), actor
    )
    if status in OrderFormStatus.values:
        queryset = queryset.filter(status=status)
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(operator__name__icontains=search)
            | Q(operator__arcep_code__iexact=search)
            | Q(service__name__icontains=search)
        )
    allowed = {"created_at", "-created_at", "received_on", "-received_on", "status", "-status"}
    return queryset.order_by(ordering if ordering in allowed else "-created_at", "-id")


def order_form_for(actor: Principal, pk: int) -> OrderForm:
    """One order form within scope, or GEN-404."""
    return get_scoped(order_forms_for(actor), actor, pk=pk)


def open_order_form(operator_id: int, service_id: int) -> OrderForm | None:
    return OrderForm.objects.filter(
        operator_id=operator_id, service_id=service_id, status__in=OPEN_ORDER_STATUSES
    ).first()


def subscriptions_for(
    actor: Principal, *, search: str = "", current_only: bool = False, ordering: str = ""
) -> QuerySet[Subscription]:
    """Every subscription within scope (past ones too), searched by service or operator."""
    queryset = scope(Subscription.objects.select_related("service", "operator"), actor)
    if current_only:
        today = timezone.localdate()
        queryset = queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(service__name__icontains=search)
            | Q(operator__name__icontains=search)
            | Q(operator__arcep_code__iexact=search)
        )
    allowed = {"activated_on", "-activated_on", "ends_on", "-ends_on"}
    order = ordering if ordering in allowed else "-activated_on"
    return queryset.order_by(order, "operator__name", "service__position", "id")


def subscription_for(actor: Principal, pk: int) -> Subscription:
    """One subscription within scope, or GEN-404."""
    return get_scoped(subscriptions_for(actor), actor, pk=pk)


def terminations_for(
    actor: Principal, *, pending_only: bool = False
) -> QuerySet[TerminationNotice]:
    """Termination notices within scope, newest first."""
    queryset = scope(
        TerminationNotice.objects.select_related("operator", "subscription__service"), actor
    )
    if pending_only:
        queryset = queryset.filter(applied_at__isnull=True)
    return queryset.order_by("-requested_on", "-id")


def data_exports_for(actor: Principal) -> QuerySet[DataExport]:
    """Data archives of ended e-services within scope (CTR-14)."""
    return scope(
        DataExport.objects.select_related("operator", "subscription__service"), actor
    ).defer("archive")


def data_export_for(actor: Principal, pk: int) -> DataExport:
    """One data archive within scope, or GEN-404."""
    return get_scoped(
        DataExport.objects.select_related("operator", "subscription__service"), actor, pk=pk
    )


def pending_substantial_change(
    service: EService, *, on: date | None = None
) -> ContractDocument | None:
    """A notified substantial change of ``service``'s Specific Conditions not yet in effect (CTR-11)."""
    day = on or timezone.localdate()
    return (
        ContractDocument.objects.filter(
            kind=DocumentKind.SPECIFIC,
            service=service,
            substantial=True,
            notified_at__isnull=False,
            effective_on__gte=day,
        )
        .order_by("effective_on")
        .first()
    )


def eservices() -> QuerySet[EService]:
    """The catalogue of e-services (Annex 1), in its order."""
    return EService.objects.order_by("position", "name")


def eservice_by_code(code: str) -> EService:
    """One e-service of the catalogue by its code, or GEN-404 (the catalogue is public)."""
    service = EService.objects.filter(code=code).first()
    if service is None:
        raise GuichetError(NOT_FOUND)
    return service
