"""SOAP door of e-RDV (``wsdl/rdv.wsdl``, RDV-01, RDV-02): the interface of Interop'Fibre's
« plan de charge » web service (search, reserve, consult, report) plus confirm and cancel,
on the same services as REST and the portal. Only wire names are decided here.

``idOI``/``idCreneau`` is opaque to the caller: ``<slot id>~<E|S>~<key>:<value>~<INSEE>``.
Interop's reservation names neither the place nor the intervention type, so the slot of a search
carries them back; the reservation checks everything again (access, place, room left).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from lxml import etree

from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import selectors, services
from guichet.appointments.choices import AppointmentStatus, InterventionType
from guichet.appointments.errors import SLOT_ID_INVALID
from guichet.appointments.models import Appointment
from guichet.core import errors as core_errors
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal
from guichet.core.soap import Header, Payload, SoapService, contract, soap_urls
from guichet.operators.selectors import operator_for

WSDL = Path(__file__).with_name("wsdl") / "rdv.wsdl"
NS = "http://interop-fibre.fr"
NATURE_PRODUIT = "FTTH_ACCES"
SEGMENT = "GP"
TYPES = {"E": InterventionType.FTTH_CONNECTION.value, "S": InterventionType.SAV.value}
TYPE_LETTER = {kind: letter for letter, kind in TYPES.items()}
S = AppointmentStatus
STATUT = {
    S.HELD: "CREE",
    S.CONFIRMED: "CONFIRME",
    S.RESCHEDULED: "CONFIRME",
    S.CANCELLED: "ANNULE",
    S.DONE: "REALISE",
    S.MISSED: "NON_REALISE",
}
# The place a search named, carried in idOI: which PlaceQuery field each key fills.
PLACE_KEYS = {"PTO": "pto", "HEX": "hexacle", "IMB": "building_id"}
SEPARATOR = "~"
TRAILING_DIGITS = re.compile(r"(\d+)$")


# --- Wire helpers --------------------------------------------------------------------------------


def _refuse(root: str, element: str, detail: str) -> GuichetError:
    return GuichetError(core_errors.VALIDATION_FAILED, field=f"/{root}/{element}", detail=detail)


def _entete(header: Header | None, root: str) -> Mapping[str, Any]:
    entete = (header or {}).get("EnteteType")
    if not entete:
        raise GuichetError(
            core_errors.VALIDATION_FAILED,
            field="/Header/EnteteType",
            detail="en-tête SOAP EnteteType manquant",
        )
    return entete


def caller(request: HttpRequest, header: Header | None, root: str) -> Principal:
    """The authenticated principal; the EnteteType's sirenOC must be its operator's SIREN."""
    principal = resolve_principal(request)
    if principal is None:  # authenticate() already refused anonymous calls
        raise GuichetError(core_errors.NOT_AUTHENTICATED)
    entete = _entete(header, root)
    if principal.operator_id is not None and not principal.is_provider:
        siren = operator_for(principal, principal.operator_id).siren
        if str(entete["sirenOC"]).strip() != siren:
            raise GuichetError(
                core_errors.VALIDATION_FAILED,
                field="/Header/EnteteType/sirenOC",
                detail=f"sirenOC {entete['sirenOC']} n'est pas le SIREN de l'opérateur "
                f"de l'accès système ({siren})",
            )
    return principal


def _profile(payload: Payload, root: str) -> None:
    """Guichet's profile of the interface: FTTH access, Grand Public."""
    if payload.get("segmentMarche", SEGMENT) != SEGMENT:
        raise _refuse(root, "segmentMarche", "seul le segment GP (Grand Public) est proposé")


def _day(moment: datetime) -> Any:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def slot_token(slot_id: str, kind: str, key: str, value: str, insee: str) -> str:
    return SEPARATOR.join((slot_id, TYPE_LETTER[kind], f"{key}:{value}", insee))


