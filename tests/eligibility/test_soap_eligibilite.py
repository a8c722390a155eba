"""The SOAP door of eligibility (ELI-01, ELI-02, GEN-02, GEN-03): a zeep client generated from
the WSDL we serve, a real API key, the same ``qualify`` as every other door."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import zeep.exceptions
from lxml import etree

from guichet.accounts.models import User
from guichet.eligibility.models import Qualification
from guichet.network.choices import BuildingState
from guichet.network.models import Address, Building
from tests.eligibility.test_soap_support import (
    EXTRACTED_AT,
    HOST,
    NS,
    Caller,
    block,
    caller_a,
    entete,
    entete_xml,
    envelope,
    fault_of,
    inventory_loaded,
    post_xml,
    soap_client,
    system_caller,
)
from tests.network.factories import make_building, make_pm

__all__ = ["block", "caller_a", "post_xml", "soap_client"]  # fixtures used by name

pytestmark = pytest.mark.django_db
PATH = "/ws/eligibilite"


@pytest.fixture
def eli(soap_client: Callable[..., Any], caller_a: Caller) -> Any:
    return soap_client(PATH, caller_a)


def by_offer(answer: Any) -> dict[str, Any]:
    return {offre.CodeOffre: offre for offre in answer.Offres.Offre}


def motifs(offre: Any) -> list[str]:
    return [motif.CodeMotif for motif in offre.Motifs.Motif] if offre.Motifs else []


def test_eli_01_soap_wsdl_is_served_with_this_host_as_address(
    soap_client: Callable[..., Any], client: Any
) -> None:
    eli = soap_client(PATH)  # no credential needed to read the contract
    port = eli.wsdl.services["EligibiliteService"].ports["EligibilitePort"]
    assert port.binding_options["address"] == f"{HOST}{PATH}"
    same = client.get(f"{PATH}.wsdl")
    assert same.status_code == 200 and b"consultationEligibilite" in same.content


def test_eli_01_soap_zeep_client_qualifies_every_offer(
    eli: Any, caller_a: Caller, block: Building
) -> None:
    header = entete()
    answer = eli.service.consultationEligibilite(
        Entete=header, ReferenceAdresse={"ReferenceHexacle": block.address.hexacle}
    )
    assert answer.Entete.IdentifiantRequete == header["IdentifiantRequete"]
    assert answer.Entete.OperateurCommercial.Identifiant == "OPEA"
    assert answer.Entete.HorodatageRequete == header["HorodatageRequete"]
    assert answer.Entete.IdentifiantReponse
    assert answer.DateExtractionDonnees == EXTRACTED_AT  # GEN-03
    resolution = answer.ResolutionAdresse
    assert (resolution.StatutAdresse, resolution.CleUtilisee) == ("TROUVEE", "ReferenceHexacle")
    assert resolution.Adresse.ReferenceHexacle == block.address.hexacle
    assert resolution.Adresse.CodeInsee == "79191" and resolution.Adresse.Commune == "Niort"
    assert resolution.Candidats is None
    offres = by_offer(answer)
    assert list(offres) == ["ftth-access", "ftte-passive-nro", "ftte-passive-pm", "ftte-active"]
    ftth = offres["ftth-access"]
    assert ftth.Eligible is True and ftth.Motifs is None
    # Raccordable since the later of the cabling and the PM's commercial opening.
    assert ftth.DateDisponibilite == date(2025, 4, 15)
    assert ftth.IdentifiantImmeuble == block.ipe_id
    assert ftth.ReferencePM == "DSNU-PM-00042"
    # The qualification is the one every door stores: channel soap, the caller's request id.
    stored = Qualification.objects.get(pk=answer.IdentifiantQualification)
    assert stored.channel == "soap" and stored.requested_by == "si.a"
    assert stored.external_id == header["IdentifiantRequete"]
    assert eli.adapter.sent[-1].headers["SOAPAction"] == (
        '"urn:guichet:eligibilite:1.0:consultationEligibilite"'
    )


def test_eli_02_soap_pto_names_the_premises_and_its_pbo(eli: Any, block: Building) -> None:
    premises = block.premises.order_by("pk")[1]
    answer = eli.service.consultationEligibilite(
        Entete=entete(),
        ReferenceAdresse={"ReferencePTO": premises.pto_reference},
        Offres={"CodeOffre": ["ftth-access"]},
    )
    local = answer.ResolutionAdresse.Local
    assert answer.ResolutionAdresse.CleUtilisee == "ReferencePTO"
    assert (local.ReferencePTO, local.IdentifiantImmeuble) == (premises.pto_reference, block.ipe_id)
    assert (local.Escalier, local.Etage, local.Porte) == ("A", "0", "02")
    [ftth] = answer.Offres.Offre
    assert (ftth.CodeOffre, ftth.Eligible) == ("ftth-access", True)
    assert ftth.ReferencePBO == premises.pbo.reference


def test_eli_02_soap_not_yet_deployed_gives_reason_state_and_forecast(eli: Any) -> None:
    inventory_loaded()
    building = make_building(make_pm(), state=BuildingState.DEPLOYING, cabling_on=date(2099, 6, 1))
    answer = eli.service.consultationEligibilite(
        Entete=entete(),
        ReferenceAdresse={
            "ReferenceRivoli": {
                "CodeInsee": "79191",
                "CodeRivoli": "0001",
                "NumeroVoie": building.address.number,
            }
        },
        Offres={"CodeOffre": ["ftth-access", "ftte-active"]},
    )
    assert answer.ResolutionAdresse.CleUtilisee == "ReferenceRivoli"
    offres = by_offer(answer)
    assert list(offres) == ["ftth-access", "ftte-active"]
    for offre in offres.values():
        assert offre.Eligible is False
        [motif] = offre.Motifs.Motif
        assert (motif.CodeMotif, motif.Etat) == ("notDeployed", "EN COURS DE DEPLOIEMENT")
        assert motif.LibelleMotif == "Réseau pas encore déployé"
        assert motif.DateLevee == date(2099, 6, 1)
        assert offre.DateDisponibilitePrevue == date(2099, 6, 1)


def test_eli_01_soap_unknown_address_answers_unknown_for_each_offer(
    eli: Any, block: Building
) -> None:
    answer = eli.service.consultationEligibilite(
        Entete=entete(), ReferenceAdresse={"IdentifiantImmeuble": "IMB/79191/X/NONE"}
    )
    assert answer.ResolutionAdresse.StatutAdresse == "INCONNUE"
    assert answer.ResolutionAdresse.Adresse is None
    assert {tuple(motifs(o)) for o in answer.Offres.Offre} == {("unknownAddress",)}
    assert not any(o.Eligible for o in answer.Offres.Offre)


def test_eli_01_soap_ambiguous_address_lists_scored_candidates(eli: Any, block: Building) -> None:
    twin = Address.objects.get(pk=block.address.pk)
    twin.pk, twin.hexacle, twin.ban_id, twin.postcode = None, None, None, "79180"
    twin.save()
    answer = eli.service.consultationEligibilite(
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
    assert resolution.StatutAdresse == "AMBIGUE" and resolution.Adresse is None
    candidates = resolution.Candidats.Candidat
    assert {c.Adresse.CodePostal for c in candidates} == {"79000", "79180"}
    assert all(c.Score == 1 for c in candidates)
    assert {tuple(motifs(o)) for o in answer.Offres.Offre} == {("ambiguousAddress",)}


def test_eli_01_soap_operator_not_subscribed_gets_a_fault_with_our_code(
    soap_client: Callable[..., Any], admin_b: User, block: Building
) -> None:
    caller = system_caller(admin_b, "si.b", services=("tao",))
    eli = soap_client(PATH, caller)
    with pytest.raises(zeep.exceptions.Fault) as refused:
        eli.service.consultationEligibilite(
            Entete=entete("OPEB"), ReferenceAdresse={"ReferenceHexacle": block.address.hexacle}
        )
    assert refused.value.code.endswith("Client")
    assert refused.value.detail.findtext("g:error/g:code", namespaces=NS) == "ELI-001"


def test_eli_01_soap_operator_without_the_ftte_contract_is_refused(
    soap_client: Callable[..., Any], admin_b: User, block: Building
) -> None:
    caller = system_caller(admin_b, "si.b", wholesale=("ftth",))
    eli = soap_client(PATH, caller)
    with pytest.raises(zeep.exceptions.Fault) as refused:
        eli.service.consultationEligibilite(
            Entete=entete("OPEB"), ReferenceAdresse={"ReferenceHexacle": block.address.hexacle}
        )
    assert refused.value.detail.findtext("g:error/g:code", namespaces=NS) == "ELI-002"
    assert not Qualification.objects.exists()


def test_eli_01_soap_entete_must_name_the_credentials_operator(eli: Any, block: Building) -> None:
    with pytest.raises(zeep.exceptions.Fault) as refused:
        eli.service.consultationEligibilite(
            Entete=entete("OPEB"), ReferenceAdresse={"ReferenceHexacle": block.address.hexacle}
        )
    detail = refused.value.detail
    assert detail.findtext("g:error/g:code", namespaces=NS) == "GEN-422"
    assert detail.findtext("g:error/g:field", namespaces=NS) == (
        "/consultationEligibilite/Entete/OperateurCommercial/Identifiant"
    )


def test_eli_01_soap_without_credentials_is_refused(
    post_xml: Callable[..., Any], block: Building
) -> None:
    body = envelope(
        "<e:consultationEligibilite>"
        + entete_xml()
        + "<e:ReferenceAdresse><e:ReferenceHexacle>7919100001</e:ReferenceHexacle>"
        "</e:ReferenceAdresse></e:consultationEligibilite>"
    )
    assert fault_of(post_xml(PATH, body))["code"] == "GEN-401"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ("<not-xml", "SOAP-XML", None),
        # Two ways of naming the place: the choice allows one.
        (
            "<e:consultationEligibilite>{entete}<e:ReferenceAdresse>"
            "<e:ND>0549000000</e:ND><e:ReferencePTO>DS-0001-0001</e:ReferencePTO>"
            "</e:ReferenceAdresse></e:consultationEligibilite>",
            "SOAP-SCHEMA",
            "/consultationEligibilite/ReferenceAdresse",
        ),
        # No Entete.
        (
            "<e:consultationEligibilite><e:ReferenceAdresse><e:ND>0549000000</e:ND>"
            "</e:ReferenceAdresse></e:consultationEligibilite>",
            "SOAP-SCHEMA",
            "/consultationEligibilite",
        ),
        # An offer outside the catalogue.
        (
            "<e:consultationEligibilite>{entete}<e:ReferenceAdresse><e:ND>0549000000</e:ND>"
            "</e:ReferenceAdresse><e:Offres><e:CodeOffre>ftto</e:CodeOffre></e:Offres>"
            "</e:consultationEligibilite>",
            "SOAP-SCHEMA",
            "/consultationEligibilite/Offres/CodeOffre",
        ),
        # Well-formed, valid, but not a PTO reference: the resolver's code, on the element.
        (
            "<e:consultationEligibilite>{entete}<e:ReferenceAdresse>"
            "<e:ReferencePTO>pas une PTO</e:ReferencePTO>"
            "</e:ReferenceAdresse></e:consultationEligibilite>",
            "ADR-002",
            "/consultationEligibilite/ReferenceAdresse/ReferencePTO",
        ),
        (
            "<e:consultationEligibilite>{entete}<e:ReferenceAdresse><e:ND>12</e:ND>"
            "</e:ReferenceAdresse></e:consultationEligibilite>",
            "ADR-002",
            "/consultationEligibilite/ReferenceAdresse/ND",
        ),
    ],
)
def test_eli_01_soap_malformed_request_is_a_client_fault_never_a_trace(
    post_xml: Callable[..., Any], caller_a: Caller, body: str, code: str, field: str | None
) -> None:
    data = body.encode() if body.startswith("<not") else envelope(body.format(entete=entete_xml()))
    fault = fault_of(post_xml(PATH, data, caller_a))
    assert (fault["faultcode"], fault["code"]) == ("soap:Client", code)
    if field is not None:
        assert fault["field"] == field


def test_eli_01_soap_raw_answer_is_the_documented_shape(
    post_xml: Callable[..., Any], caller_a: Caller, block: Building
) -> None:
    body = envelope(
        f"<e:consultationEligibilite>{entete_xml()}<e:ReferenceAdresse>"
        f"<e:IdentifiantBan>{block.address.ban_id}</e:IdentifiantBan></e:ReferenceAdresse>"
        "<e:Offres><e:CodeOffre>ftte-passive-pm</e:CodeOffre></e:Offres>"
        "</e:consultationEligibilite>"
    )
    response = post_xml(PATH, body, caller_a)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    answer = root.find("soap:Body/e:consultationEligibiliteResponse", NS)
    assert answer is not None
    assert [etree.QName(child).localname for child in answer] == [
        "Entete",
        "IdentifiantQualification",
        "DateExtractionDonnees",
        "ResolutionAdresse",
        "Offres",
    ]
    assert answer.findtext("e:Offres/e:Offre/e:Eligible", namespaces=NS) == "true"
