"""Wholesale contracts and order forms, up to the activated subscription (CTR-05, CTR-06)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation

from guichet.accounts.models import Role
from guichet.accounts.services.identifiers import issue_identifier
from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators import rendering
from guichet.operators.errors import (
    ALREADY_SUBSCRIBED,
    CONTRACT_ADMIN_ONLY,
    CONTRACT_PROVIDER_ONLY,
    CONTRACT_TERMINATED,
    GENERAL_CONDITIONS_NOT_SIGNED,
    NO_SPECIFIC_CONDITIONS,
    ORDER_FORM_INVALID,
    ORDER_FORM_TRANSITION,
    SERVICE_INCLUDED,
    SIGNATURE_INVALID,
    WHOLESALE_CONTRACT_MISSING,
)
from guichet.operators.models import (
    ORDER_FORM_TRANSITIONS,
    SERVICE_DEPENDENCIES,
    DocumentKind,
    EService,
    Operator,
    OrderForm,
    OrderFormStatus,
    Subscription,
    WholesaleOffer,
)
from guichet.operators.models.contracts import INCLUDED_WITH_GENERAL_CONDITIONS
from guichet.operators.selectors import is_operator_admin
from guichet.operators.selectors.contracts import (
    contract_termination,
    current_document,
    holds_wholesale,
    open_order_form,
    signed,
)
from guichet.operators.services.contracts import send_contract_email

MAX_DESIGNATED_PERSONS = 100
PDF_MAGIC = b"%PDF-"
MAX_SCAN_BYTES = 10 * 1024 * 1024


def _fr(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def _brief(order_form: OrderForm) -> dict[str, Any]:
    return snapshot(order_form, fields=[f.name for f in OrderForm._meta.fields if f.name != "pdf"])


# Order forms ----------------------------------------------------------------------


def check_orderable(operator: Operator, service: EService) -> None:
    """Refuse an order the contract does not allow (CTR-05): GC, wholesale contract, duplicates."""
    if service.code in INCLUDED_WITH_GENERAL_CONDITIONS:
        raise GuichetError(SERVICE_INCLUDED, field="service", service=service.name)
    ending = contract_termination(operator)
    if ending is not None and (
        signed(operator, DocumentKind.FRAMEWORK, on=ending.effective_on + timedelta(days=1)) is None
    ):
        raise GuichetError(CONTRACT_TERMINATED, ends_on=f"{ending.effective_on:%d/%m/%Y}")
    if signed(operator, DocumentKind.GENERAL) is None:
        raise GuichetError(GENERAL_CONDITIONS_NOT_SIGNED)
    offer = SERVICE_DEPENDENCIES.get(service.code)
    if offer and not holds_wholesale(operator.pk, offer):
        raise GuichetError(
            WHOLESALE_CONTRACT_MISSING,
            field="service",
            service=service.name,
            offer=_fr(WholesaleOffer(offer).label),
        )


def _check_admin(actor: Principal, operator_id: int) -> None:
    if not actor.is_operator or actor.operator_id != operator_id or not is_operator_admin(actor):
        raise GuichetError(CONTRACT_ADMIN_ONLY)


def _clean_persons(persons: Any) -> list[dict[str, str]]:
    """Designated persons: name, email and login each, logins unique in the form."""
    if not isinstance(persons, list):
        raise GuichetError(ORDER_FORM_INVALID, field="designated_persons", detail="liste attendue")
    if len(persons) > MAX_DESIGNATED_PERSONS:
        raise GuichetError(
            ORDER_FORM_INVALID,
            field="designated_persons",
            detail=f"{MAX_DESIGNATED_PERSONS} personnes au plus",
        )
    cleaned, logins = [], set()
    for index, person in enumerate(persons, start=1):
        if not isinstance(person, dict):
            raise GuichetError(
                ORDER_FORM_INVALID, field="designated_persons", detail=f"personne {index} invalide"
            )
        row = {
            key: " ".join(str(person.get(key) or "").split()) for key in ("name", "email", "login")
        }
        missing = [key for key, value in row.items() if not value]
        if missing:
            raise GuichetError(
                ORDER_FORM_INVALID,
                field="designated_persons",
                detail=f"personne {index} : nom, courriel et identifiant sont obligatoires",
            )
        try:
            validate_email(row["email"])
        except ValidationError as exc:
            raise GuichetError(
                ORDER_FORM_INVALID,
                field="designated_persons",
                detail=f"personne {index} : courriel invalide",
            ) from exc
        if row["login"].lower() in logins:
            raise GuichetError(
                ORDER_FORM_INVALID,
                field="designated_persons",
                detail=f"identifiant « {row['login']} » en double",
            )
        logins.add(row["login"].lower())
        cleaned.append(row)
    return cleaned


@transaction.atomic
def create_order_form(
    *,
    actor: Principal,
    service: EService,
    designated_persons: list[dict[str, str]] | None = None,
    comment: str = "",
) -> OrderForm:
    """Remplir un bon de commande (draft) for the actor's operator (CTR-05)."""
    if actor.operator_id is None:
        raise GuichetError(CONTRACT_ADMIN_ONLY)
    _check_admin(actor, actor.operator_id)
    operator = Operator.objects.select_for_update().get(pk=actor.operator_id)
    check_orderable(operator, service)
    if open_order_form(operator.pk, service.pk) or _open_subscription(operator, service):
        raise GuichetError(ALREADY_SUBSCRIBED, field="service", service=service.name)
    specific = current_document(DocumentKind.SPECIFIC, service)
    if specific is None:
        raise GuichetError(NO_SPECIFIC_CONDITIONS, field="service", service=service.name)
    order_form = OrderForm.objects.create(
        operator=operator,
        service=service,
        specific_conditions=specific,
        designated_persons=_clean_persons(designated_persons or []),
        comment=(comment or "").strip(),
        created_by=actor.login,
    )
    record(actor, "operators.order_form.create", target=order_form, after=_brief(order_form))
    return order_form


