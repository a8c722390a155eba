"""TMF679 wire mapping: a TMF ``place`` → :class:`PlaceQuery`; an answer → a POQ resource.

Only names change here; every decision was taken by the service (see ``rules.py``).

**Place** (``place[0]``, a ``RelatedPlaceRefOrValue`` of role ``installationAddress``;
the address extension fields are the Interop'Fibre ``GeographicAddress`` names):

==============================================================  ================================
What the place carries                                          Resolved as
==============================================================  ================================
``geographicSubAddress[0].id`` (or ``@type``/``@referredType``   PTO reference (``OO-XXXX-XXXX``):
``GeographicSubAddress`` with ``id``)                            the premises
``@type``/``@referredType`` ``Line`` (or ``ND``) with ``id``      ND (line designation number)
``buildingCodeOI`` (or ``@type`` ``GeographicSite`` with ``id``) ``IdentifiantImmeuble``
``code_hexacle``, or ``id`` of 10 letters/digits                  hexaclé
``code_ban``, or any other ``id``                                 BAN id (``cle_interop``)
``code_hexacle_voie`` + ``streetNr`` (+ ``streetNrSuffix``)       hexaclé voie + number
``code_insee`` + ``code_rivoli`` + ``streetNr`` (+ suffix)         INSEE + RIVOLI + number
``geographicLocation`` point ``{x: longitude, y: latitude}``      nearest address (WGS84, 50 m)
``streetNr streetNrSuffix streetType streetName postcode city``   free text (search)
or ``name``
==============================================================  ================================

When several are given, the first in this order wins (``PlaceQuery`` precedence).

**Answer**: ``state`` ``done``; one ``productOfferingQualificationItem`` per offer, in
the order asked, numbered from 1, with ``productOffering.id`` the offer code,
``qualificationItemResult`` ``qualified`` (eligible) or ``unqualified`` (not eligible),
``eligibilityUnavailabilityReason[]{code,label}`` our reason codes (with ``availableFrom``,
``state``, ``scope`` when known) and ``expectedActivationDate`` the day it becomes
eligible when known; ``product.productCharacteristic`` carries ``eligibleSince``,
``IdentifiantImmeuble``, ``ReferencePM``, ``ReferencePBO`` and, for an address with
several buildings, ``buildings``. ``place`` is the resolved address (role
``installationAddress``, with the premises as ``geographicSubAddress``) or, when
ambiguous, every candidate (role ``candidateAddress``, with its ``score``).
``dataExtractionDate`` is the state of the data (GEN-03). ``qualificationResult`` is
``qualified`` when at least one offer is.
"""

from __future__ import annotations

import re
from typing import Any

from guichet.addresses.selectors import PlaceQuery
from guichet.core.errors import GuichetError
from guichet.eligibility.choices import Result
from guichet.eligibility.errors import PLACE_INVALID

HEXACLE_ID = re.compile(r"^[A-Za-z0-9]{10}$")
LINE_TYPES = {"line", "nd"}
SUB_ADDRESS_TYPES = {"geographicsubaddress"}
SITE_TYPES = {"geographicsite", "building"}


def _number(value: Any) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise GuichetError(PLACE_INVALID, field="place.streetNr", detail="streetNr : un nombre")
    return int(text)


def _point(location: dict[str, Any] | None) -> tuple[float | None, float | None]:
    if not location:
        return None, None
    points = location.get("geometry") or []
    if not points:
        raise GuichetError(
            PLACE_INVALID, field="place.geographicLocation", detail="geometry : un point {x, y}"
        )
    point = points[0]
    return point.get("y"), point.get("x")


def _kind(place: dict[str, Any]) -> str:
    return str(place.get("@referredType") or place.get("@type") or "").lower()


def place_query(place: dict[str, Any]) -> PlaceQuery:
    """The :class:`PlaceQuery` a TMF place names (see the module's table)."""
    kind, ident = _kind(place), str(place.get("id") or "").strip()
    subs = place.get("geographicSubAddress") or []
    pto = next((str(s.get("id") or "").strip() for s in subs if s.get("id")), "")
    if not pto and kind in SUB_ADDRESS_TYPES:
        pto = ident
    nd = ident if kind in LINE_TYPES else ""
    building = str(place.get("buildingCodeOI") or "").strip()
    if not building and kind in SITE_TYPES:
        building = ident
    by_id = ident if kind not in LINE_TYPES | SUB_ADDRESS_TYPES | SITE_TYPES else ""
    hexacle = place.get("code_hexacle") or (by_id if HEXACLE_ID.match(by_id) else "")
    ban_id = place.get("code_ban") or (by_id if by_id and not HEXACLE_ID.match(by_id) else "")
    latitude, longitude = _point(place.get("geographicLocation"))
    words = [
        place.get(key) or ""
        for key in ("streetNr", "streetNrSuffix", "streetType", "streetName", "postcode", "city")
    ]
    text = " ".join(str(w).strip() for w in words if str(w).strip()) or place.get("name") or ""
    query = PlaceQuery(
        text=text,
        hexacle=hexacle,
        hexacle_street=place.get("code_hexacle_voie") or "",
        number=_number(place.get("streetNr")),
        suffix=place.get("streetNrSuffix") or "",
        ban_id=ban_id,
        building_id=building,
        insee=place.get("code_insee") if place.get("code_rivoli") else "",
        rivoli=place.get("code_rivoli") or "",
        pto=pto,
        nd=nd,
        latitude=latitude,
        longitude=longitude,
    )
    if query.is_empty():
        raise GuichetError(PLACE_INVALID, field="place", detail="aucune clé d'adresse reconnue")
    return query


