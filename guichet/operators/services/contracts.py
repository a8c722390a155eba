"""Contract documents and their signatures (CTR-02, 03, 09, 10, 11, 15).

Each function is one transaction with its audit record; emails leave through the one
outbox after commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from guichet.accounts.models import Role
from guichet.accounts.selectors import people_for
from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.errors import EMAIL_NO_RECIPIENT
from guichet.notifications.services import queue_email
from guichet.operators import rendering
from guichet.operators.catalogue import ESERVICES
from guichet.operators.errors import (
    ALREADY_SIGNED,
    CONTRACT_ADMIN_ONLY,
    CONTRACT_PROVIDER_ONLY,
    DOCUMENT_INVALID,
    DOCUMENT_NOT_SIGNABLE,
    DOCUMENT_NOTICE_TOO_SHORT,
    FRAMEWORK_NOT_SIGNED,
    SIGNATURE_INVALID,
)
from guichet.operators.models import (
    NOTIFIED_ANNEXES,
    SIGNED_KINDS,
    ContractDocument,
    DocumentKind,
    EService,
    Operator,
    Signature,
    Subscription,
)
from guichet.operators.selectors import is_operator_admin
from guichet.operators.selectors.contracts import current_document, signed

SEED_VERSION = "31 janvier 2019"
SEED_DATE = date(2019, 1, 31)
ANNEX_NOTICE_MONTHS = 1  # art. 10.1

# Specific Conditions are not public: these defaults follow French industry practice
# (SPEC, « Conditions Spécifiques »); the Provider publishes new versions to change them.
SPECIFIC_DEFAULTS: dict[str, dict[str, Any]] = {
    "eligibilite-ftte": {"minimum_commitment_months": 0, "termination_notice_months": 1},
    "e-rdv": {"minimum_commitment_months": 12, "termination_notice_months": 3},
    "e-sav": {"minimum_commitment_months": 12, "termination_notice_months": 3},
    "e-mutation": {"minimum_commitment_months": 12, "termination_notice_months": 3},
    "eep": {"minimum_commitment_months": 12, "termination_notice_months": 3},
    "tao": {"minimum_commitment_months": 0, "termination_notice_months": 1},
}
COMMON_SPECIFIC = {
    "change_notice_days": 30,
    "handling_hours": "Jours ouvrables, du lundi au samedi hors jours fériés, de 8 h à 18 h",
    "maintenance_windows": "Du lundi au vendredi de 22 h à 6 h, annoncées 10 jours ouvrables à l'avance",
}


def _fr(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def operator_admin_emails(actor: Principal, operator: Operator) -> list[str]:
    """The active administrators of ``operator``: contract notices go to them."""
    admins = people_for(actor).filter(operator=operator, role=Role.ADMIN, is_active=True)
    return [email for email in admins.values_list("email", flat=True) if email]


def send_contract_email(
    actor: Principal, *, operator: Operator, template: str, to: list[str] | None = None, **ctx: Any
) -> list[str]:
    """Queue a French email (first line = subject); no address must not block the action."""
    recipients = to if to is not None else operator_admin_emails(actor, operator)
    with translation.override("fr"):
        subject, _, body = render_to_string(
            f"operators/contracts/emails/{template}.txt", {"operator": operator, **ctx}
        ).partition("\n")
    try:
        email = queue_email(
            actor=actor,
            to=recipients,
            subject=subject.strip(),
            body=body.strip() + "\n",
            reason=f"operators.contracts.{template}",
            operator_id=operator.pk,
        )
    except GuichetError as exc:
        if exc.error is not EMAIL_NO_RECIPIENT:
            raise
        return []
    return list(email.recipients)


# Catalogue ------------------------------------------------------------------------


def _seed_documents() -> list[dict[str, Any]]:
    parts = rendering.general_conditions_parts()
    rows: list[dict[str, Any]] = [
        {
            "kind": DocumentKind.FRAMEWORK,
            "service": None,
            "title": "Accord-cadre de Deux-Sèvres Numérique",
            "body": rendering.template_text(rendering.FRAMEWORK_FILE),
        },
        {
            "kind": DocumentKind.GENERAL,
            "service": None,
            "title": "Conditions Générales e-services de Deux-Sèvres Numérique",
            "body": parts["general"],
        },
    ]
    for number in range(1, 5):
        kind = DocumentKind(f"annex-{number}")
        rows.append({"kind": kind, "service": None, "title": _fr(kind.label), "body": parts[kind]})
    for service in EService.objects.filter(code__in=SPECIFIC_DEFAULTS):
        rows.append(
            {
                "kind": DocumentKind.SPECIFIC,
                "service": service,
                "title": f"Conditions Spécifiques {service.name}",
                "body": rendering.template_text(rendering.SPECIFIC_FILE),
                **COMMON_SPECIFIC,
                **SPECIFIC_DEFAULTS[service.code],
            }
        )
    return rows


@transaction.atomic
def load_catalogue(*, actor: Principal) -> list[ContractDocument]:
    """Load the e-service catalogue and the shipped documents in their seed version; idempotent
    (existing rows and versions are kept)."""
    if not actor.is_provider:
        raise GuichetError(CONTRACT_PROVIDER_ONLY)
    for position, (code, name, description) in enumerate(ESERVICES, start=1):
        service, was_created = EService.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )
        if was_created:
            record(actor, "operators.eservice.load", target=service, after={"code": code})
    created = []
    for row in _seed_documents():
        kind, service = row.pop("kind"), row.pop("service")
        document, was_created = ContractDocument.objects.get_or_create(
            kind=kind,
            service=service,
            version=SEED_VERSION,
            defaults={"effective_on": SEED_DATE, **row},
        )
        if was_created:
            created.append(document)
            record(
                actor, "operators.contract_document.load", target=document, after=_brief(document)
            )
    return created


def _brief(document: ContractDocument) -> dict[str, Any]:
    return snapshot(document, fields=[f.name for f in document._meta.fields if f.name != "body"])


def _params_of(document: ContractDocument) -> dict[str, str]:
    """The Specific Conditions' blanks, from their parameters."""
    months = document.minimum_commitment_months
    return {
        "service": document.service.name if document.service else "",
        "description": document.service.description if document.service else "",
        "engagement": (
            f"L'e-service est souscrit pour une durée minimale de {months} mois à compter de sa "
            "date d'activation."
            if months
            else "L'e-service n'est soumis à aucune durée minimale d'engagement."
        ),
        "preavis": f"{document.termination_notice_months} mois",
        "preavis_modification": str(document.change_notice_days),
        "heures": document.handling_hours or "—",
        "maintenance": document.maintenance_windows or "—",
    }