def _open_subscription(operator: Operator, service: EService) -> Subscription | None:
    return Subscription.objects.filter(
        operator=operator, service=service, ends_on__isnull=True
    ).first()


def _move(order_form: OrderForm, target: str) -> None:
    if target not in ORDER_FORM_TRANSITIONS[order_form.status]:
        raise GuichetError(
            ORDER_FORM_TRANSITION,
            status=_fr(order_form.get_status_display()),
            target=_fr(OrderFormStatus(target).label),
        )
    order_form.status = target


def _pdf_context(
    order_form: OrderForm, signatory_name: str, capacity: str, login: str
) -> dict[str, Any]:
    general = signed(order_form.operator_id, DocumentKind.GENERAL)
    specific = order_form.specific_conditions
    return {
        "number": order_form.number,
        "operator": order_form.operator,
        "service": order_form.service.name,
        "general_version": general.document.version if general else "—",
        "specific_version": specific.version,
        "commitment": specific.minimum_commitment_months,
        "notice": specific.termination_notice_months,
        "persons": order_form.designated_persons,
        "comment": order_form.comment,
        "signatory_name": signatory_name,
        "signatory_capacity": capacity,
        "login": login,
        "signed_at": timezone.localtime(order_form.signed_at).strftime("%d/%m/%Y à %H:%M"),
    }


