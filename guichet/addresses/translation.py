"""TAO service (TAO-01, TAO-02): one answer, whatever the door (REST, SOAP, portal, bulk).

``translate(actor=, query=)`` checks the caller may use TAO, resolves the place, builds its
structure, journals the call with its channel and counts one use for billing.
``as_answer`` turns the result into the plain dict every door renders from, so the same
input gives the same answer everywhere (GEN-02) with its extraction date (GEN-03).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from guichet.addresses.errors import NO_WHOLESALE_CONTRACT, NOT_SUBSCRIBED
from guichet.addresses.models import AddressValidation, ValidationResult
from guichet.addresses.selectors import (
    AMBIGUOUS,
    FOUND,
    UNKNOWN,
    Candidate,
    PlaceQuery,
    Resolution,
    Status,
    resolve,
)
from guichet.addresses.tao import TaoBuilding, TaoStructure, build_structure
from guichet.audit.recorder import record
from guichet.billing.services import record_usage
from guichet.core.context import Principal
from guichet.core.errors import MISSING_RIGHT, NOT_FOUND, GuichetError
from guichet.network import selectors as network
from guichet.network.models import Address
from guichet.operators.models import SERVICE_DEPENDENCIES, Operator
from guichet.operators.selectors import entitlements_of

ESERVICE = "tao"
RIGHT = "tao:read"
# TAO is there to place FTTH access orders: it needs the FTTH Access wholesale contract.
REQUIRED_OFFER: str = SERVICE_DEPENDENCIES[ESERVICE]
INTERNAL_ID = re.compile(r"^adr-(\d{1,12})$")
HEXACLE_ID = re.compile(r"^[A-Z0-9]{10}$")


@dataclass(frozen=True)
class TaoAnswer:
    """One TAO answer: the resolution, and the structure when the place was found."""

    id: str  # the answer's reference: in the journal and on the usage record
    status: Status
    matched_by: str
    candidates: list[Candidate]
    structure: TaoStructure | None
    data_as_of: datetime | None
    answered_at: datetime
    query: PlaceQuery = field(default_factory=PlaceQuery)

    @property
    def address(self) -> Address | None:
        return self.candidates[0].address if self.status == FOUND and self.candidates else None


@dataclass(frozen=True)
class AddressLookup:
    """Addresses a query names (search and validation: no structure, not billed)."""

    resolution: Resolution
    data_as_of: datetime | None


# --- Access -------------------------------------------------------------------------------


def check_access(actor: Principal) -> Operator | None:
    """The caller's operator if it may use TAO (None for the Provider's staff), else a refusal.

    Subscription first, then the wholesale contract, then the person's right: each refusal
    has its own code, so an operator knows what to put right.
    """
    if actor.is_provider:
        return None
    if actor.operator_id is None:
        raise GuichetError(NOT_FOUND)
    entitled = entitlements_of(actor.operator_id)
    if entitled is None:
        raise GuichetError(NOT_FOUND)
    if ESERVICE not in entitled.subscriptions:
        raise GuichetError(NOT_SUBSCRIBED)
    if REQUIRED_OFFER not in entitled.offers:
        raise GuichetError(NO_WHOLESALE_CONTRACT)
    if not actor.has_right(RIGHT):
        raise GuichetError(MISSING_RIGHT, right=RIGHT)
    return entitled.operator


# --- Address ids on the wire --------------------------------------------------------------


def address_key(address: Address) -> str:
    """The public id of an address: its hexaclé, else its BAN id, else ``adr-<internal id>``."""
    return address.hexacle or address.ban_id or f"adr-{address.pk}"


def query_for_key(key: str) -> tuple[PlaceQuery, int | None]:
    """The query an address id names: (query, None), or (empty query, internal id)."""
    key = key.strip()
    internal = INTERNAL_ID.match(key)
    if internal:
        return PlaceQuery(), int(internal.group(1))
    if HEXACLE_ID.match(key.upper()):
        return PlaceQuery(hexacle=key), None
    return PlaceQuery(ban_id=key), None


def _resolve(actor: Principal, query: PlaceQuery, address_pk: int | None) -> Resolution:
    if address_pk is None:
        return resolve(actor, query)
    address = network.inventory_addresses(actor).filter(pk=address_pk).first()
    if address is None:
        return Resolution(UNKNOWN, [], "id")
    return Resolution(FOUND, [Candidate(address, 1.0, "id")], "id")


def _query_log(query: PlaceQuery, address_pk: int | None) -> dict[str, Any]:
    given = {name: value for name, value in vars(query).items() if value not in ("", None)}
    return {**given, "address_id": address_pk} if address_pk is not None else given


# --- Services -----------------------------------------------------------------------------


def translate(*, actor: Principal, query: PlaceQuery, address_pk: int | None = None) -> TaoAnswer:
    """TAO: the structure of the place ``query`` names; journaled, one use counted when found.

    Ambiguous places answer their candidates and no structure; unknown ones say so. A use is
    counted for an operator only when a structure is delivered (never for the Provider).
    """
    operator = check_access(actor)
    resolution = _resolve(actor, query, address_pk)
    structure = build_structure(actor, resolution) if resolution.status == FOUND else None
    answer = TaoAnswer(
        id=uuid.uuid4().hex,
        status=resolution.status,
        matched_by=resolution.matched_by,
        candidates=resolution.candidates,
        structure=structure,
        data_as_of=network.inventory_as_of(),
        answered_at=timezone.now(),
        query=query,
    )
    address = answer.address
    with transaction.atomic():
        record(
            actor,
            "addresses.tao.translate",
            object_type="network.address",
            object_id=address.pk if address else "",
            after={
                "answer": answer.id,
                "query": _query_log(query, address_pk),
                "status": answer.status,
                "matched_by": answer.matched_by,
                "candidates": len(answer.candidates),
                "premises": len(structure.premises()) if structure else 0,
            },
        )
        if operator is not None and structure is not None:
            record_usage(
                actor=actor, operator=operator, service_code=ESERVICE, reference=f"tao:{answer.id}"
            )
    return answer


def find_addresses(
    *, actor: Principal, query: PlaceQuery, address_pk: int | None = None
) -> AddressLookup:
    """The addresses ``query`` names, for TAO's search and validation (journaled, not billed)."""
    check_access(actor)
    resolution = _resolve(actor, query, address_pk)
    with transaction.atomic():
        record(
            actor,
            "addresses.address.search",
            object_type="network.address",
            object_id=resolution.address.pk if resolution.address else "",
            after={
                "query": _query_log(query, address_pk),
                "status": resolution.status,
                "matched_by": resolution.matched_by,
                "candidates": len(resolution.candidates),
            },
        )
    return AddressLookup(resolution, network.inventory_as_of())


