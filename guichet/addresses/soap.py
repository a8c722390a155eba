"""SOAP door of TAO (``wsdl/tao.wsdl``) and the wire layer of places shared with eligibility.

Both contracts (``tao`` here, ``eligibilite`` in :mod:`guichet.eligibility.soap`) name a
place with the same ``ReferenceAdresse`` choice, carry the same ``Entete`` and answer the
same ``ResolutionAdresse``: this module maps them to and from
:class:`~guichet.addresses.selectors.PlaceQuery` and the ``as_answer`` dicts. Handlers do
no business: payload → query → service → ``as_answer`` → wire names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from guichet.addresses.selectors import PlaceQuery
from guichet.addresses.translation import as_answer, translate
from guichet.core import errors as core_errors
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal
from guichet.core.soap import Header, Payload, SoapService, soap_urls

WSDL = Path(__file__).with_name("wsdl") / "tao.wsdl"
VERSION_WS = "1.0"

# Resolution.matched_by → the ReferenceAdresse element that named the place.
MATCHED_BY = {
    "hexacle": "ReferenceHexacle",
    "hexacle_street": "ReferenceHexacleVoie",
    "ban": "IdentifiantBan",
    "building": "IdentifiantImmeuble",
    "rivoli": "ReferenceRivoli",
    "pto": "ReferencePTO",
    "nd": "ND",
    "coordinates": "Coordonnees",
    "text": "AdresseLibre",
}
STATUS = {"found": "TROUVEE", "ambiguous": "AMBIGUE", "unknown": "INCONNUE"}
PTO_STATE = {"existing": "EXISTANTE", "to_build": "A_CONSTRUIRE"}

# PlaceQuery field a service names in a refusal → its path under ReferenceAdresse.
_FIELDS = {
    "text": "AdresseLibre",
    "hexacle": "ReferenceHexacle",
    "ban_id": "IdentifiantBan",
    "building_id": "IdentifiantImmeuble",
    "pto": "ReferencePTO",
    "nd": "ND",
    "latitude": "Coordonnees",
    "longitude": "Coordonnees",
    "radius_m": "Coordonnees/Rayon",
}


class OperatorSoapService(SoapService):
    """A service that answers from network data: only an operator's system credential may call."""

    requires_credentials = True


# --- Request ---------------------------------------------------------------------------------


def place_query(reference: Mapping[str, Any]) -> PlaceQuery:
    """The :class:`PlaceQuery` a decoded ``ReferenceAdresse`` (one choice) names."""
    if "ReferenceHexacle" in reference:
        return PlaceQuery(hexacle=reference["ReferenceHexacle"])
    if "ReferenceHexacleVoie" in reference:
        street = reference["ReferenceHexacleVoie"]
        return PlaceQuery(
            hexacle_street=street["CodeHexacleVoie"],
            number=int(street["NumeroVoie"]),
            suffix=street.get("ComplementNumeroVoie") or "",
        )
    if "IdentifiantBan" in reference:
        return PlaceQuery(ban_id=reference["IdentifiantBan"])
    if "IdentifiantImmeuble" in reference:
        return PlaceQuery(building_id=reference["IdentifiantImmeuble"])
    if "ReferenceRivoli" in reference:
        rivoli = reference["ReferenceRivoli"]
        return PlaceQuery(
            insee=rivoli["CodeInsee"],
            rivoli=rivoli["CodeRivoli"],
            number=int(rivoli["NumeroVoie"]),
            suffix=rivoli.get("ComplementNumeroVoie") or "",
        )
    if "ReferencePTO" in reference:
        return PlaceQuery(pto=reference["ReferencePTO"])
    if "ND" in reference:
        return PlaceQuery(nd=reference["ND"])
    if "Coordonnees" in reference:
        point = reference["Coordonnees"]
        radius = point.get("Rayon")
        return PlaceQuery(
            latitude=float(point["Latitude"]),
            longitude=float(point["Longitude"]),
            radius_m=float(radius) if radius is not None else None,
        )
    # The schema allows nothing else: the choice is required and validated before us.
    return PlaceQuery(text=reference.get("AdresseLibre", ""))


