"""TM Forum places on the wire, shared by every TMF door (TMF679 eligibility, TMF646 e-RDV).

A ``RelatedPlaceRefOrValue`` → :class:`PlaceQuery` (:func:`place_query`), and an address /
premises dict of the answers → the TMF673 ``GeographicAddress`` / ``GeographicSubAddress`` of
our address door (:func:`address`, :func:`sub_address`): one address shape on every TM Forum API.

**Place** (a ``RelatedPlaceRefOrValue``):

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
"""

from __future__ import annotations

import re
from typing import Any

from guichet.addresses.errors import QUERY_INVALID
from guichet.addresses.selectors import PlaceQuery
from guichet.core.errors import ErrorDef, GuichetError

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


def _number(value: str, invalid: ErrorDef, path: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 6:
        raise GuichetError(invalid, field=f"{path}.streetNr", detail="streetNr : un nombre")
    return int(value)


def _point(
    location: dict[str, Any] | None, invalid: ErrorDef, path: str
) -> tuple[float | None, float | None]:
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
        invalid,
        field=f"{path}.geographicLocation",
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


def place_query(
    place: dict[str, Any], *, invalid: ErrorDef = QUERY_INVALID, path: str = "place"
) -> PlaceQuery:
    """The :class:`PlaceQuery` a TMF place names (see the module's table); a place naming
    nothing refuses with ``invalid`` on ``path`` (each API keeps its own code)."""
    kind, ident = _kind(place), _get(place, "id")
    by_id = ident if kind not in LINE_TYPES | SUB_ADDRESS_TYPES | SITE_TYPES else ""
    latitude, longitude = _point(place.get("geographicLocation"), invalid, path)
    text = " ".join(part for part in (_get(place, f) for f in TEXT_FIELDS) if part)
    query = PlaceQuery(
        text=text or _get(place, "name"),
        hexacle=_get(place, "hexacle") or (by_id if HEXACLE_ID.match(by_id) else ""),
        hexacle_street=_get(place, "hexacleStreet"),
        number=_number(_get(place, "streetNr"), invalid, path),
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
        raise GuichetError(invalid, field=path, detail="aucune clé d'adresse reconnue")
    return query


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """An empty optional attribute is left out, not sent as "" or null (TMF v5 habit)."""
    return {key: value for key, value in values.items() if value not in ("", None, [])}


def address(data: dict[str, Any], role: str) -> dict[str, Any]:
    """The TMF673 GeographicAddress of our address door, with the place's ``role``."""
    key = data.get("id", "")
    place: dict[str, Any] = {
        "@type": "GeographicAddress",
        "role": role,
        "id": key,
        "href": f"{ADDRESS_BASE}/{key}" if key else "",
        "name": data.get("label"),
        "streetNr": str(data["number"]) if data.get("number") is not None else "",
        "streetNrSuffix": data.get("suffix"),
        "streetType": data.get("street_type"),
        "streetName": data.get("street_name"),
        "locality": data.get("locality"),
        "postcode": data.get("postcode"),
        "city": data.get("commune"),
        "country": "FR",
        "hexacle": data.get("hexacle"),
        "hexacleStreet": data.get("hexacle_street"),
        "banId": data.get("ban_id"),
        "codeInsee": data.get("insee"),
        "codeRivoli": data.get("rivoli"),
    }
    if data.get("latitude") is not None and data.get("longitude") is not None:
        place["geographicLocation"] = {
            "@type": "GeoJsonPoint",
            "geoJson": {
                "type": "Point",
                "coordinates": [data["longitude"], data["latitude"]],
            },
        }
    return clean(place)


def sub_address(premises: dict[str, Any]) -> dict[str, Any]:
    units = [
        {"subUnitType": kind, "subUnitNumber": premises.get(kind, "")}
        for kind in ("staircase", "door")
        if premises.get(kind)
    ]
    return clean(
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
