"""Wholesale offer contracts held by operators (art. 5, CTR-05), signed outside the platform."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.errors import CONTRACT_PROVIDER_ONLY, WHOLESALE_INVALID
from guichet.operators.models import Operator, WholesaleContract, WholesaleOffer
from guichet.operators.selectors.contracts import holds_wholesale

# --------------------------------------------------------------


@transaction.atomic
def register_wholesale_contract(
    *, actor: Principal, operator: Operator, offer: str, signed_on: date, reference: str = ""
) -> WholesaleContract:
    """Record that ``operator`` holds a wholesale offer contract (signed outside the platform)."""
    if not actor.is_provider:
        raise GuichetError(CONTRACT_PROVIDER_ONLY)
    if offer not in WholesaleOffer.values:
        raise GuichetError(WHOLESALE_INVALID, field="offer", detail="offre inconnue")
    if signed_on is None or signed_on > timezone.localdate():
        raise GuichetError(
            WHOLESALE_INVALID, field="signed_on", detail="date de signature invalide"
        )
    if holds_wholesale(operator.pk, offer):
        raise GuichetError(WHOLESALE_INVALID, field="offer", detail="ce contrat est déjà en cours")
    contract = WholesaleContract.objects.create(
        operator=operator, offer=offer, signed_on=signed_on, reference=(reference or "").strip()
    )
    record(
        actor, "operators.wholesale_contract.register", target=contract, after=snapshot(contract)
    )
    return contract


@transaction.atomic
def end_wholesale_contract(
    *, actor: Principal, contract: WholesaleContract, ended_on: date | None = None
) -> WholesaleContract:
    """Record the end of a wholesale offer contract."""
    if not actor.is_provider:
        raise GuichetError(CONTRACT_PROVIDER_ONLY)
    contract = WholesaleContract.objects.select_for_update().get(pk=contract.pk)
    if contract.ended_on is not None:
        raise GuichetError(WHOLESALE_INVALID, field="ended_on", detail="contrat déjà terminé")
    contract.ended_on = ended_on or timezone.localdate()
    contract.save(update_fields=["ended_on", "updated_at"])
    record(
        actor,
        "operators.wholesale_contract.end",
        target=contract,
        before={"ended_on": None},
        after={"ended_on": contract.ended_on},
    )
    return contract