@transaction.atomic
def sign_order_form(
    *, actor: Principal, order_form: OrderForm, signatory_name: str, signatory_capacity: str
) -> OrderForm:
    """Acceptation électronique by an authorised person: the exact PDF and its SHA-256 are kept.

    The Provider receives the order that day: invoicing runs from it (BIL-02).
    """
    _check_admin(actor, order_form.operator_id)
    order_form = (
        OrderForm.objects.select_for_update()
        .select_related("operator", "service")
        .get(pk=order_form.pk)
    )
    _move(order_form, OrderFormStatus.RECEIVED)
    name, capacity = (
        " ".join((signatory_name or "").split()),
        " ".join((signatory_capacity or "").split()),
    )
    if not name or not capacity:
        raise GuichetError(
            SIGNATURE_INVALID,
            field="signatory_name" if not name else "signatory_capacity",
            detail="nom et qualité du signataire obligatoires",
        )
    check_orderable(order_form.operator, order_form.service)
    order_form.signed_at = timezone.now()
    pdf = rendering.order_form_pdf(_pdf_context(order_form, name, capacity, actor.login))
    order_form.signature_method = OrderForm.SignatureMethod.ELECTRONIC
    order_form.signatory_name, order_form.signatory_capacity = name, capacity
    order_form.signed_by_login = actor.login
    order_form.pdf, order_form.pdf_sha256 = pdf, rendering.sha256(pdf)
    order_form.received_on = timezone.localdate(order_form.signed_at)
    order_form.save()
    record(actor, "operators.order_form.sign", target=order_form, after=_brief(order_form))
    return order_form


@transaction.atomic
def upload_signed_scan(
    *,
    actor: Principal,
    order_form: OrderForm,
    content: bytes,
    signatory_name: str,
    signatory_capacity: str,
    received_on: date | None = None,
) -> OrderForm:
    """Bon signé scanné: the operator uploads it (received today), or the Provider records one
    received by post on ``received_on``."""
    if not actor.is_provider:
        _check_admin(actor, order_form.operator_id)
    order_form = (
        OrderForm.objects.select_for_update()
        .select_related("operator", "service")
        .get(pk=order_form.pk)
    )
    _move(order_form, OrderFormStatus.RECEIVED)
    today = timezone.localdate()
    received_on = received_on if actor.is_provider and received_on else today
    if received_on > today:
        raise GuichetError(
            ORDER_FORM_INVALID, field="received_on", detail="date de réception future"
        )
    if not content or not content.startswith(PDF_MAGIC) or len(content) > MAX_SCAN_BYTES:
        raise GuichetError(
            ORDER_FORM_INVALID, field="scan", detail="un fichier PDF de 10 Mo au plus est attendu"
        )
    name, capacity = (
        " ".join((signatory_name or "").split()),
        " ".join((signatory_capacity or "").split()),
    )
    if not name or not capacity:
        raise GuichetError(
            SIGNATURE_INVALID,
            field="signatory_name",
            detail="nom et qualité du signataire obligatoires",
        )
    check_orderable(order_form.operator, order_form.service)
    order_form.signature_method = OrderForm.SignatureMethod.SCAN
    order_form.signatory_name, order_form.signatory_capacity = name, capacity
    order_form.signed_by_login = actor.login
    order_form.signed_at = timezone.now()
    order_form.pdf, order_form.pdf_sha256 = content, rendering.sha256(content)
    order_form.received_on = received_on
    order_form.save()
    record(actor, "operators.order_form.upload_scan", target=order_form, after=_brief(order_form))
    return order_form


@transaction.atomic
def cancel_order_form(*, actor: Principal, order_form: OrderForm) -> OrderForm:
    """Abandon a draft order form."""
    _check_admin(actor, order_form.operator_id)
    order_form = OrderForm.objects.select_for_update().get(pk=order_form.pk)
    before = order_form.status
    _move(order_form, OrderFormStatus.CANCELLED)
    order_form.save(update_fields=["status", "updated_at"])
    record(
        actor,
        "operators.order_form.cancel",
        target=order_form,
        before={"status": before},
        after={"status": order_form.status},
    )
    return order_form


@transaction.atomic
def validate_order_form(*, actor: Principal, order_form: OrderForm) -> OrderForm:
    """The Provider checks the received order form (back-office)."""
    if not actor.is_provider:
        raise GuichetError(CONTRACT_PROVIDER_ONLY)
    order_form = (
        OrderForm.objects.select_for_update()
        .select_related("operator", "service")
        .get(pk=order_form.pk)
    )
    _move(order_form, OrderFormStatus.VALIDATED)
    check_orderable(order_form.operator, order_form.service)
    order_form.validated_by, order_form.validated_at = actor.login, timezone.now()
    order_form.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])
    record(
        actor,
        "operators.order_form.validate",
        target=order_form,
        before={"status": OrderFormStatus.RECEIVED},
        after={"status": order_form.status, "validated_by": actor.login},
    )
    return order_form


