"""TMF679 wire mapping: a TMF ``place`` → :class:`PlaceQuery`; an answer → a POQ resource.

Only names change here; every decision was taken by the service (see ``rules.py``). The
address attributes are those of our TMF673 door (``/tmf-api/geographicAddressManagement``):
one address shape on both TM Forum APIs.

**Place** (``place[0]``, a ``RelatedPlaceRefOrValue`` of role ``installationAddress``):

==============================================================  ================================
What the place carries                                          Resolved as
==============================================================  ================================
``ptoReference``, or ``geographicSubAddress[0].id`` /            PTO reference (``OO-XXXX-XXXX``):
``.ptoReference``, or ``@type`` ``GeographicSubAddress`` + ``id`` the premises
``nd``, or ``@type``/``@referredType`` ``Line`` + ``id``          ND (line designation number)
``buildingId``, or ``@type`` ``GeographicSite`` + ``id``          ``IdentifiantImmeuble``
``hexacle``, or an ``id`` of 10 letters/digits                    hexaclé
``banId``, or any other ``id``                                    BAN id (``cle_interop``)
``hexacleStreet`` + ``streetNr`` (+ ``streetNrSuffix``)           hexaclé voie + number
``codeInsee`` + ``codeRivoli`` + ``streetNr`` (+ suffix)          INSEE + RIVOLI + number
``geographicLocation``: ``geoJson`` Point ``[lon, lat]`` or       nearest address (WGS84, 50 m)
TMF ``geometry[0] {x: lon, y: lat}``
``streetNr streetNrSuffix streetType streetName locality          free text (search)
postcode city``, or ``name``
==============================================================  ================================

When several are given, the first in this order wins (``PlaceQuery`` precedence).

**Answer**: ``state`` ``done``; one ``productOfferingQualificationItem`` per offer, in
the order asked, its ``id`` the request item's ``id`` when one was given (TMF679 v4:
unique within the qualification; echoed so the caller can match its items), otherwise
its rank from 1; with ``productOffering.id`` the offer code,
``qualificationItemResult`` ``qualified`` (eligible) or ``unqualified`` (not eligible),
``eligibilityUnavailabilityReason[]{code,label}`` our reason codes (with ``availableFrom``,
``state``, ``scope`` when known) and ``expectedActivationDate`` the day it becomes
eligible when known; ``product.productCharacteristic`` carries ``eligibleSince``,
``buildingId``, ``pmReference``, ``pboReference`` and, for an address with several
buildings, ``buildings``. ``place`` is the resolved address (role ``installationAddress``,
the TMF673 GeographicAddress, with the premises as ``geographicSubAddress``) or, when
ambiguous, every candidate (role ``candidateAddress``, with its ``score``). ``dataAsOf``
is the state of the data (GEN-03). ``qualificationResult`` is ``qualified`` when at least
one offer is.
"""

from __future__ import annotations

import re
from typing import Any

from guichet.addresses.selectors import PlaceQuery
from guichet.core.errors import GuichetError
from guichet.eligibility.choices import Result
from guichet.eligibility.errors import PLACE_INVALID

ADDRESS_BASE = "/tmf-api/geographicAddressManagement/v4/geographicAddress"
HEXACLE_ID = re.compile(r"^[A-Za-z0-9]{10}$")
LINE_TYPES = {"line", "nd"}
SUB_ADDRESS_TYPES = {"geographicsubaddress"}
SITE_TYPES = {"geographicsite", "building"}
TEXT_FIELDS = (
    "streetNr",
    "streetNrSuffix",
    "streetType",
    "streetName",
    "locality",
    "postcode",
    "city",
)