def _given_key(reference: Mapping[str, Any]) -> str:
    return next(iter(reference), "")


@contextmanager
def wire_fields(
    root: str, reference: Mapping[str, Any], others: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Refusals name the element of the request (``/root/ReferenceAdresse/…``), not our fields.

    ``others`` maps the service's other field names to their element under ``root``.
    """
    try:
        yield
    except GuichetError as exc:
        if exc.field is None:
            raise
        base = f"/{root}/ReferenceAdresse"
        if exc.field in ("number", "suffix", "rivoli", "insee"):
            path = f"{base}/{_given_key(reference)}"
        elif exc.field in _FIELDS:
            path = f"{base}/{_FIELDS[exc.field]}"
        elif others and exc.field in others:
            path = f"/{root}/{others[exc.field]}"
        else:
            path = f"/{root}"
        params = {key: value for key, value in exc.params.items() if key != "field"}
        raise GuichetError(exc.error, field=path, **params) from exc


def caller(request: HttpRequest, entete: Mapping[str, Any], root: str) -> Principal:
    """The authenticated principal (``soap`` channel); the Entete must name its own operator."""
    principal = resolve_principal(request)
    if principal is None:  # authenticate() already refused anonymous calls
        raise GuichetError(core_errors.NOT_AUTHENTICATED)
    declared = entete["OperateurCommercial"]["Identifiant"]
    if not principal.is_provider and declared != principal.operator_code:
        raise GuichetError(
            core_errors.VALIDATION_FAILED,
            field=f"/{root}/Entete/OperateurCommercial/Identifiant",
            detail=(
                f"OperateurCommercial/Identifiant {declared} n'est pas l'opérateur de l'accès "
                f"système ({principal.operator_code})"
            ),
        )
    return principal


# --- Response --------------------------------------------------------------------------------


def response_header(entete: Mapping[str, Any], request_id: str) -> dict[str, Any]:
    """The request's Entete echoed, stamped with the answer's time and our reference."""
    return {
        "VersionWS": VERSION_WS,
        "HorodatageRequete": entete["HorodatageRequete"],
        "HorodatageReponse": timezone.now(),
        "OperateurCommercial": entete["OperateurCommercial"],
        "IdentifiantRequete": entete["IdentifiantRequete"],
        "IdentifiantReponse": request_id,
    }


def decimal(value: float | None, places: int = 6) -> Decimal | None:
    """A float as an xs:decimal (never ``1e-05``), rounded to ``places``."""
    if value is None:
        return None
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return Decimal(text if text not in ("", "-", "-0") else "0")


def _text(value: str | None) -> str | None:
    """An optional element: left out when empty."""
    return value or None


def address(data: Mapping[str, Any]) -> dict[str, Any]:
    """``AdresseType`` from an address dict of ``as_answer`` (eligibility or TAO)."""
    return {
        "Libelle": data.get("label", ""),
        "ReferenceHexacle": _text(data.get("hexacle")),
        "CodeHexacleVoie": _text(data.get("hexacle_street")),
        "IdentifiantBan": _text(data.get("ban_id")),
        "CodeInsee": data.get("insee", ""),
        "CodeRivoli": _text(data.get("rivoli")),
        "NumeroVoie": data.get("number"),
        "ComplementNumeroVoie": _text(data.get("suffix")),
        "TypeVoie": _text(data.get("street_type")),
        "NomVoie": data.get("street_name", ""),
        "LieuDit": _text(data.get("locality")),
        "CodePostal": data.get("postcode", ""),
        "Commune": data.get("commune", ""),
        "AncienneCommune": _text(data.get("former_commune")),
        "Latitude": decimal(data.get("latitude")),
        "Longitude": decimal(data.get("longitude")),
    }


def candidate(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Score": decimal(data["score"], 4),
        "Distance": decimal(data.get("distance_m"), 1),
        "Adresse": address(data["address"]),
    }


def resolution(
    *,
    status: str,
    matched_by: str,
    found: Mapping[str, Any] | None,
    candidates: list[Mapping[str, Any]],
    local: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``ResolutionAdresseType``: the status, the key used, the address or the candidates."""
    return {
        "StatutAdresse": STATUS[status],
        "CleUtilisee": MATCHED_BY.get(matched_by),
        "Adresse": address(found) if found else None,
        "Local": local,
        "Candidats": {"Candidat": [candidate(c) for c in candidates]} if candidates else None,
    }


def local(
    *, pto: str, building_id: str, building: str, staircase: str, floor: str, door: str
) -> dict[str, Any]:
    """``LocalDesigneType``: the premises a PTO reference or an ND names."""
    return {
        "ReferencePTO": _text(pto),
        "IdentifiantImmeuble": _text(building_id),
        "Batiment": _text(building),
        "Escalier": _text(staircase),
        "Etage": _text(floor),
        "Porte": _text(door),
    }


# --- TAO ---------------------------------------------------------------------------------------


def _porte(premises: Mapping[str, Any]) -> dict[str, Any]:
    occupancy = premises["occupancy"]
    return {
        "Nom": premises["door"],
        "ReferencePTO": _text(premises["pto_reference"]),
        "EtatPTO": PTO_STATE[premises["pto_state"]],
        "LibreOuOccupe": "LIBRE" if occupancy == "free" else "OCCUPE",
        "LigneOperateur": True if occupancy == "inUseByYou" else None,
        "ReferencePrestationPrise": _text(premises["line_reference"])
        if occupancy == "inUseByYou"
        else None,
        "ReferencePBO": _text(premises["pbo_reference"]),
        "TypeLocal": _text(premises["kind"]),
        "LocalDemande": True if premises.get("requested") else None,
    }


def _batiment(building: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Nom": building["name"],
        "IdentifiantImmeuble": building["building_id"],
        "EtatImmeuble": building["state"],
        "TypeImmeuble": _text(building["building_type"]),
        "NombreLogements": building["premises_count"],
        "ReferencePM": _text(building["pm_reference"]),
        "EtatPM": _text(building["pm_state"]),
        "Escalier": [
            {
                "Nom": staircase["name"],
                "Etage": [
                    {"Nom": floor["name"], "Porte": [_porte(p) for p in floor["premises"]]}
                    for floor in staircase["floors"]
                ],
            }
            for staircase in building["staircases"]
        ],
    }


def _requested_local(buildings: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    for building in buildings:
        for staircase in building["staircases"]:
            for floor in staircase["floors"]:
                for premises in floor["premises"]:
                    if premises.get("requested"):
                        return local(
                            pto=premises["pto_reference"],
                            building_id=building["building_id"],
                            building=building["name"],
                            staircase=staircase["name"],
                            floor=floor["name"],
                            door=premises["door"],
                        )
    return None


def tao_response(answer: Mapping[str, Any], entete: Mapping[str, Any], request_id: str) -> dict:
    """``consultationStructureAdresseResponse`` from :func:`translation.as_answer`."""
    buildings = answer["buildings"]
    found = answer["status"] == "found"
    return {
        "Entete": response_header(entete, request_id),
        "DateExtractionDonnees": answer["data_as_of"],
        "ResolutionAdresse": resolution(
            status=answer["status"],
            matched_by=answer["matched_by"],
            found=answer["address"],
            candidates=answer["candidates"],
            local=_requested_local(buildings),
        ),
        "Batiments": {"Batiment": [_batiment(b) for b in buildings]} if found else None,
    }


def consultation_structure_adresse(
    request: HttpRequest, payload: Payload, header: Header | None
) -> dict[str, Any]:
    """TAO-01: the structure of the place named, for the calling operator."""
    root = "consultationStructureAdresse"
    entete, reference = payload["Entete"], payload["ReferenceAdresse"]
    actor = caller(request, entete, root)
    with wire_fields(root, reference):
        answer = translate(actor=actor, query=place_query(reference))
    return tao_response(as_answer(answer), entete, actor.request_id)


SERVICE = OperatorSoapService(
    wsdl=WSDL,
    service_name="TaoService",
    handlers={"consultationStructureAdresse": consultation_structure_adresse},
)
# Mounted under ws/ by config/urls.py: /ws/tao (calls, ?wsdl) and /ws/tao.wsdl.
urlpatterns = soap_urls("tao", SERVICE, name="soap-tao")
