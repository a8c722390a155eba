"""The liability ledger (CTR-13, art. 8): claims between the Provider and an operator, and what
is retained, capped at 50,000 € per incident and 150,000 € per calendar year per liable Party."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record, snapshot
from guichet.billing import selectors
from guichet.billing.choices import LiableParty
from guichet.billing.errors import CLAIM_ALREADY_DECIDED, CLAIM_INVALID
from guichet.billing.models import LiabilityClaim
from guichet.billing.services.common import decimal_amount, require_provider
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator


@transaction.atomic
def record_claim(
    *,
    actor: Principal,
    operator: Operator,
    liable_party: str,
    incident_reference: str,
    incident_date: date,
    amount_claimed: Any,
    description: str = "",
    amount_retained: Any = None,
) -> LiabilityClaim:
    """Enter a claim in the ledger (Provider's staff); with ``amount_retained``, decide it at once."""
    require_provider(actor)
    if liable_party not in LiableParty.values:
        raise GuichetError(
            CLAIM_INVALID, field="liable_party", detail=f"liable_party : {liable_party!r}"
        )
    reference = (incident_reference or "").strip()
    if not reference or len(reference) > 100:
        raise GuichetError(
            CLAIM_INVALID,
            field="incident_reference",
            detail="incident_reference : 1 à 100 caractères",
        )
    if not isinstance(incident_date, date) or incident_date > timezone.localdate():
        raise GuichetError(
            CLAIM_INVALID, field="incident_date", detail=f"incident_date : {incident_date}"
        )
    claimed = decimal_amount(
        amount_claimed, error=CLAIM_INVALID, field="amount_claimed", positive=True
    )
    claim = LiabilityClaim.objects.create(
        operator=operator,
        liable_party=liable_party,
        incident_reference=reference,
        incident_date=incident_date,
        description=(description or "").strip(),
        amount_claimed=claimed,
        recorded_by=actor.login,
    )
    record(actor, "billing.claim.record", target=claim, after=snapshot(claim))
    if amount_retained not in (None, ""):
        claim = decide_claim(actor=actor, claim=claim, amount_retained=amount_retained)
    return claim


@transaction.atomic
def decide_claim(
    *, actor: Principal, claim: LiabilityClaim, amount_retained: Any
) -> LiabilityClaim:
    """Fix what is retained for a claim, capped by what remains under the incident's ceiling
    (50,000 €) and the calendar year's (150,000 €) for that liable Party (art. 8)."""
    require_provider(actor)
    # One decision at a time per contract: the ceilings are read and used in one go.
    Operator.objects.select_for_update().filter(pk=claim.operator_id).first()
    claim = LiabilityClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.amount_retained is not None:
        raise GuichetError(CLAIM_ALREADY_DECIDED)
    proposed = decimal_amount(amount_retained, error=CLAIM_INVALID, field="amount_retained")
    if proposed > claim.amount_claimed:
        raise GuichetError(
            CLAIM_INVALID,
            field="amount_retained",
            detail=f"amount_retained : {proposed} > amount_claimed {claim.amount_claimed}",
        )
    incident_room = selectors.INCIDENT_CEILING - selectors.retained_for_incident(
        claim.operator_id, claim.liable_party, claim.incident_reference, exclude_pk=claim.pk
    )
    year_room = selectors.YEARLY_CEILING - selectors.retained_in_year(
        claim.operator_id, claim.liable_party, claim.incident_date.year, exclude_pk=claim.pk
    )
    retained = max(min(proposed, incident_room, year_room), 0)
    claim.amount_proposed = proposed
    claim.amount_retained = retained
    claim.decided_on = timezone.localdate()
    claim.save(update_fields=["amount_proposed", "amount_retained", "decided_on", "updated_at"])
    record(
        actor,
        "billing.claim.decide",
        target=claim,
        after={
            "amount_proposed": str(proposed),
            "amount_retained": str(retained),
            "incident_room": str(incident_room),
            "year_room": str(year_room),
            "capped": retained < proposed,
        },
    )
    return claim
