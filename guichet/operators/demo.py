"""Contracts demo: the two demo operators (FGTT, MRNM) hold a signed framework agreement and
General Conditions, wholesale contracts and a few e-services activated months ago.

Idempotent: what exists is left alone. Run after ``guichet.portal.demo.load_demo`` (it
creates the operators and their administrators, who sign for their side).
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import Role
from guichet.accounts.selectors import assignable_profiles_for, people_for
from guichet.accounts.services.profiles import assign_profiles
from guichet.core.context import Channel, Principal, principal_for_user
from guichet.operators import rendering
from guichet.operators.models import (
    DocumentKind,
    Operator,
    OrderForm,
    OrderFormStatus,
    Signature,
    Subscription,
    WholesaleOffer,
)
from guichet.operators.selectors.contracts import current_document, eservice_by_code
from guichet.operators.selectors.contracts import holds_wholesale as _holds
from guichet.operators.services import contracts, orders, wholesale

ADMIN_TEMPLATE = "Administrateur"
PROVIDER_SIGNATORY = ("René Bauruel", "Président du Syndicat Mixte Ouvert")
DEMO_CONTRACTS: dict[str, dict[str, list[str]]] = {
    "FGTT": {
        "offers": [WholesaleOffer.FTTH_ACCESS, WholesaleOffer.FTTE],
        "services": ["e-rdv", "e-sav", "tao", "eligibilite-ftte"],
    },
    "MRNM": {
        "offers": [WholesaleOffer.FTTH_ACCESS],
        "services": ["e-sav", "e-mutation", "e-rdv"],
    },
}


def _admin_principal(actor: Principal, operator: Operator) -> Principal | None:
    admin = (
        people_for(actor)
        .filter(operator=operator, role=Role.ADMIN, is_active=True)
        .order_by("pk")
        .first()
    )
    if admin is None:
        return None
    return principal_for_user(admin, channel=Channel.SYSTEM, ip=None, request_id="demo")


def _sign(actor: Principal, admin: Principal, operator: Operator, kind: str, on: date) -> None:
    document = current_document(kind)
    if document is None:
        return
    signature = Signature.objects.filter(operator=operator, document=document).first()
    if signature is None or signature.operator_signed_on is None:
        contracts.sign_document(
            actor=admin,
            operator=operator,
            document=document,
            signatory_name=operator.representative_name,
            signatory_capacity=operator.representative_capacity,
            signed_on=on,
            place=operator.head_office_city,
        )
    signature = Signature.objects.get(operator=operator, document=document)
    if signature.provider_signed_on is None:
        contracts.sign_document(
            actor=actor,
            operator=operator,
            document=document,
            signatory_name=PROVIDER_SIGNATORY[0],
            signatory_capacity=PROVIDER_SIGNATORY[1],
            signed_on=on + timedelta(days=2),
        )


def _subscribe(
    actor: Principal, admin: Principal, operator: Operator, code: str, received: date
) -> None:
    service = eservice_by_code(code)
    if Subscription.objects.filter(operator=operator, service=service).exists():
        return
    if (
        OrderForm.objects.filter(operator=operator, service=service)
        .exclude(status__in=[OrderFormStatus.CANCELLED, OrderFormStatus.REFUSED])
        .exists()
    ):
        return
    order_form = orders.create_order_form(
        actor=admin, service=service, comment="Commande de démonstration"
    )
    scan = rendering.document_pdf(
        title=f"Bon de commande {order_form.number} — {service.name}",
        text=f"{operator.name} ({operator.arcep_code}) commande l'e-service {service.name}.\n\n"
        f"Signé par {operator.representative_name}, {operator.representative_capacity}.",
        footer=order_form.number,
    )
    orders.upload_signed_scan(
        actor=actor,
        order_form=order_form,
        content=scan,
        signatory_name=operator.representative_name,
        signatory_capacity=operator.representative_capacity,
        received_on=received,
    )
    orders.validate_order_form(actor=actor, order_form=order_form)
    orders.activate_order_form(
        actor=actor, order_form=order_form, activated_on=received + timedelta(days=7)
    )


def _grant_every_right(actor: Principal, admin: Principal) -> None:
    """The demo administrator uses the e-services too: the Provider's « Administrateur » template
    (its rights stop at the subscribed e-services). A person given profiles keeps them."""
    person = admin.user
    if person is None or admin.operator_id is None or person.profiles.exists():
        return
    template = (
        assignable_profiles_for(actor, admin.operator_id)
        .filter(operator__isnull=True, name=ADMIN_TEMPLATE)
        .first()
    )
    if template is None:
        return
    assign_profiles(actor=actor, person=person, profiles=[template])


@transaction.atomic
def load_contract_demo(actor: Principal) -> int:
    """Sign, contract and subscribe the demo operators; returns how many subscriptions exist."""
    contracts.load_catalogue(actor=actor)
    today = timezone.localdate()
    signed_on = today - relativedelta(months=6)
    received = today - relativedelta(months=4)
    count = 0
    for code, plan in DEMO_CONTRACTS.items():
        operator = Operator.objects.filter(arcep_code=code).first()
        admin = _admin_principal(actor, operator) if operator else None
        if operator is None or admin is None:
            continue
        _sign(actor, admin, operator, DocumentKind.FRAMEWORK, signed_on)
        _sign(actor, admin, operator, DocumentKind.GENERAL, signed_on + timedelta(days=7))
        _sign(actor, admin, operator, DocumentKind.ANNEX_2, signed_on + timedelta(days=7))
        for offer in plan["offers"]:
            if not _holds(operator.pk, offer):
                wholesale.register_wholesale_contract(
                    actor=actor,
                    operator=operator,
                    offer=offer,
                    signed_on=date(2023, 3, 1),
                    reference=f"{code}-{offer.upper()}-2023",
                )
        for index, service_code in enumerate(plan["services"]):
            _subscribe(actor, admin, operator, service_code, received + timedelta(days=index * 3))
        _grant_every_right(actor, admin)
        count += Subscription.objects.filter(operator=operator).count()
    return count