@transaction.atomic
def refuse_order_form(*, actor: Principal, order_form: OrderForm, reason: str) -> OrderForm:
    """The Provider refuses a received order form, with a reason emailed to the operator."""
    if not actor.is_provider:
        raise GuichetError(CONTRACT_PROVIDER_ONLY)
    reason = (reason or "").strip()
    if not reason:
        raise GuichetError(
            ORDER_FORM_INVALID, field="reason", detail="le motif du refus est obligatoire"
        )
    order_form = (
        OrderForm.objects.select_for_update()
        .select_related("operator", "service")
        .get(pk=order_form.pk)
    )
    before = order_form.status
    _move(order_form, OrderFormStatus.REFUSED)
    order_form.refusal_reason = reason
    order_form.save(update_fields=["status", "refusal_reason", "updated_at"])
    send_contract_email(
        actor, operator=order_form.operator, template="order_form_refused", order_form=order_form
    )
    record(
        actor,
        "operators.order_form.refuse",
        target=order_form,
        before={"status": before},
        after={"status": order_form.status, "refusal_reason": reason},
    )
    return order_form


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.partition(" ")
    return (first, last) if last else ("", name)


@transaction.atomic
def activate_order_form(
    *, actor: Principal, order_form: OrderForm, activated_on: date | None = None
) -> Subscription:
    """Activer: the subscription starts and the designated persons get identifiers (CTR-06).

    ``order_received_on`` (invoicing, BIL-02) is the day the order form was received, the
    minimum commitment comes from the Specific Conditions it was signed under, and each
    identifier's 5-business-day issuance runs from that same day (IAM, Annex 4).
    """
    if not actor.is_provider:
        raise GuichetError(CONTRACT_PROVIDER_ONLY)
    order_form = (
        OrderForm.objects.select_for_update()
        .select_related("operator", "service", "specific_conditions")
        .get(pk=order_form.pk)
    )
    _move(order_form, OrderFormStatus.ACTIVATED)
    activated_on = activated_on or timezone.localdate()
    if order_form.received_on and activated_on < order_form.received_on:
        raise GuichetError(
            ORDER_FORM_INVALID,
            field="activated_on",
            detail="l'activation ne peut précéder la réception du bon de commande",
        )
    check_orderable(order_form.operator, order_form.service)
    if _open_subscription(order_form.operator, order_form.service):
        raise GuichetError(ALREADY_SUBSCRIBED, field="service", service=order_form.service.name)
    subscription = Subscription.objects.create(
        operator=order_form.operator,
        service=order_form.service,
        order_received_on=order_form.received_on,
        activated_on=activated_on,
        minimum_commitment_months=order_form.specific_conditions.minimum_commitment_months,
    )
    order_form.activated_on, order_form.subscription = activated_on, subscription
    order_form.save(update_fields=["status", "activated_on", "subscription", "updated_at"])
    issued = []
    for person in order_form.designated_persons:
        first, last = _split_name(person["name"])
        user = issue_identifier(
            actor=actor,
            operator=order_form.operator,
            username=person["login"],
            email=person["email"],
            first_name=first,
            last_name=last,
            role=Role.MEMBER,
            requested_on=order_form.received_on,
        )
        issued.append(user.username)
    commitment_end = subscription.commitment_ends_on
    send_contract_email(
        actor,
        operator=order_form.operator,
        template="order_form_activated",
        order_form=order_form,
        subscription=subscription,
        activated=rendering.french_date(activated_on),
        commitment_end=rendering.french_date(commitment_end) if commitment_end else "",
    )
    record(
        actor,
        "operators.order_form.activate",
        target=order_form,
        before={"status": OrderFormStatus.VALIDATED},
        after={"status": order_form.status, "subscription": subscription.pk, "identifiers": issued},
    )
    record(
        actor, "operators.subscription.create", target=subscription, after=snapshot(subscription)
    )
    return subscription