def _get(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return str(value).strip() if value not in (None, "") else ""


def _number(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 6:
        raise GuichetError(PLACE_INVALID, field="place.streetNr", detail="streetNr : un nombre")
    return int(value)


def _point(location: dict[str, Any] | None) -> tuple[float | None, float | None]:
    """(latitude, longitude) of a GeoJSON point or of a TMF ``geometry`` point."""
    if not location:
        return None, None
    geo = location.get("geoJson") or {}
    coordinates = geo.get("coordinates") or []
    if len(coordinates) == 2:
        return coordinates[1], coordinates[0]
    points = location.get("geometry") or []
    if points and points[0].get("x") is not None and points[0].get("y") is not None:
        return points[0]["y"], points[0]["x"]
    raise GuichetError(
        PLACE_INVALID,
        field="place.geographicLocation",
        detail="geoJson {type: Point, coordinates: [longitude, latitude]} attendu",
    )


def _kind(place: dict[str, Any]) -> str:
    return str(place.get("@referredType") or place.get("@type") or "").lower()


def _pto(place: dict[str, Any], kind: str, ident: str) -> str:
    if _get(place, "ptoReference"):
        return _get(place, "ptoReference")
    for sub in place.get("geographicSubAddress") or []:
        pto = _get(sub, "ptoReference") or _get(sub, "id")
        if pto:
            return pto
    return ident if kind in SUB_ADDRESS_TYPES else ""


def place_query(place: dict[str, Any]) -> PlaceQuery:
    """The :class:`PlaceQuery` a TMF place names (see the module's table)."""
    kind, ident = _kind(place), _get(place, "id")
    by_id = ident if kind not in LINE_TYPES | SUB_ADDRESS_TYPES | SITE_TYPES else ""
    latitude, longitude = _point(place.get("geographicLocation"))
    text = " ".join(part for part in (_get(place, f) for f in TEXT_FIELDS) if part)
    query = PlaceQuery(
        text=text or _get(place, "name"),
        hexacle=_get(place, "hexacle") or (by_id if HEXACLE_ID.match(by_id) else ""),
        hexacle_street=_get(place, "hexacleStreet"),
        number=_number(_get(place, "streetNr")),
        suffix=_get(place, "streetNrSuffix"),
        ban_id=_get(place, "banId") or (by_id if not HEXACLE_ID.match(by_id) else ""),
        building_id=_get(place, "buildingId") or (ident if kind in SITE_TYPES else ""),
        insee=_get(place, "codeInsee") if _get(place, "codeRivoli") else "",
        rivoli=_get(place, "codeRivoli"),
        pto=_pto(place, kind, ident),
        nd=_get(place, "nd") or (ident if kind in LINE_TYPES else ""),
        latitude=latitude,
        longitude=longitude,
    )
    if query.is_empty():
        raise GuichetError(PLACE_INVALID, field="place", detail="aucune clé d'adresse reconnue")
    return query


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """An empty optional attribute is left out, not sent as "" or null (TMF v5 habit)."""
    return {key: value for key, value in values.items() if value not in ("", None, [])}


def _address(address: dict[str, Any], role: str) -> dict[str, Any]:
    """The TMF673 GeographicAddress of our address door, with the place's ``role``."""
    key = address.get("id", "")
    place: dict[str, Any] = {
        "@type": "GeographicAddress",
        "role": role,
        "id": key,
        "href": f"{ADDRESS_BASE}/{key}" if key else "",
        "name": address.get("label"),
        "streetNr": str(address["number"]) if address.get("number") is not None else "",
        "streetNrSuffix": address.get("suffix"),
        "streetType": address.get("street_type"),
        "streetName": address.get("street_name"),
        "locality": address.get("locality"),
        "postcode": address.get("postcode"),
        "city": address.get("commune"),
        "country": "FR",
        "hexacle": address.get("hexacle"),
        "hexacleStreet": address.get("hexacle_street"),
        "banId": address.get("ban_id"),
        "codeInsee": address.get("insee"),
        "codeRivoli": address.get("rivoli"),
    }
    if address.get("latitude") is not None and address.get("longitude") is not None:
        place["geographicLocation"] = {
            "@type": "GeoJsonPoint",
            "geoJson": {
                "type": "Point",
                "coordinates": [address["longitude"], address["latitude"]],
            },
        }
    return _clean(place)


def _sub_address(premises: dict[str, Any]) -> dict[str, Any]:
    units = [
        {"subUnitType": kind, "subUnitNumber": premises.get(kind, "")}
        for kind in ("staircase", "door")
        if premises.get(kind)
    ]
    return _clean(
        {
            "@type": "GeographicSubAddress",
            "id": str(premises.get("id") or ""),
            "subAddressType": "subUnit",
            "levelType": "floor" if premises.get("floor") else "",
            "levelNumber": premises.get("floor"),
            "subUnit": units,
            "buildingId": premises.get("building_id"),
            "ptoReference": premises.get("pto"),
        }
    )


def places(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The resolved place, or the candidates of an ambiguous one (with their score)."""
    place = answer["place"]
    if place.get("address"):
        resolved = _address(place["address"], "installationAddress")
        if place.get("premises"):
            resolved["geographicSubAddress"] = [_sub_address(place["premises"])]
            resolved["buildingId"] = place["premises"].get("building_id", "")
        elif place.get("building_id"):
            resolved["buildingId"] = place["building_id"]
        return [resolved]
    candidates = []
    for candidate in answer["candidates"]:
        entry = _address(candidate["address"], "candidateAddress")
        entry["score"] = candidate.get("score")
        candidates.append(entry)
    return candidates


def _reason(why: dict[str, Any]) -> dict[str, Any]:
    return _clean(
        {
            "@type": "EligibilityUnavailabilityReason",
            "code": why["code"],
            "label": why["label"],
            "availableFrom": why.get("on"),
            "state": why.get("state"),
            "scope": why.get("scope"),
        }
    )


def _characteristics(item: dict[str, Any]) -> list[dict[str, Any]]:
    values = [
        ("eligibleSince", "date", item["since"]),
        ("buildingId", "string", item["building_id"]),
        ("pmReference", "string", item["pm_reference"]),
        ("pboReference", "string", item["pbo_reference"]),
        ("buildings", "array", item["buildings"]),
    ]
    return [{"name": n, "valueType": t, "value": v} for n, t, v in values if v]


def _item(position: int, item: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "@type": "ProductOfferingQualificationItem",
        "id": item.get("item_id") or str(position),
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
        "dataAsOf": answer["data_as_of"],
        "externalId": answer["external_id"],
        "place": places(answer),
        "productOfferingQualificationItem": [_item(n, i) for n, i in enumerate(items, start=1)],
    }
    if answer["operator"]:
        resource["relatedParty"] = [
            {"@referredType": "Organization", "id": answer["operator"], "role": "requester"}
        ]
    return resource
