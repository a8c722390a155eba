"""The SOAP door of TAO (TAO-01, TAO-02, GEN-02, GEN-03): a zeep client generated from the WSDL
we serve, a real API key, the same ``translate`` as every other door."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import zeep.exceptions

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.network.models import Address, Building
from guichet.operators.models import Operator
from tests.eligibility.test_soap_support import (
    EXTRACTED_AT,
    HOST,
    NS,
    TAO_NS,
    Caller,
    block,
    caller_a,
    entete,
    entete_xml,
    envelope,
    fault_of,
    live_line,
    post_xml,
    soap_client,
    system_caller,
)

__all__ = ["block", "caller_a", "post_xml", "soap_client"]  # fixtures used by name

pytestmark = pytest.mark.django_db
PATH = "/ws/tao"


@pytest.fixture
def tao(soap_client: Callable[..., Any], caller_a: Caller) -> Any:
    return soap_client(PATH, caller_a)


def portes(answer: Any) -> list[Any]:
    return [
        porte
        for batiment in answer.Batiments.Batiment
        for escalier in batiment.Escalier
        for etage in escalier.Etage
        for porte in etage.Porte
    ]


def test_tao_02_soap_wsdl_is_served_with_this_host_as_address(
    soap_client: Callable[..., Any],
) -> None:
    tao = soap_client(PATH)
    port = tao.wsdl.services["TaoService"].ports["TaoPort"]
    assert port.binding_options["address"] == f"{HOST}{PATH}"


def test_tao_01_soap_zeep_client_gets_the_structure_of_an_address(
    tao: Any, caller_a: Caller, block: Building, operator_a: Operator, operator_b: Operator
) -> None:
    theirs = live_line(block, operator_b, 0, ref="LGN-SECRET-B")
    mine = live_line(block, operator_a, 1)
    header = entete()
    answer = tao.service.consultationStructureAdresse(
        Entete=header, ReferenceAdresse={"IdentifiantBan": block.address.ban_id}
    )
    assert answer.Entete.IdentifiantRequete == header["IdentifiantRequete"]
    assert answer.DateExtractionDonnees == EXTRACTED_AT  # GEN-03
    resolution = answer.ResolutionAdresse
    assert (resolution.StatutAdresse, resolution.CleUtilisee) == ("TROUVEE", "IdentifiantBan")
    assert resolution.Adresse.IdentifiantBan == block.address.ban_id
    [batiment] = answer.Batiments.Batiment
    assert batiment.IdentifiantImmeuble == block.ipe_id
    assert (batiment.EtatImmeuble, batiment.ReferencePM, batiment.EtatPM) == (
        "DEPLOYE",
        "DSNU-PM-00042",
        "DEPLOYE",
    )
    assert batiment.NombreLogements == 3
    [escalier] = batiment.Escalier
    assert escalier.Nom == "A" and [etage.Nom for etage in escalier.Etage] == ["0"]
    doors = portes(answer)
    premises = list(block.premises.order_by("pk"))
    assert [p.Nom for p in doors] == ["01", "02", "03"]
    assert [p.ReferencePTO for p in doors] == [p.pto_reference for p in premises]
    assert {p.EtatPTO for p in doors} == {"EXISTANTE"}
    assert [p.LibreOuOccupe for p in doors] == ["OCCUPE", "OCCUPE", "LIBRE"]
    # Another operator's line: occupied, never whose; the caller's own line: its reference.
    assert (doors[0].LigneOperateur, doors[0].ReferencePrestationPrise) == (None, None)
    assert (doors[1].LigneOperateur, doors[1].ReferencePrestationPrise) == (True, mine.reference)
    assert doors[2].ReferencePBO == premises[2].pbo.reference
    assert theirs.reference not in str(answer)
    journal = AuditRecord.objects.filter(action="addresses.tao.translate").last()
    assert journal is not None and journal.channel == "soap"


def test_tao_01_soap_never_says_whose_line_on_the_wire(
    post_xml: Callable[..., Any], caller_a: Caller, block: Building, operator_b: Operator
) -> None:
    live_line(block, operator_b, 0, ref="LGN-SECRET-B")
    body = envelope(
        f"<e:consultationStructureAdresse>{entete_xml()}<e:ReferenceAdresse>"
        f"<e:ReferenceHexacle>{block.address.hexacle}</e:ReferenceHexacle>"
        "</e:ReferenceAdresse></e:consultationStructureAdresse>",
        TAO_NS,
    )
    response = post_xml(PATH, body, caller_a)
    assert response.status_code == 200, response.content
    assert b"<tns:LibreOuOccupe>OCCUPE</tns:LibreOuOccupe>" in response.content
    assert b"LGN-SECRET-B" not in response.content and b"OPEB" not in response.content


def test_tao_01_soap_pto_reference_marks_the_door_asked(tao: Any, block: Building) -> None:
    premises = block.premises.order_by("pk")[2]
    answer = tao.service.consultationStructureAdresse(
        Entete=entete(), ReferenceAdresse={"ReferencePTO": premises.pto_reference}
    )
    local = answer.ResolutionAdresse.Local
    assert (local.ReferencePTO, local.IdentifiantImmeuble) == (premises.pto_reference, block.ipe_id)
    assert (local.Escalier, local.Etage, local.Porte) == ("A", "0", "03")
    assert [p.LocalDemande for p in portes(answer)] == [None, None, True]


def test_tao_01_soap_unknown_address_has_no_structure(tao: Any, block: Building) -> None:
    answer = tao.service.consultationStructureAdresse(
        Entete=entete(), ReferenceAdresse={"ReferenceHexacle": "79191ZZZZZ"}
    )
    assert answer.ResolutionAdresse.StatutAdresse == "INCONNUE"
    assert answer.Batiments is None and answer.ResolutionAdresse.Adresse is None


def test_tao_01_soap_ambiguous_address_lists_candidates_without_structure(
    tao: Any, block: Building
) -> None:
    twin = Address.objects.get(pk=block.address.pk)
    twin.pk, twin.hexacle, twin.ban_id, twin.postcode = None, None, None, "79180"
    twin.save()
    answer = tao.service.consultationStructureAdresse(
        Entete=entete(),
        ReferenceAdresse={
            "ReferenceRivoli": {
                "CodeInsee": "79191",
                "CodeRivoli": "0001",
                "NumeroVoie": block.address.number,
            }
        },
    )
    resolution = answer.ResolutionAdresse
    assert resolution.StatutAdresse == "AMBIGUE" and answer.Batiments is None
    assert len(resolution.Candidats.Candidat) == 2


@pytest.mark.parametrize(
    ("services", "wholesale", "code"),
    [(("eligibilite-ftte",), ("ftth", "ftte"), "ADR-010"), (("tao",), ("ftte",), "ADR-011")],
)
def test_tao_01_soap_operator_not_entitled_gets_a_fault_with_our_code(
    soap_client: Callable[..., Any],
    admin_b: User,
    block: Building,
    services: tuple[str, ...],
    wholesale: tuple[str, ...],
    code: str,
) -> None:
    caller = system_caller(admin_b, "si.b", services=services, wholesale=wholesale)
    tao = soap_client(PATH, caller)
    with pytest.raises(zeep.exceptions.Fault) as refused:
        tao.service.consultationStructureAdresse(
            Entete=entete("OPEB"), ReferenceAdresse={"ReferenceHexacle": block.address.hexacle}
        )
    assert refused.value.code.endswith("Client")
    assert refused.value.detail.findtext("g:error/g:code", namespaces=NS) == code


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        # Latitude outside WGS84.
        (
            "<e:consultationStructureAdresse>{entete}<e:ReferenceAdresse><e:Coordonnees>"
            "<e:Latitude>100</e:Latitude><e:Longitude>-0.45</e:Longitude>"
            "</e:Coordonnees></e:ReferenceAdresse></e:consultationStructureAdresse>",
            "SOAP-SCHEMA",
            "/consultationStructureAdresse/ReferenceAdresse/Coordonnees/Latitude",
        ),
        # Valid for the schema, refused by the resolver: the element is named.
        (
            "<e:consultationStructureAdresse>{entete}<e:ReferenceAdresse><e:Coordonnees>"
            "<e:Latitude>46.32</e:Latitude><e:Longitude>-0.45</e:Longitude>"
            "<e:Rayon>5000</e:Rayon></e:Coordonnees></e:ReferenceAdresse>"
            "</e:consultationStructureAdresse>",
            "ADR-002",
            "/consultationStructureAdresse/ReferenceAdresse/Coordonnees/Rayon",
        ),
        # The eligibility operation is not on this endpoint.
        (
            "<e:consultationEligibilite>{entete}</e:consultationEligibilite>",
            "SOAP-OPERATION",
            None,
        ),
        # An unknown VersionWS.
        (
            "<e:consultationStructureAdresse>{entete_v2}<e:ReferenceAdresse>"
            "<e:ND>0549000000</e:ND></e:ReferenceAdresse></e:consultationStructureAdresse>",
            "SOAP-SCHEMA",
            "/consultationStructureAdresse/Entete/VersionWS",
        ),
    ],
)
def test_tao_01_soap_malformed_request_is_a_client_fault_never_a_trace(
    post_xml: Callable[..., Any], caller_a: Caller, body: str, code: str, field: str | None
) -> None:
    head = entete_xml()
    data = envelope(body.format(entete=head, entete_v2=head.replace(">1.0<", ">2.0<")), TAO_NS)
    fault = fault_of(post_xml(PATH, data, caller_a))
    assert (fault["faultcode"], fault["code"]) == ("soap:Client", code)
    if field is not None:
        assert fault["field"] == field
