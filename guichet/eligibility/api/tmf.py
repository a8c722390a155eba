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

from typing import Any

from guichet.addresses.api.places import address, clean, sub_address
from guichet.addresses.api.places import place_query as tmf_place_query
from guichet.addresses.selectors import PlaceQuery
from guichet.eligibility.choices import Result
from guichet.eligibility.errors import PLACE_INVALID


def place_query(place: dict[str, Any]) -> PlaceQuery:
    """The :class:`PlaceQuery` a TMF679 ``place[0]`` names (ELI-005 when it names nothing)."""
    return tmf_place_query(place, invalid=PLACE_INVALID, path="place")


def places(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The resolved place, or the candidates of an ambiguous one (with their score)."""
    place = answer["place"]
    if place.get("address"):
        resolved = address(place["address"], "installationAddress")
        if place.get("premises"):
            resolved["geographicSubAddress"] = [sub_address(place["premises"])]
            resolved["buildingId"] = place["premises"].get("building_id", "")
        elif place.get("building_id"):
            resolved["buildingId"] = place["building_id"]
        return [resolved]
    candidates = []
    for candidate in answer["candidates"]:
        entry = address(candidate["address"], "candidateAddress")
        entry["score"] = candidate.get("score")
        candidates.append(entry)
    return candidates


def _reason(why: dict[str, Any]) -> dict[str, Any]:
    return clean(
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
