"""The SOAP door of e-RDV (RDV-01, RDV-02): Interop'Fibre's plan-de-charge interface in our own
WSDL, called by a zeep client generated from the WSDL /ws/rdv serves, with a real API key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

import pytest
from lxml import etree

from guichet.accounts.models import User
from guichet.appointments.models import Appointment, Technician
from guichet.audit.models import AuditRecord
from guichet.core.calendar import PARIS
from guichet.core.soap.envelope import SOAP11_ENV
from tests.appointments.conftest import first_day, slot_id
from tests.appointments.soap_support import (
    INTEROP,
    PATH,
    call,
    call_full,
    fault,
    rdv,
    rdv_caller,
    reserve,
    search,
    soap_a,
    soap_client,
)
from tests.eligibility.test_soap_support import HOST, Caller, post_xml

__all__ = ["post_xml", "rdv", "soap_a", "soap_client"]  # fixtures used by name

pytestmark = pytest.mark.django_db


def ids(answer: Any) -> list[str]:
    return [creneau.idOI for creneau in answer.listeCreneau.occCreneau]


def test_rdv_01_soap_wsdl_is_served_with_this_host_as_address(
    soap_client: Callable[..., Any], client: Any
) -> None:
    wsdl = soap_client(PATH)  # no credential needed to read the contract
    port = wsdl.wsdl.services["RdvService"].ports["RdvPort"]
    assert port.binding_options["address"] == f"{HOST}{PATH}"
    operations = set(port.binding._operations)
    assert {"rechercheCreneauxLibres", "reservationCreneau", "consultationRdv", "reportRDV"} <= (
        operations
    )
    assert client.get(f"{PATH}.wsdl").status_code == 200


def test_rdv_01_soap_search_lists_the_free_slots(
    rdv: Any, admin_a: User, pto: str, technician: Technician
) -> None:
    day = first_day()
    answer = search(rdv, admin_a.operator.siren, pto, day)
    slots = answer.listeCreneau.occCreneau
    assert [s.idOI.split("~")[0] for s in slots] == [
        slot_id(day, time(8), time(10)),
        slot_id(day, time(10), time(12)),
        slot_id(day, time(13, 30), time(15, 30)),
        slot_id(day, time(15, 30), time(17, 30)),
    ]
    assert slots[0].dateDebut == datetime.combine(day, time(8), tzinfo=PARIS)
    assert slots[0].idOI == f"{slot_id(day)}~E~PTO:{pto}~79191"


def test_rdv_01_soap_answers_echo_the_entete_stamped(
    rdv: Any, admin_a: User, pto: str, technician: Technician
) -> None:
    siren = admin_a.operator.siren
    answer = call_full(
        rdv,
        "rechercheCreneauxLibres",
        siren,
        typeIntervention="E",
        natureProduit="FTTH_ACCES",
        segmentMarche="GP",
        technicalId=pto,
        codeInsee="79191",
        dateDebut=datetime.combine(first_day(), time(0), tzinfo=PARIS),
        dateFin=datetime.combine(first_day(), time(23), tzinfo=PARIS),
        defectPrelocalization="PTO",
    )
    header = answer.header.EnteteType
    assert (header.sirenOC, header.sirenOI, header.versionWS) == (siren, "200000000", "5.0")
    assert header.horodatageReponse >= header.horodatageRequete
    assert len(answer.body.listeCreneau.occCreneau) == 4


def test_rdv_01_soap_search_checks_the_header_and_the_commune(
    rdv: Any, admin_a: User, pto: str, technician: Technician
) -> None:
    wrong = fault(lambda: search(rdv, "999999999", pto, first_day()))
    assert wrong["code"] == "GEN-422" and wrong["field"] == "/Header/EnteteType/sirenOC"
    assert wrong["codeErreur"] == 422
    other = fault(
        lambda: call(
            rdv,
            "rechercheCreneauxLibres",
            admin_a.operator.siren,
            typeIntervention="E",
            natureProduit="FTTH_ACCES",
            segmentMarche="GP",
            technicalId=pto,
            codeInsee="79049",
            dateDebut=datetime.combine(first_day(), time(0), tzinfo=PARIS),
            dateFin=datetime.combine(first_day(), time(23), tzinfo=PARIS),
        )
    )
    assert other["field"] == "/RechercheCreneauxLibresRequete/codeInsee"


def test_rdv_02_soap_reserve_consult_confirm(
    rdv: Any, admin_a: User, pto: str, technician: Technician
) -> None:
    siren = admin_a.operator.siren
    first = ids(search(rdv, siren, pto, first_day()))[0]
    booked = reserve(rdv, siren, first, referenceExterne="CMD-42")
    id_rdv = booked.idRendezvous
    appointment = Appointment.objects.get(id_rdv=id_rdv)
    assert appointment.status == "held" and appointment.external_id == "CMD-42"
    assert appointment.channel == "soap"
    seen = call(rdv, "consultationRdv", siren, idRendezVous=id_rdv)
    assert seen.statutRendezVous == "CREE" and seen.codeInsee == "79191"
    assert (seen.typeIntervention, seen.natureProduit, seen.segmentMarche) == (
        "E",
        "FTTH_ACCES",
        "GP",
    )
    assert seen.dateDebut == datetime.combine(first_day(), time(8), tzinfo=PARIS)
    confirmed = call(
        rdv, "confirmationRdv", siren, idRendezVous=id_rdv, referenceCommande="CMD-ACCES-7"
    )
    assert confirmed.statutRendezVous == "CONFIRME"
    assert Appointment.objects.get(id_rdv=id_rdv).order_reference == "CMD-ACCES-7"
    assert AuditRecord.objects.filter(
        action="appointments.appointment.confirm", channel="soap"
    ).exists()


def test_rdv_02_soap_report_moves_the_appointment(
    rdv: Any, admin_a: User, pto: str, technician: Technician
) -> None:
    siren = admin_a.operator.siren
    slots = ids(search(rdv, siren, pto, first_day()))
    id_rdv = reserve(rdv, siren, slots[0]).idRendezvous
    call(
        rdv,
        "reportRDV",
        siren,
        typeIntervention="E",
        natureProduit="FTTH_ACCES",
        segmentMarche="GP",
        codeInsee="79191",
        idRendezvous=id_rdv,
        natureReport="REPORT_RDV_RESERVE",
        idCreneau=slots[2],
    )
    seen = call(rdv, "consultationRdv", siren, idRendezVous=id_rdv)
    assert seen.dateDebut == datetime.combine(first_day(), time(13, 30), tzinfo=PARIS)
    assert seen.statutRendezVous == "CREE"
    free = [s.split("~")[0] for s in ids(search(rdv, siren, pto, first_day()))]
    assert slot_id(first_day()) in free
    assert slot_id(first_day(), time(13, 30), time(15, 30)) not in free


def test_rdv_02_soap_cancel_frees_the_slot(
    rdv: Any, admin_a: User, pto: str, technician: Technician
) -> None:
    siren = admin_a.operator.siren
    first = ids(search(rdv, siren, pto, first_day()))[0]
    id_rdv = reserve(rdv, siren, first).idRendezvous
    assert first not in ids(search(rdv, siren, pto, first_day()))
    cancelled = call(rdv, "annulationRdv", siren, idRendezVous=id_rdv, motif="Client absent")
    assert cancelled.statutRendezVous == "ANNULE"
    assert first in ids(search(rdv, siren, pto, first_day()))
    again = fault(lambda: call(rdv, "confirmationRdv", siren, idRendezVous=id_rdv))
    assert again["code"] == "RDV-004" and again["codeErreur"] == 4


def test_rdv_02_soap_unavailable_slot_is_a_clean_fault(
    rdv: Any,
    admin_a: User,
    admin_b: User,
    soap_client: Callable[..., Any],
    pto: str,
    technician: Technician,
) -> None:
    first = ids(search(rdv, admin_a.operator.siren, pto, first_day()))[0]
    reserve(rdv, admin_a.operator.siren, first)
    other = soap_client(PATH, rdv_caller(admin_b, "si.rdv.b"))
    refused = fault(lambda: reserve(other, admin_b.operator.siren, first))
    assert refused["code"] == "RDV-003" and refused["codeErreur"] == 3
    assert refused["messageErreur"].startswith("RDV-003 : Créneau indisponible")
    assert Appointment.objects.count() == 1
    malformed = fault(lambda: reserve(rdv, admin_a.operator.siren, "20260101T0800-1000"))
    assert malformed["code"] == "RDV-009"


def test_rdv_02_soap_not_subscribed_or_without_ftth_contract_is_refused(
    admin_b: User, soap_client: Callable[..., Any], pto: str, technician: Technician
) -> None:
    from tests.accounts.credential_support import key_of
    from tests.accounts.people_support import give_profile, subscribe
    from tests.eligibility.test_soap_support import give_wholesale

    # A key of OPEB, whose operator has not subscribed to e-RDV yet.
    key = key_of(admin_b, scopes=("e-rdv",))
    client_b = soap_client(PATH, Caller(key.token, admin_b.username, "OPEB"))
    siren = admin_b.operator.siren
    token = f"{slot_id(first_day())}~E~PTO:{pto}~79191"
    assert fault(lambda: search(client_b, siren, pto, first_day()))["code"] == "RDV-001"
    subscribe(admin_b.operator, "e-rdv")
    give_profile(admin_b, "RDV", ["e-rdv:read", "e-rdv:book"])
    refused = fault(lambda: reserve(client_b, siren, token))
    assert refused["code"] == "RDV-002" and refused["codeErreur"] == 2
    give_wholesale(admin_b.operator, "ftth")
    assert reserve(client_b, siren, token).idRendezvous


def test_rdv_02_soap_another_operator_gets_404(
    rdv: Any,
    admin_a: User,
    admin_b: User,
    soap_client: Callable[..., Any],
    pto: str,
    technician: Technician,
) -> None:
    first = ids(search(rdv, admin_a.operator.siren, pto, first_day()))[0]
    id_rdv = reserve(rdv, admin_a.operator.siren, first).idRendezvous
    other = soap_client(PATH, rdv_caller(admin_b, "si.rdv.b"))
    siren_b = admin_b.operator.siren
    for operation in ("consultationRdv", "annulationRdv", "confirmationRdv"):
        refused = fault(lambda op=operation: call(other, op, siren_b, idRendezVous=id_rdv))
        assert refused["code"] == "GEN-404" and refused["codeErreur"] == 404
    assert Appointment.objects.get(id_rdv=id_rdv).status == "held"


def test_rdv_01_soap_a_message_shaped_by_the_interop_interface_is_understood(
    post_xml: Callable[..., Any], soap_a: Caller, admin_a: User, pto: str, technician: Technician
) -> None:
    """What a client generated from Interop'Fibre's WSDL sends: top-level element qualified,
    children unqualified, EnteteType in the SOAP header, an empty SOAPAction, every required
    element of their interface (defectPrelocalization included) and none of our additions."""
    day = first_day().isoformat()
    message = f"""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
        xmlns:int="http://interop-fibre.fr">
      <soapenv:Header><int:EnteteType><versionWS>5.0</versionWS>
        <horodatageRequete>{day}T09:00:00+01:00</horodatageRequete>
        <sirenOC>{admin_a.operator.siren}</sirenOC><sirenOI>200000000</sirenOI>
      </int:EnteteType></soapenv:Header>
      <soapenv:Body><int:RechercheCreneauxLibresRequete>
        <typeIntervention>E</typeIntervention><natureProduit>FTTH_ACCES</natureProduit>
        <segmentMarche>GP</segmentMarche><technicalId>{pto}</technicalId>
        <codeInsee>79191</codeInsee><dateDebut>{day}T00:00:00+01:00</dateDebut>
        <dateFin>{day}T23:59:59+01:00</dateFin><defectPrelocalization>PTO</defectPrelocalization>
      </int:RechercheCreneauxLibresRequete></soapenv:Body></soapenv:Envelope>"""
    response = post_xml(PATH, message.encode(), soap_a, SOAPAction='""')
    assert response.status_code == 200, response.content
    root = etree.fromstring(response.content)
    ns = {"s": SOAP11_ENV, "i": INTEROP}
    assert root.findtext("s:Header/i:EnteteType/sirenOC", namespaces=ns) == admin_a.operator.siren
    slots = root.findall("s:Body/i:RechercheCreneauxLibresReponse/listeCreneau/occCreneau", ns)
    assert len(slots) == 4 and slots[0].findtext("idOI").startswith(slot_id(first_day()))
