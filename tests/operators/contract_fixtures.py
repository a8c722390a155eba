"""Shared builders for the contract tests: catalogue loaded, documents signed through services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.context import Principal, principal_for_user
from guichet.operators.models import (
    ContractDocument,
    DocumentKind,
    EService,
    Operator,
    WholesaleOffer,
)
from guichet.operators.services import contracts, wholesale
from tests.factories import SYSTEM, make_operator

IDENTITY = {
    "legal_form": "SA",
    "share_capital": "1250000.00",
    "rcs_city": "Niort",
    "rcs_number": "812 345 678",
    "representative_name": "Claire Dupont",
    "representative_capacity": "Directrice générale",
}


def contract_operator(code: str, name: str) -> Operator:
    """An operator whose record holds the whole legal identity the contract names."""
    return make_operator(code, name=name, **IDENTITY)


def load_catalogue() -> list[ContractDocument]:
    return contracts.load_catalogue(actor=SYSTEM)


def as_principal(user: User) -> Principal:
    return principal_for_user(user, channel="portal", ip=None, request_id="test")


def document(kind: str, service: str | None = None) -> ContractDocument:
    return (
        ContractDocument.objects.filter(kind=kind, service__code=service)
        .order_by("-effective_on")
        .first()
    )


def sign_both(operator: Operator, kind: str, admin: User, *, on: date | None = None) -> Any:
    """Both Parties sign the current version of ``kind`` for ``operator``."""
    on = on or timezone.localdate() - timedelta(days=90)
    doc = document(kind)
    contracts.sign_document(
        actor=as_principal(admin),
        operator=operator,
        document=doc,
        signatory_name=admin.get_full_name() or "Claire Dupont",
        signatory_capacity="Directrice générale",
        signed_on=on,
        place="Niort",
    )
    return contracts.sign_document(
        actor=SYSTEM,
        operator=operator,
        document=doc,
        signatory_name="René Bauruel",
        signatory_capacity="Président",
        signed_on=on,
    )


def contract_ready(operator: Operator, admin: User, *offers: str) -> None:
    """Framework agreement and GC signed, and the wholesale contracts ``offers`` held."""
    sign_both(operator, DocumentKind.FRAMEWORK, admin)
    sign_both(operator, DocumentKind.GENERAL, admin)
    for offer in offers or (WholesaleOffer.FTTH_ACCESS,):
        wholesale.register_wholesale_contract(
            actor=SYSTEM, operator=operator, offer=offer, signed_on=date(2024, 1, 15)
        )


def service(code: str) -> EService:
    return EService.objects.get(code=code)
