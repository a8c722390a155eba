"""From the one TAO answer (``translation.as_answer``) to TMF673 resources: wire names only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guichet.addresses.selectors import PlaceQuery

BASE = "/tmf-api/geographicAddressManagement/v4"


def address_href(key: str) -> str:
    return f"{BASE}/geographicAddress/{key}"


def validation_href(pk: Any) -> str:
    return f"{BASE}/geographicAddressValidation/{pk}"


def sub_address_href(key: str, sub_id: int | str) -> str:
    return f"{address_href(key)}/geographicSubAddress/{sub_id}"


_ALWAYS = frozenset({"dataAsOf", "subUnit"})


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """TMF v5 habit: an empty optional attribute is left out, not sent as "" or null."""
    return {k: v for k, v in values.items() if v not in ("", None, []) or k in _ALWAYS}


def geographic_address(
    address: dict[str, Any], data_as_of: str | None, candidate: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A TMF673 GeographicAddress from ``translation.address_dict`` (+ its match, if searched)."""
    key = address["id"]
    body: dict[str, Any] = {
        "id": key,
        "href": address_href(key),
        "@type": "GeographicAddress",
        "name": address["label"],
        "streetNr": str(address["number"]) if address["number"] is not None else "",
        "streetNrSuffix": address["suffix"],
        "streetType": address["street_type"],
        "streetName": address["street_name"],
        "locality": address["locality"],
        "postcode": address["postcode"],
        "city": address["commune"],
        "country": "FR",
        "hexacle": address["hexacle"],
        "hexacleStreet": address["hexacle_street"],
        "banId": address["ban_id"],
        "codeInsee": address["insee"],
        "codeRivoli": address["rivoli"],
        "formerCity": address["former_commune"],
        "dataAsOf": data_as_of,
    }
    if address["latitude"] is not None and address["longitude"] is not None:
        body["geographicLocation"] = {
            "@type": "GeoJsonPoint",
            "geoJson": {
                "type": "Point",
                "coordinates": [address["longitude"], address["latitude"]],
            },
        }
    if candidate is not None:
        body["matchedBy"] = candidate["matched_by"]
        body["score"] = candidate["score"]
        body["distance"] = candidate.get("distance_m")
        if candidate.get("premises_id") is not None:
            body["geographicSubAddress"] = [
                {
                    "id": str(candidate["premises_id"]),
                    "href": sub_address_href(key, candidate["premises_id"]),
                    "@type": "GeographicSubAddress",
                }
            ]
    return _clean(body)


def _sub_units(staircase: str, door: str, pto: str) -> list[dict[str, str]]:
    units = [("staircase", staircase), ("door", door), ("pto", pto)]
    return [{"subUnitType": kind, "subUnitNumber": value} for kind, value in units if value]


def sub_addresses(answer: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every premises of a found TAO answer as a TMF673 GeographicSubAddress, in order."""
    key = answer["address"]["id"]
    for building in answer["buildings"]:
        for staircase in building["staircases"]:
            for floor in staircase["floors"]:
                for p in floor["premises"]:
                    yield _clean(
                        {
                            "id": str(p["id"]),
                            "href": sub_address_href(key, p["id"]),
                            "@type": "GeographicSubAddress",
                            "subAddressType": "subUnit",
                            "buildingName": building["name"],
                            "levelType": floor["level_type"],
                            "levelNumber": floor["level_number"],
                            "floor": floor["name"],
                            "staircase": staircase["name"],
                            "subUnitType": "door" if p["door"] else "",
                            "subUnitNumber": p["door"],
                            "subUnit": _sub_units(staircase["name"], p["door"], p["pto_reference"]),
                            "buildingId": building["building_id"],
                            "buildingType": building["building_type"],
                            "buildingState": building["state"],
                            "pmReference": building["pm_reference"],
                            "pmState": building["pm_state"],
                            "pboReference": p["pbo_reference"],
                            "ptoReference": p["pto_reference"],
                            "ptoState": p["pto_state"],
                            "occupancy": p["occupancy"],
                            "lineReference": p["line_reference"],
                            "premisesKind": p["kind"],
                            "requested": p["requested"],
                            "dataAsOf": answer["data_as_of"],
                        }
                    )


# --- Wire → query -------------------------------------------------------------------------

TEXT_FIELDS = (
    "streetNr",
    "streetNrSuffix",
    "streetType",
    "streetName",
    "locality",
    "postcode",
    "city",
)


def _number(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 6 else None


def place_query(params: dict[str, Any]) -> PlaceQuery:
    """A :class:`PlaceQuery` from TMF673 fields and our extension keys (query string or body)."""

    def get(name: str) -> str:
        value = params.get(name)
        return str(value).strip() if value not in (None, "") else ""

    def coordinate(name: str) -> float | None:
        try:
            return float(get(name)) if get(name) else None
        except ValueError:
            return float("nan")  # refused by the resolver with a clear code

    text = " ".join(part for part in (get("q"), *(get(name) for name in TEXT_FIELDS)) if part)
    return PlaceQuery(
        text=text,
        hexacle=get("hexacle"),
        hexacle_street=get("hexacleStreet"),
        number=_number(get("streetNr")),
        suffix=get("streetNrSuffix"),
        ban_id=get("banId"),
        building_id=get("buildingId"),
        insee=get("codeInsee"),
        rivoli=get("codeRivoli"),
        pto=get("ptoReference"),
        nd=get("nd"),
        latitude=coordinate("latitude"),
        longitude=coordinate("longitude"),
        radius_m=coordinate("radius"),
    )


def validation(stored: Any) -> dict[str, Any]:
    """A stored :class:`AddressValidation` as a TMF673 GeographicAddressValidation (v4)."""
    as_of = stored.data_as_of.isoformat() if stored.data_as_of else None
    addresses = [geographic_address(c["address"], as_of, c) for c in stored.candidates]
    body: dict[str, Any] = {
        "id": str(stored.pk),
        "href": validation_href(stored.pk),
        "@type": "GeographicAddressValidation",
        "provideAlternative": stored.provide_alternative,
        "validationDate": stored.created_at,
        "validationResult": stored.result,
        "state": "done",
        "submittedGeographicAddress": stored.submitted,
        "dataAsOf": as_of,
    }
    if stored.result == "success" and addresses:
        body["validGeographicAddress"] = addresses[0]
    elif addresses:
        body["alternateGeographicAddress"] = addresses
    return body
