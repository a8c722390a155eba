"""Eligibility writes: a qualification (asked on any door) and the Provider's rules.

``qualify`` is the one path behind REST, SOAP, the portal and bulk files: it checks the
caller may use the e-service, resolves the place, applies :mod:`guichet.eligibility.rules`,
stores the answer with the data's extraction date (GEN-03), journals it and counts one
use for billing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from guichet.addresses.selectors import FOUND, UNKNOWN, Candidate, PlaceQuery, Resolution, resolve
from guichet.addresses.translation import address_dict
from guichet.audit.recorder import record
from guichet.billing.services import record_usage
from guichet.core.context import Principal
from guichet.core.errors import MISSING_RIGHT, PERMISSION_DENIED, GuichetError
from guichet.eligibility import selectors
from guichet.eligibility.choices import (
    DEFAULT_OFFERS,
    ESERVICE,
    RIGHT,
    Offer,
    Reason,
    Result,
)
from guichet.eligibility.errors import NO_FTTE_CONTRACT, NOT_SUBSCRIBED, UNKNOWN_OFFER
from guichet.eligibility.models import Qualification, QualificationItem
from guichet.eligibility.rules import (
    BuildingFacts,
    Verdict,
    Why,
    address_only,
    combine,
    contract_offer,
    judge,
)
from guichet.network import selectors as network
from guichet.operators.models import Operator
from guichet.operators.selectors import entitlements_of

# --- Access -------------------------------------------------------------------------------


def check_access(actor: Principal) -> Operator | None:
    """The operator a qualification is for and billed to; None for the Provider's staff (tests).

    Refusals are distinct so an integrator knows what to fix: no subscription (ELI-001),
    no FTTE wholesale contract (ELI-002), then the person's right (GEN-403-RIGHT).
    """
    if actor.is_provider:
        return None
    if actor.operator_id is None:
        raise GuichetError(PERMISSION_DENIED)
    entitled = entitlements_of(actor.operator_id)
    if entitled is None:
        raise GuichetError(PERMISSION_DENIED)
    if ESERVICE not in entitled.subscriptions:
        raise GuichetError(NOT_SUBSCRIBED)
    if contract_offer(Offer.FTTE_PASSIVE_PM) not in entitled.offers:
        raise GuichetError(NO_FTTE_CONTRACT)
    if not actor.has_right(RIGHT):
        raise GuichetError(MISSING_RIGHT, right=RIGHT)
    return entitled.operator


def clean_offers(offers: Sequence[str] | None) -> list[str]:
    """The offers asked, known and without duplicates, in the order given (all by default)."""
    if not offers:
        return list(DEFAULT_OFFERS)
    cleaned: list[str] = []
    for offer in offers:
        if offer not in Offer.values:
            raise GuichetError(
                UNKNOWN_OFFER, field="offers", offer=offer, known=", ".join(Offer.values)
            )
        if offer not in cleaned:
            cleaned.append(offer)
    return cleaned


# --- Facts read from the inventory ---------------------------------------------------------


def _facts(building: Any, pbo_references: tuple[str, ...], pm: Any = None) -> BuildingFacts:
    pm = building.pm or pm
    return BuildingFacts(
        building_id=building.ipe_id,
        state=building.state,
        insee=building.address.insee,
        cabling_on=building.cabling_on,
        pm_reference=pm.reference if pm else "",
        pm_state=pm.state if pm else "",
        pm_commercial_opening_on=pm.commercial_opening_on if pm else None,
        frozen_until=building.frozen_until,
        pbo_references=pbo_references,
        premises_count=building.premises_count,
    )


def _buildings_facts(actor: Principal, candidate: Candidate) -> list[BuildingFacts]:
    """The buildings the place names: the premises' own, the one named, or all of the address."""
    premises = candidate.premises
    if premises is not None:
        pbo = premises.pbo
        # A building's PM is its PBO's when the IPE line lacks it.
        return [_facts(premises.building, (pbo.reference,) if pbo else (), pbo and pbo.pm)]
    buildings = network.inventory_buildings(actor).filter(address=candidate.address)
    if candidate.building_id:
        buildings = buildings.filter(ipe_id=candidate.building_id)
    # Sorted here: ORDER BY over a long select_related costs more than the query.
    buildings = sorted(buildings.order_by(), key=lambda b: b.ipe_id)
    pbos: dict[int, list[str]] = {}
    rows = (
        network.inventory_premises(actor)
        .filter(building__in=buildings, pbo__isnull=False)
        .values_list("building_id", "pbo__reference")
        .distinct()
        .order_by("building_id", "pbo__reference")
    )
    for building_id, reference in rows:
        pbos.setdefault(building_id, []).append(reference)
    return [_facts(b, tuple(pbos.get(b.pk, ()))) for b in buildings]


def _verdicts(
    actor: Principal, operator: Operator | None, resolution: Resolution, offers: list[str]
) -> list[Verdict]:
    if resolution.status != FOUND or resolution.candidate is None:
        code = Reason.UNKNOWN_ADDRESS if resolution.status == UNKNOWN else Reason.AMBIGUOUS_ADDRESS
        return [address_only(offer, code) for offer in offers]
    today = timezone.localdate()
    facts = _buildings_facts(actor, resolution.candidate)
    constraints = selectors.constraints_on(
        today=today,
        insees={f.insee for f in facts},
        pms={f.pm_reference for f in facts},
        buildings={f.building_id for f in facts},
    )
    entitled = None if operator is None else entitlements_of(operator.pk)
    contracts = {name: entitled is None or name in entitled.offers for name in ("ftth", "ftte")}
    answers = []
    for offer in offers:
        holds = contracts[contract_offer(offer)]
        per_building = [
            judge(f, offer, today=today, constraints=constraints, holds_contract=holds)
            for f in facts
        ]
        if not per_building:  # an address of the inventory without any IPE line
            reasons = (Why(Reason.NOT_DEPLOYED),) + (() if holds else (Why(Reason.NO_CONTRACT),))
            answers.append(Verdict(offer=offer, eligible=False, reasons=reasons))
        else:
            answers.append(combine(offer, per_building))
    return answers


