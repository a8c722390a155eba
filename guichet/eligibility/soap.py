"""SOAP door of eligibility (``wsdl/eligibilite.wsdl``, ELI-01, ELI-02): the same ``qualify``
as REST, the portal and bulk files, rendered from the same ``as_answer`` with wire names.

The place (``ReferenceAdresse``), the ``Entete`` and the ``ResolutionAdresse`` are shared
with the TAO contract: :mod:`guichet.addresses.soap` maps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.http import HttpRequest

from guichet.addresses import soap as places
from guichet.core.soap import Header, Payload, soap_urls
from guichet.eligibility.answers import as_answer
from guichet.eligibility.services import qualify

WSDL = Path(__file__).with_name("wsdl") / "eligibilite.wsdl"


def _motif(reason: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "CodeMotif": reason["code"],
        "LibelleMotif": reason["label"],
        "DateLevee": reason.get("on"),
        "Etat": reason.get("state") or None,
        "Portee": reason.get("scope") or None,
    }


def _offre(item: Mapping[str, Any]) -> dict[str, Any]:
    reasons = item["reasons"]
    return {
        "CodeOffre": item["offer"],
        "Eligible": item["eligible"],
        "Motifs": {"Motif": [_motif(r) for r in reasons]} if reasons else None,
        "DateDisponibilite": item["since"],
        "DateDisponibilitePrevue": item["available_from"],
        "IdentifiantImmeuble": item["building_id"] or None,
        "ReferencePM": item["pm_reference"] or None,
        "ReferencePBO": item["pbo_reference"] or None,
    }


def _local(place: Mapping[str, Any]) -> dict[str, Any] | None:
    premises = place.get("premises")
    if not premises:
        return None
    return places.local(
        pto=premises.get("pto", ""),
        building_id=premises.get("building_id", ""),
        building=premises.get("building", ""),
        staircase=premises.get("staircase", ""),
        floor=premises.get("floor", ""),
        door=premises.get("door", ""),
    )


def eligibility_response(
    answer: Mapping[str, Any], entete: Mapping[str, Any], request_id: str
) -> dict[str, Any]:
    """``consultationEligibiliteResponse`` from :func:`guichet.eligibility.answers.as_answer`."""
    place = answer["place"]
    return {
        "Entete": places.response_header(entete, request_id),
        "IdentifiantQualification": answer["id"],
        "DateExtractionDonnees": answer["data_as_of"],
        "ResolutionAdresse": places.resolution(
            status=answer["resolution"],
            matched_by=answer["matched_by"],
            found=place.get("address"),
            candidates=answer["candidates"],
            local=_local(place),
        ),
        "Offres": {"Offre": [_offre(item) for item in answer["items"]]},
    }


def consultation_eligibilite(
    request: HttpRequest, payload: Payload, header: Header | None
) -> dict[str, Any]:
    """ELI-01/ELI-02: each offer asked (all by default) at the place named."""
    root = "consultationEligibilite"
    entete, reference = payload["Entete"], payload["ReferenceAdresse"]
    actor = places.caller(request, entete, root)
    offers = payload.get("Offres", {}).get("CodeOffre")
    with places.wire_fields(root, reference, {"offers": "Offres"}):
        qualification = qualify(
            actor=actor,
            query=places.place_query(reference),
            offers=offers,
            external_id=entete["IdentifiantRequete"],
        )
    return eligibility_response(as_answer(qualification), entete, actor.request_id)


SERVICE = places.OperatorSoapService(
    wsdl=WSDL,
    service_name="EligibiliteService",
    handlers={"consultationEligibilite": consultation_eligibilite},
)
# Mounted under ws/ by config/urls.py: /ws/eligibilite (calls, ?wsdl) and /ws/eligibilite.wsdl.
urlpatterns = soap_urls("eligibilite", SERVICE, name="soap-eligibilite")
