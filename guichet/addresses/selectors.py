"""Address resolution (shared by eligibility and TAO): one query, any key, one answer.

``resolve(actor, PlaceQuery(...))`` returns a :class:`Resolution`: ``found`` with one
candidate, ``ambiguous`` with several scored candidates (never a guess), or ``unknown``.
Structured keys resolve exactly; free text goes through the search index.
"""

from __future__ import annotations

import math
import re
import uuid
from typing import TypeVar

from django.db.models import QuerySet

from guichet.addresses import search
from guichet.addresses.errors import QUERY_EMPTY, QUERY_INVALID
from guichet.addresses.models import AddressValidation
from guichet.addresses.types import (
    AMBIGUOUS,
    FOUND,
    UNKNOWN,
    Candidate,
    PlaceQuery,
    Resolution,
    Status,
)
from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import get_scoped, scope
from guichet.network import selectors as network
from guichet.network.models import HEXACLE, PTO_REFERENCE

T = TypeVar("T")

# The inventory's own formats (hexaclé, ARCEP PTO reference), one definition.
HEXACLE_RE = HEXACLE.regex
PTO_RE = PTO_REFERENCE.regex
INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
RIVOLI_RE = re.compile(r"^[0-9A-Z]{4}$")
ND_RE = re.compile(r"^\d{10}$")
# Candidates of a coordinate query: at most this many, nearest first.
NEAREST_LIMIT = 10
DEFAULT_RADIUS_M = 50.0
MAX_RADIUS_M = 1000.0


def _clean(value: str) -> str:
    return "".join((value or "").split()).upper()


def _suffix(value: str) -> str:
    """``B``, ``bis`` and ``BIS`` are the same suffix; the inventory stores the short form."""
    short = {"BIS": "B", "TER": "T", "QUATER": "Q", "QUINQUIES": "C"}
    cleaned = _clean(value)
    return short.get(cleaned, cleaned)


def _one(status_candidates: list[Candidate], matched_by: str) -> Resolution:
    if not status_candidates:
        return Resolution(UNKNOWN, [], matched_by)
    status = FOUND if len(status_candidates) == 1 else AMBIGUOUS
    return Resolution(status, status_candidates, matched_by)


def _unique(queryset: QuerySet[T]) -> T | None:
    """The row a unique key names, or None: no ORDER BY (with a long select_related, Django
    spends more time matching the ordering to the columns than SQLite takes to answer)."""
    return next(iter(queryset.order_by()[:1]), None)


def _addresses(actor: Principal, matched_by: str, **lookup: object) -> Resolution:
    found = list(network.inventory_addresses(actor).filter(**lookup)[:NEAREST_LIMIT])
    return _one([Candidate(a, 1.0, matched_by) for a in found], matched_by)


def _numbered(actor: Principal, query: PlaceQuery, matched_by: str, **lookup: object) -> Resolution:
    if query.number is None:
        raise GuichetError(QUERY_INVALID, field="number", detail="le numéro est obligatoire")
    return _addresses(
        actor, matched_by, number=query.number, suffix=_suffix(query.suffix), **lookup
    )


def _by_pto(actor: Principal, pto: str) -> Resolution:
    if not PTO_RE.match(pto):
        raise GuichetError(
            QUERY_INVALID, field="pto", detail="référence PTO au format OO-XXXX-XXXX"
        )
    premises = _unique(network.inventory_premises(actor).filter(pto_reference=pto))
    if premises is None:
        return Resolution(UNKNOWN, [], "pto")
    return Resolution(
        FOUND,
        [Candidate(premises.building.address, 1.0, "pto", premises, premises.building.ipe_id)],
        "pto",
    )


def _by_nd(actor: Principal, nd: str) -> Resolution:
    if not ND_RE.match(nd):
        raise GuichetError(QUERY_INVALID, field="nd", detail="un ND a 10 chiffres")
    line = network.line_by_nd(actor, nd)
    if line is None:
        return Resolution(UNKNOWN, [], "nd")
    premises = line.premises
    return Resolution(
        FOUND,
        [Candidate(premises.building.address, 1.0, "nd", premises, premises.building.ipe_id)],
        "nd",
    )