def render_document(
    document: ContractDocument, operator: Operator, *, place: str, on: date
) -> bytes:
    """The PDF of ``document`` for ``operator`` with its identity, place and date (CTR-15)."""
    party = rendering.Party.of(operator)
    number = f"{operator.arcep_code}-{document.kind.upper()}-{document.pk}"
    text = rendering.fill(
        document.body, party, place=place, on=on, contract_number=number, extra=_params_of(document)
    )
    footer = f"{document.title} — version {document.version} — {operator.arcep_code}"
    return rendering.document_pdf(title=document.title, text=text, footer=footer)


@transaction.atomic
def publish_document(
    *,
    actor: Principal,
    kind: str,
    version: str,
    effective_on: date,
    service: EService | None = None,
    body: str = "",
    title: str = "",
    change_summary: str = "",
    substantial: bool = False,
    **params: Any,
) -> ContractDocument:
    """Publish a new version of a document and tell the operators concerned.

    * GC and Annex 2: a new version that operators must sign again (CTR-09, CTR-10);
    * other GC annexes: notified in writing, at least one month ahead (CTR-10);
    * Specific Conditions: emailed to the subscribers, with the notice of the service's
      current Specific Conditions; a substantial change opens a termination without
      penalty (CTR-11).
    """
    if not actor.is_provider:
        raise GuichetError(CONTRACT_PROVIDER_ONLY)
    version = (version or "").strip()
    if kind not in DocumentKind.values:
        raise GuichetError(DOCUMENT_INVALID, field="kind", detail="type de document inconnu")
    if not version:
        raise GuichetError(DOCUMENT_INVALID, field="version", detail="la version est obligatoire")
    if (kind == DocumentKind.SPECIFIC) != (service is not None):
        raise GuichetError(
            DOCUMENT_INVALID,
            field="service",
            detail="un e-service est requis pour des Conditions Spécifiques, et seulement pour elles",
        )
    unknown = set(params) - {
        "termination_notice_months",
        "minimum_commitment_months",
        "change_notice_days",
        "handling_hours",
        "maintenance_windows",
    }
    if unknown:
        raise GuichetError(DOCUMENT_INVALID, field=sorted(unknown)[0], detail="champ inconnu")
    if ContractDocument.objects.filter(kind=kind, service=service, version=version).exists():
        raise GuichetError(
            DOCUMENT_INVALID, field="version", detail=f"la version « {version} » existe déjà"
        )
    today = timezone.localdate()
    previous = (
        ContractDocument.objects.filter(kind=kind, service=service)
        .order_by("-effective_on", "-id")
        .first()
    )
    notice_days = 0
    if kind in NOTIFIED_ANNEXES:
        earliest = today + relativedelta(months=ANNEX_NOTICE_MONTHS)
        notice_days = (earliest - today).days
    elif kind == DocumentKind.SPECIFIC and previous is not None:
        notice_days = previous.change_notice_days
        earliest = today + timedelta(days=notice_days)
    else:
        earliest = today
    if effective_on < earliest:
        raise GuichetError(
            DOCUMENT_NOTICE_TOO_SHORT,
            field="effective_on",
            days=notice_days,
            earliest=earliest.strftime("%d/%m/%Y"),
        )
    inherited: dict[str, Any] = {}
    if previous is not None:
        inherited = {
            "body": previous.body,
            "title": previous.title,
            "termination_notice_months": previous.termination_notice_months,
            "minimum_commitment_months": previous.minimum_commitment_months,
            "change_notice_days": previous.change_notice_days,
            "handling_hours": previous.handling_hours,
            "maintenance_windows": previous.maintenance_windows,
        }
    values = {**inherited, **params}
    if body:
        values["body"] = body
    if title:
        values["title"] = title
    if not values.get("body") or not values.get("title"):
        raise GuichetError(DOCUMENT_INVALID, field="body", detail="titre et texte obligatoires")
    document = ContractDocument.objects.create(
        kind=kind,
        service=service,
        version=version,
        effective_on=effective_on,
        change_summary=change_summary.strip(),
        substantial=bool(substantial) and kind == DocumentKind.SPECIFIC,
        **values,
    )
    notified = _notify_new_version(actor, document)
    document.notified_at = timezone.now()
    document.save(update_fields=["notified_at", "updated_at"])
    record(
        actor,
        "operators.contract_document.publish",
        target=document,
        after={**_brief(document), "notified": notified},
    )
    return document