# --- What is stored --------------------------------------------------------------------------


def address_json(address: Any) -> dict[str, Any]:
    """The resolved address as stored with the answer (a snapshot: the inventory moves on),
    with the keys and the public id of our TMF673 door."""
    return address_dict(address)


def _place(resolution: Resolution) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if resolution.status != FOUND or resolution.candidate is None:
        candidates = [
            {
                "address": address_json(c.address),
                "score": c.score,
                "matched_by": c.matched_by,
                "distance_m": c.distance_m,
            }
            for c in resolution.candidates
        ]
        return {}, candidates
    candidate = resolution.candidate
    place: dict[str, Any] = {"address": address_json(candidate.address)}
    if candidate.premises is not None:
        premises = candidate.premises
        place["premises"] = {
            "id": premises.pk,
            "pto": premises.pto_reference or "",
            "staircase": premises.staircase,
            "floor": premises.floor,
            "door": premises.door,
            "building_id": premises.building.ipe_id,
        }
    elif candidate.building_id:
        place["building_id"] = candidate.building_id
    return place, []


def why_json(why: Why) -> dict[str, Any]:
    return {
        "code": why.code,
        "on": why.on.isoformat() if why.on else None,
        "state": why.state,
        "scope": why.scope,
    }


def _building_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "building_id": verdict.building_id,
        "result": Result.ELIGIBLE if verdict.eligible else Result.NOT_ELIGIBLE,
        "reasons": [why_json(why) for why in verdict.reasons],
        "since": verdict.since.isoformat() if verdict.since else None,
        "available_from": verdict.available_from.isoformat() if verdict.available_from else None,
        "pm_reference": verdict.pm_reference,
        "pbo_references": list(verdict.pbo_references),
    }


def _item(
    qualification: Qualification, position: int, verdict: Verdict, item_id: str
) -> QualificationItem:
    pbos = verdict.pbo_references
    return QualificationItem(
        qualification=qualification,
        position=position,
        item_id=item_id,
        offer=verdict.offer,
        result=Result.ELIGIBLE if verdict.eligible else Result.NOT_ELIGIBLE,
        reasons=[why_json(why) for why in verdict.reasons],
        since=verdict.since,
        available_from=verdict.available_from,
        building_id=verdict.building_id,
        pm_reference=verdict.pm_reference,
        pbo_reference=pbos[0] if len(pbos) == 1 else "",
        buildings=[_building_json(b) for b in verdict.buildings],
    )


def _query_json(query: PlaceQuery) -> dict[str, Any]:
    return {key: value for key, value in asdict(query).items() if value not in ("", None)}


def qualify(
    *,
    actor: Principal,
    query: PlaceQuery,
    offers: Sequence[str] | None = None,
    item_ids: Sequence[str] | None = None,
    external_id: str = "",
) -> Qualification:
    """Answer, for the place ``query`` names, each offer (all four by default); see rules.py.

    ``item_ids`` (TMF679 ``productOfferingQualificationItem[].id``) go with ``offers`` one
    for one and are stored to be echoed; an offer asked twice keeps its first id.
    """
    operator = check_access(actor)
    wanted = clean_offers(offers)
    ids: dict[str, str] = {}
    for offer, item_id in zip(offers or (), item_ids or (), strict=False):
        ids.setdefault(offer, (item_id or "").strip()[:100])
    resolution = resolve(actor, query)
    verdicts = _verdicts(actor, operator, resolution, wanted)
    place, candidates = _place(resolution)
    with transaction.atomic():
        qualification = Qualification.objects.create(
            operator=operator,
            requested_by=actor.login,
            channel=actor.channel,
            external_id=(external_id or "").strip()[:100],
            query=_query_json(query),
            resolution=resolution.status,
            matched_by=resolution.matched_by,
            address=resolution.address,
            place=place,
            candidates=candidates,
            data_as_of=network.inventory_as_of(),
        )
        items = QualificationItem.objects.bulk_create(
            [
                _item(qualification, n, v, ids.get(v.offer, ""))
                for n, v in enumerate(verdicts, start=1)
            ]
        )
        record(
            actor,
            "eligibility.qualification.create",
            target=qualification,
            after={
                "operator_id": operator.pk if operator else None,
                "external_id": qualification.external_id,
                "query": qualification.query,
                "resolution": qualification.resolution,
                "results": {v.offer: [w.code for w in v.reasons] or "eligible" for v in verdicts},
                "data_as_of": qualification.data_as_of,
            },
        )
        if operator is not None:
            record_usage(
                actor=actor,
                operator=operator,
                service_code=ESERVICE,
                reference=str(qualification.id),
            )
    return _with_items(qualification, items)


def _with_items(qualification: Qualification, items: list[QualificationItem]) -> Qualification:
    """The qualification as ``selectors.qualifications_for`` reads it (items prefetched, in
    order), from what was just written: the answer costs no query to read back."""
    prefetched = QualificationItem.objects.filter(qualification=qualification)
    prefetched._result_cache = items  # type: ignore[attr-defined]
    prefetched._prefetch_done = True  # type: ignore[attr-defined]
    qualification._prefetched_objects_cache = {"items": prefetched}  # type: ignore[attr-defined]
    return qualification