def _address(address: dict[str, Any], role: str) -> dict[str, Any]:
    place: dict[str, Any] = {
        "@type": "GeographicAddress",
        "role": role,
        "id": address.get("hexacle") or address.get("ban_id") or "",
        "name": address.get("label", ""),
        "streetNr": str(address["number"]) if address.get("number") is not None else "",
        "streetNrSuffix": address.get("suffix", ""),
        "streetType": address.get("street_type", ""),
        "streetName": address.get("street_name", ""),
        "postcode": address.get("postcode", ""),
        "city": address.get("commune", ""),
        "country": "FR",
        "code_insee": address.get("insee", ""),
        "code_rivoli": address.get("rivoli", ""),
        "code_hexacle": address.get("hexacle", ""),
        "code_hexacle_voie": address.get("hexacle_street", ""),
        "code_ban": address.get("ban_id", ""),
    }
    if address.get("latitude") is not None and address.get("longitude") is not None:
        place["geographicLocation"] = {
            "@type": "GeographicLocation",
            "geometryType": "point",
            "spatialRef": "WGS84",
            "geometry": [{"x": address["longitude"], "y": address["latitude"]}],
        }
    return {key: value for key, value in place.items() if value not in ("", None)}


def _sub_address(premises: dict[str, Any]) -> dict[str, Any]:
    units = [
        {"subUnitType": kind, "subUnitNumber": premises[key]}
        for kind, key in (("staircase", "staircase"), ("door", "door"))
        if premises.get(key)
    ]
    sub: dict[str, Any] = {"@type": "GeographicSubAddress", "id": premises.get("pto", "")}
    if premises.get("floor"):
        sub.update(levelType="floor", levelNumber=premises["floor"])
    if units:
        sub["subUnit"] = units
    sub["buildingName"] = premises.get("building_id", "")
    return sub


def places(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The resolved place, or the candidates of an ambiguous one (with their score)."""
    place = answer["place"]
    if place.get("address"):
        resolved = _address(place["address"], "installationAddress")
        if place.get("premises"):
            resolved["geographicSubAddress"] = [_sub_address(place["premises"])]
            resolved["buildingCodeOI"] = place["premises"].get("building_id", "")
        elif place.get("building_id"):
            resolved["buildingCodeOI"] = place["building_id"]
        return [resolved]
    candidates = []
    for candidate in answer["candidates"]:
        entry = _address(candidate["address"], "candidateAddress")
        entry["score"] = candidate.get("score")
        candidates.append(entry)
    return candidates


def _reason(why: dict[str, Any]) -> dict[str, Any]:
    reason = {
        "@type": "EligibilityUnavailabilityReason",
        "code": why["code"],
        "label": why["label"],
    }
    extra = {"availableFrom": why.get("on"), "state": why.get("state"), "scope": why.get("scope")}
    reason.update({key: value for key, value in extra.items() if value})
    return reason


def _characteristics(item: dict[str, Any]) -> list[dict[str, Any]]:
    values = [
        ("eligibleSince", "date", item["since"]),
        ("IdentifiantImmeuble", "string", item["building_id"]),
        ("ReferencePM", "string", item["pm_reference"]),
        ("ReferencePBO", "string", item["pbo_reference"]),
        ("buildings", "array", item["buildings"]),
    ]
    return [{"name": n, "valueType": t, "value": v} for n, t, v in values if v]


def _item(position: int, item: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "@type": "ProductOfferingQualificationItem",
        "id": str(position),
        "action": "add",
        "state": "done",
        "productOffering": {
            "@referredType": "ProductOffering",
            "id": item["offer"],
            "name": item["offer_label"],
        },
        "qualificationItemResult": "qualified" if item["eligible"] else "unqualified",
        "eligibilityUnavailabilityReason": [_reason(why) for why in item["reasons"]],
        "product": {"@type": "Product", "productCharacteristic": _characteristics(item)},
    }
    if item["available_from"]:
        entry["expectedActivationDate"] = item["available_from"]
    return entry


def poq(answer: dict[str, Any], href: str) -> dict[str, Any]:
    """The TMF679 ``ProductOfferingQualification`` of an answer (``as_answer``)."""
    items = answer["items"]
    qualified = any(item["result"] == Result.ELIGIBLE for item in items)
    resource: dict[str, Any] = {
        "@type": "ProductOfferingQualification",
        "id": answer["id"],
        "href": href,
        "state": "done",
        "instantSyncQualification": True,
        "provideUnavailabilityReason": True,
        "productOfferingQualificationDate": answer["created_at"],
        "effectiveQualificationDate": answer["created_at"],
        "qualificationResult": "qualified" if qualified else "unqualified",
        "dataExtractionDate": answer["data_as_of"],
        "externalId": answer["external_id"],
        "place": places(answer),
        "productOfferingQualificationItem": [_item(n, i) for n, i in enumerate(items, start=1)],
    }
    if answer["operator"]:
        resource["relatedParty"] = [
            {"@referredType": "Organization", "id": answer["operator"], "role": "requester"}
        ]
    return resource