def _concerned_operators(document: ContractDocument) -> list[Operator]:
    if document.kind == DocumentKind.SPECIFIC:
        today = timezone.localdate()
        ids = (
            Subscription.objects.filter(service=document.service)
            .exclude(ends_on__lte=today)
            .values_list("operator_id", flat=True)
        )
    else:
        ids = Signature.objects.filter(
            document__kind=DocumentKind.FRAMEWORK, effective_on__isnull=False
        ).values_list("operator_id", flat=True)
    return list(Operator.objects.filter(pk__in=set(ids)))


def _notify_new_version(actor: Principal, document: ContractDocument) -> list[str]:
    template = "new_version_to_sign" if document.kind in SIGNED_KINDS else "document_changed"
    notified: list[str] = []
    for operator in _concerned_operators(document):
        notified += send_contract_email(
            actor,
            operator=operator,
            template=template,
            document=document,
            effective=rendering.french_date(document.effective_on),
        )
    return notified


# Signatures -----------------------------------------------------------------------


def _check_signer(actor: Principal, operator: Operator) -> str:
    """Which party ``actor`` signs for: the Provider, or the operator's administrator."""
    if actor.is_provider:
        return "provider"
    if actor.operator_id != operator.pk or not is_operator_admin(actor):
        raise GuichetError(CONTRACT_ADMIN_ONLY)
    return "operator"