def parse_token(token: str, root: str) -> tuple[str, str, PlaceQuery, str]:
    """(slot id, intervention type, place, INSEE) of an ``idCreneau`` of a search, or RDV-009."""
    parts = (token or "").strip().split(SEPARATOR)
    if len(parts) == 4 and parts[1] in TYPES and ":" in parts[2]:
        key, _, value = parts[2].partition(":")
        if key in PLACE_KEYS and value:
            return parts[0], TYPES[parts[1]], PlaceQuery(**{PLACE_KEYS[key]: value}), parts[3]
    raise GuichetError(SLOT_ID_INVALID, field=f"/{root}/idCreneau", value=token)


def _place_key(payload: Payload, root: str) -> tuple[str, str]:
    for element, key in (
        ("technicalId", "PTO"),
        ("referenceHexacle", "HEX"),
        ("identifiantImmeuble", "IMB"),
    ):
        value = (payload.get(element) or "").strip()
        if value:
            return key, value
    raise _refuse(
        root, "technicalId", "technicalId (référence PTO), referenceHexacle ou identifiantImmeuble"
    )


def _check_insee(given: str, insee: str, root: str) -> None:
    if (given or "").strip() != insee:
        raise _refuse(root, "codeInsee", f"le lieu désigné est dans la commune {insee}")


def consultation(appointment: Appointment) -> dict[str, Any]:
    """``ConsultationRdvReponse`` of an appointment."""
    return {
        "idRendezVous": appointment.id_rdv,
        "dateDebut": timezone.localtime(appointment.starts_at),
        "dateFin": timezone.localtime(appointment.ends_at),
        "codeInsee": appointment.insee,
        "typeIntervention": TYPE_LETTER[appointment.intervention_type],
        "natureProduit": NATURE_PRODUIT,
        "segmentMarche": SEGMENT,
        "statutRendezVous": STATUT[AppointmentStatus(appointment.status)],
    }


# --- Operations ----------------------------------------------------------------------------------


def recherche_creneaux_libres(
    request: HttpRequest, payload: Payload, header: Header | None
) -> dict[str, Any]:
    """RDV-01: the free slots of the place between two days."""
    root = "RechercheCreneauxLibresRequete"
    actor = caller(request, header, root)
    _profile(payload, root)
    kind = TYPES[payload["typeIntervention"]]
    key, value = _place_key(payload, root)
    search = services.search_free_slots(
        actor=actor,
        query=PlaceQuery(**{PLACE_KEYS[key]: value}),
        intervention_type=kind,
        date_from=_day(payload["dateDebut"]),
        date_to=_day(payload["dateFin"]),
    )
    _check_insee(payload["codeInsee"], search.place.insee, root)
    return {
        "listeCreneau": {
            "occCreneau": [
                {
                    "dateDebut": timezone.localtime(slot.starts_at),
                    "dateFin": timezone.localtime(slot.ends_at),
                    "idOI": slot_token(slot.id, kind, key, value, search.place.insee),
                }
                for slot in search.slots
            ]
        }
    }


def reservation_creneau(
    request: HttpRequest, payload: Payload, header: Header | None
) -> dict[str, Any]:
    """RDV-02: hold the slot of a search; the appointment is ``CREE`` until confirmed."""
    root = "ReservationCreneauRequete"
    actor = caller(request, header, root)
    _profile(payload, root)
    slot_id, kind, query, insee = parse_token(payload["idCreneau"], root)
    _check_insee(payload["codeInsee"], insee, root)
    appointment = services.reserve(
        actor=actor,
        query=query,
        intervention_type=kind,
        slot_id=slot_id,
        external_id=payload.get("referenceExterne") or "",
        comment=payload.get("commentaire") or "",
    )
    return {"idRendezvous": appointment.id_rdv}


def consultation_rdv(
    request: HttpRequest, payload: Payload, header: Header | None
) -> dict[str, Any]:
    """An appointment of the caller's operator (another operator's: GEN-404)."""
    actor = caller(request, header, "ConsultationRdvRequete")
    return consultation(selectors.appointment_for(actor, payload["idRendezVous"]))