def _by_building(actor: Principal, building_id: str) -> Resolution:
    building = _unique(network.inventory_buildings(actor).filter(ipe_id=building_id))
    if building is None:
        return Resolution(UNKNOWN, [], "building")
    return Resolution(
        FOUND, [Candidate(building.address, 1.0, "building", None, building.ipe_id)], "building"
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; exact enough within a département)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _by_coordinates(actor: Principal, query: PlaceQuery) -> Resolution:
    lat, lon = query.latitude, query.longitude
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GuichetError(
            QUERY_INVALID, field="latitude", detail="latitude et longitude WGS84 attendues"
        )
    radius = DEFAULT_RADIUS_M if query.radius_m is None else query.radius_m
    if not 0 < radius <= MAX_RADIUS_M:
        raise GuichetError(
            QUERY_INVALID, field="radius_m", detail=f"rayon entre 0 et {MAX_RADIUS_M:.0f} m"
        )
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    box = network.inventory_addresses(actor).filter(
        latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon)
    )
    near = sorted(
        (
            (distance_m(lat, lon, a.latitude, a.longitude), a.pk, a)
            for a in box
            if a.latitude is not None and a.longitude is not None
        ),
        key=lambda item: item[:2],
    )
    candidates = [
        Candidate(a, round(1 - d / radius, 4), "coordinates", distance_m=round(d, 1))
        for d, _, a in near
        if d <= radius
    ][:NEAREST_LIMIT]
    if len(candidates) > 1 and candidates[0].distance_m == candidates[1].distance_m:
        return Resolution(AMBIGUOUS, candidates, "coordinates")
    # The nearest address within the radius is the answer; the others stay as context.
    return Resolution(FOUND if candidates else UNKNOWN, candidates[:1], "coordinates")


def resolve(actor: Principal, query: PlaceQuery) -> Resolution:
    """The address (or premises) ``query`` names, for ``actor``; see :class:`PlaceQuery`."""
    if query.is_empty():
        raise GuichetError(QUERY_EMPTY)
    if query.pto:
        return _by_pto(actor, _clean(query.pto))
    if query.nd:
        return _by_nd(actor, _clean(query.nd))
    if query.building_id:
        return _by_building(actor, query.building_id.strip())
    if query.hexacle:
        hexacle = _clean(query.hexacle)
        if not HEXACLE_RE.match(hexacle):
            raise GuichetError(QUERY_INVALID, field="hexacle", detail="un hexaclé a 10 caractères")
        return _addresses(actor, "hexacle", hexacle=hexacle)
    if query.ban_id:
        return _addresses(actor, "ban", ban_id=query.ban_id.strip())
    if query.hexacle_street:
        return _numbered(
            actor, query, "hexacle_street", hexacle_street=_clean(query.hexacle_street)
        )
    if query.insee or query.rivoli:
        insee, rivoli = _clean(query.insee), _clean(query.rivoli)
        if not INSEE_RE.match(insee) or not RIVOLI_RE.match(rivoli):
            raise GuichetError(
                QUERY_INVALID, field="rivoli", detail="code INSEE (5) et code RIVOLI (4) attendus"
            )
        return _numbered(actor, query, "rivoli", insee=insee, rivoli=rivoli)
    if query.latitude is not None or query.longitude is not None:
        return _by_coordinates(actor, query)
    return search_text(actor, query.text)


def search_text(actor: Principal, text: str) -> Resolution:
    """Free text: resolved by the search index (normalisation, synonyms, typos, ranking)."""
    return search.resolve_text(actor, text)


def suggest(actor: Principal, text: str, limit: int = 10) -> list[Candidate]:
    """Autocomplete: addresses (or streets, before a number is typed) for what is being typed."""
    return search.suggest(actor, text, limit=limit)


__all__ = [
    "AMBIGUOUS",
    "FOUND",
    "UNKNOWN",
    "Candidate",
    "PlaceQuery",
    "Resolution",
    "Status",
    "distance_m",
    "resolve",
    "search_text",
    "suggest",
]


def validations_for(actor: Principal) -> QuerySet[AddressValidation]:
    """Address validations the caller may read: its operator's (all for the Provider)."""
    return scope(AddressValidation.objects.all(), actor).order_by("-created_at", "-id")


def validation_for(actor: Principal, pk: str | uuid.UUID) -> AddressValidation:
    """One validation within scope, or GEN-404 (also for an id that is not a UUID)."""
    try:
        key = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except ValueError as exc:
        raise GuichetError(NOT_FOUND) from exc
    return get_scoped(validations_for(actor), actor, pk=key)