@transaction.atomic
def sign_document(
    *,
    actor: Principal,
    operator: Operator,
    document: ContractDocument,
    signatory_name: str,
    signatory_capacity: str,
    signed_on: date | None = None,
    place: str = "",
) -> Signature:
    """Signer: one Party signs one exact version for ``operator`` (CTR-02, CTR-03, CTR-15).

    The first signature renders the PDF with the operator's identity and the place and
    date of signature, and keeps its SHA-256; the second signs that same PDF. The
    document takes effect on the date of the last signature. The General Conditions
    (and Annex 2) need the framework agreement signed by both Parties first.
    """
    party = _check_signer(actor, operator)
    if document.kind not in SIGNED_KINDS:
        raise GuichetError(DOCUMENT_NOT_SIGNABLE, document=str(document))
    signatory_name, signatory_capacity = (
        " ".join((signatory_name or "").split()),
        " ".join((signatory_capacity or "").split()),
    )
    today = timezone.localdate()
    signed_on = signed_on or today
    for field, failed, detail in (
        ("signatory_name", not signatory_name, "le nom du signataire est obligatoire"),
        ("signatory_capacity", not signatory_capacity, "la qualité du signataire est obligatoire"),
        ("signed_on", signed_on > today, "la date de signature est dans le futur"),
    ):
        if failed:
            raise GuichetError(SIGNATURE_INVALID, field=field, detail=detail)
    if (
        document.kind != DocumentKind.FRAMEWORK
        and signed(operator, DocumentKind.FRAMEWORK, on=signed_on) is None
    ):
        raise GuichetError(FRAMEWORK_NOT_SIGNED)
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    signature = Signature.objects.filter(operator=operator, document=document).first()
    if signature is None:
        place = " ".join((place or "").split())
        if not place:
            raise GuichetError(SIGNATURE_INVALID, field="place", detail="le lieu est obligatoire")
        pdf = render_document(document, operator, place=place, on=signed_on)
        signature = Signature(
            operator=operator,
            document=document,
            place=place,
            signature_date=signed_on,
            pdf=pdf,
            pdf_sha256=rendering.sha256(pdf),
        )
    if getattr(signature, f"{party}_signed_on") is not None:
        label = "le Fournisseur" if party == "provider" else "l'opérateur"
        raise GuichetError(ALREADY_SIGNED, document=str(document), party=label)
    setattr(signature, f"{party}_signatory_name", signatory_name)
    setattr(signature, f"{party}_signatory_capacity", signatory_capacity)
    setattr(signature, f"{party}_signed_on", signed_on)
    if signature.operator_signed_on and signature.provider_signed_on:
        signature.effective_on = max(signature.operator_signed_on, signature.provider_signed_on)
    signature.save()
    after = snapshot(signature, fields=[f.name for f in Signature._meta.fields if f.name != "pdf"])
    record(actor, f"operators.signature.sign_{party}", target=signature, after=after)
    if signature.effective_on and actor.is_provider:
        send_contract_email(
            actor,
            operator=operator,
            template="signed",
            document=document,
            signature=signature,
            effective=rendering.french_date(signature.effective_on),
        )
    return signature


def general_conditions_in_force(operator: Operator | int) -> ContractDocument | None:
    """The General Conditions version signed by both Parties that governs every e-service (CTR-09)."""
    signature = signed(operator, DocumentKind.GENERAL)
    return signature.document if signature else None


__all__ = [
    "current_document",
    "general_conditions_in_force",
    "load_catalogue",
    "publish_document",
    "render_document",
    "sign_document",
]