def report_rdv(request: HttpRequest, payload: Payload, header: Header | None) -> dict[str, Any]:
    """RDV-02: move the appointment to another free slot, atomically (``natureReport`` is
    informative: a held appointment stays held, a confirmed one is reported)."""
    root = "ReportRDVRequete"
    actor = caller(request, header, root)
    _profile(payload, root)
    appointment = selectors.appointment_for(actor, payload["idRendezvous"])
    _check_insee(payload["codeInsee"], appointment.insee, root)
    token = payload["idCreneau"]
    slot_id = parse_token(token, root)[0] if SEPARATOR in token else token
    services.reschedule(actor=actor, id_rdv=appointment.id_rdv, slot_id=slot_id)
    return {}


def confirmation_rdv(
    request: HttpRequest, payload: Payload, header: Header | None
) -> dict[str, Any]:
    """RDV-02 (Guichet): confirm a held appointment before its hold expires."""
    actor = caller(request, header, "ConfirmationRdvRequete")
    appointment = services.confirm(
        actor=actor,
        id_rdv=payload["idRendezVous"],
        order_reference=payload.get("referenceCommande") or "",
    )
    return {"idRendezVous": appointment.id_rdv, "statutRendezVous": STATUT[appointment.status]}


def annulation_rdv(request: HttpRequest, payload: Payload, header: Header | None) -> dict[str, Any]:
    """RDV-02 (Guichet): cancel an appointment; its place is freed at once."""
    actor = caller(request, header, "AnnulationRdvRequete")
    appointment = services.cancel(
        actor=actor, id_rdv=payload["idRendezVous"], reason=payload.get("motif") or ""
    )
    return {"idRendezVous": appointment.id_rdv, "statutRendezVous": STATUT[appointment.status]}


# --- Service -------------------------------------------------------------------------------------


def info_erreur(error: GuichetError) -> etree._Element:
    """Interop's ``InfoErreurType``: n for RDV-00n, else the HTTP status; the code first."""
    digits = TRAILING_DIGITS.search(error.code)
    number = int(digits[1]) if error.code.startswith("RDV-") and digits else error.status
    element = etree.Element(f"{{{NS}}}InfoErreurType", nsmap={"tns": NS})
    etree.SubElement(element, "codeErreur").text = str(number)
    etree.SubElement(element, "messageErreur").text = f"{error.code} : {error.message()}"
    return element


class RdvSoapService(SoapService):
    """Only an operator's system credential may call; the EnteteType is echoed, stamped."""

    requires_credentials = True

    def response_header(
        self, request: HttpRequest, operation: contract.Operation, header: Header | None
    ) -> Mapping[str, Mapping[str, Any]]:
        entete = (header or {}).get("EnteteType")
        if not entete:
            return {}
        return {
            "EnteteType": {
                "versionWS": entete["versionWS"],
                "horodatageRequete": entete["horodatageRequete"],
                "horodatageReponse": timezone.now(),
                "sirenOC": entete["sirenOC"],
                "sirenOI": entete["sirenOI"],
            }
        }

    def fault_details(self, error: GuichetError) -> list[etree._Element]:
        return [info_erreur(error)]


SERVICE = RdvSoapService(
    wsdl=WSDL,
    service_name="RdvService",
    handlers={
        "rechercheCreneauxLibres": recherche_creneaux_libres,
        "reservationCreneau": reservation_creneau,
        "consultationRdv": consultation_rdv,
        "reportRDV": report_rdv,
        "confirmationRdv": confirmation_rdv,
        "annulationRdv": annulation_rdv,
    },
)
# Mounted under ws/ by config/urls.py: /ws/rdv (calls, ?wsdl) and /ws/rdv.wsdl.
urlpatterns = soap_urls("rdv", SERVICE, name="soap-rdv")