def validate_address(
    *,
    actor: Principal,
    query: PlaceQuery,
    submitted: dict[str, Any],
    provide_alternative: bool = False,
    address_pk: int | None = None,
) -> AddressValidation:
    """Validate a submitted address (TMF673): ``success`` (one), ``partial`` (several), ``fail``.

    Stored for the caller's operator (read again by id or in its list), journaled, not billed.
    The candidates are kept only when they are the answer: the valid address, or the
    possible ones when the caller asked for alternatives.
    """
    operator = check_access(actor)
    resolution = _resolve(actor, query, address_pk)
    result = {FOUND: ValidationResult.SUCCESS, AMBIGUOUS: ValidationResult.PARTIAL}.get(
        resolution.status, ValidationResult.FAIL
    )
    kept = (
        resolution.candidates if result == ValidationResult.SUCCESS or provide_alternative else []
    )
    with transaction.atomic():
        validation = AddressValidation.objects.create(
            operator=operator,
            requested_by=actor.login,
            channel=actor.channel,
            provide_alternative=provide_alternative,
            submitted=submitted,
            result=result,
            candidates=[candidate_dict(c) for c in kept],
            data_as_of=network.inventory_as_of(),
        )
        record(
            actor,
            "addresses.address.validate",
            target=validation,
            after={
                "query": _query_log(query, address_pk),
                "result": result,
                "matched_by": resolution.matched_by,
                "candidates": len(resolution.candidates),
            },
        )
    return validation


# --- The one answer every door renders from -------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def address_dict(address: Address) -> dict[str, Any]:
    """An address with every key the market names it by."""
    return {
        "id": address_key(address),
        "label": str(address),
        "hexacle": address.hexacle or "",
        "hexacle_street": address.hexacle_street,
        "ban_id": address.ban_id or "",
        "insee": address.insee,
        "rivoli": address.rivoli,
        "number": address.number,
        "suffix": address.suffix,
        "street_type": address.street_type,
        "street_name": address.street_name,
        "locality": address.locality,
        "postcode": address.postcode,
        "commune": address.commune_name,
        "former_commune": address.former_commune_name,
        "latitude": address.latitude,
        "longitude": address.longitude,
    }


def candidate_dict(candidate: Candidate) -> dict[str, Any]:
    return {
        "address": address_dict(candidate.address),
        "score": candidate.score,
        "matched_by": candidate.matched_by,
        "distance_m": candidate.distance_m,
        "premises_id": candidate.premises.pk if candidate.premises is not None else None,
        "building_id": candidate.building_id,
    }


def _building_dict(building: TaoBuilding) -> dict[str, Any]:
    return {
        "building_id": building.ipe_id,
        "name": building.name,
        "building_type": building.building_type,
        "state": building.state,
        "pm_reference": building.pm_reference,
        "pm_state": building.pm_state,
        "pbo_references": list(building.pbo_references),
        "premises_count": building.premises_count,
        "staircases": [
            {
                "name": staircase.name,
                "floors": [
                    {
                        "name": floor.name,
                        "level_type": floor.level_type,
                        "level_number": floor.level_number,
                        "premises": [
                            {
                                "id": p.id,
                                "door": p.door,
                                "kind": p.kind,
                                "pto_reference": p.pto_reference,
                                "pto_state": p.pto_state,
                                "occupancy": p.occupancy,
                                "line_reference": p.line_reference,
                                "pbo_reference": p.pbo_reference,
                                "requested": p.requested,
                            }
                            for p in floor.premises
                        ],
                    }
                    for floor in staircase.floors
                ],
            }
            for staircase in building.staircases
        ],
    }


def as_answer(answer: TaoAnswer) -> dict[str, Any]:
    """The TAO answer as plain data (str, int, float, bool, None, lists, dicts).

    ``status`` is ``found`` (``address`` and ``buildings``), ``ambiguous`` (``candidates``,
    no structure) or ``unknown``; ``data_as_of`` is the extraction date (GEN-03).
    """
    structure = answer.structure
    return {
        "answer_id": answer.id,
        "status": answer.status,
        "matched_by": answer.matched_by,
        "data_as_of": _iso(answer.data_as_of),
        "answered_at": _iso(answer.answered_at),
        "address": address_dict(answer.address) if answer.address else None,
        "candidates": (
            [candidate_dict(c) for c in answer.candidates] if answer.status == AMBIGUOUS else []
        ),
        "requested_premises_id": structure.requested_premises_id if structure else None,
        "buildings": [_building_dict(b) for b in structure.buildings] if structure else [],
    }
