"""The eligibilite and tao contracts stay loadable, in step with the domain's codes, and share
their place types; the wire → PlaceQuery mapping (no database)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from guichet.addresses import soap as tao_soap
from guichet.addresses.selectors import PlaceQuery
from guichet.core.errors import GuichetError
from guichet.eligibility import soap as eligibility_soap
from guichet.eligibility.choices import Offer, Reason
from guichet.network.choices import PtoState

XS = "http://www.w3.org/2001/XMLSchema"
SHARED_TYPES = [
    "VersionWSType",
    "IdentifiantRequeteType",
    "CodeOperateurType",
    "OperateurCommercialType",
    "EnteteRequeteType",
    "EnteteReponseType",
    "ReferenceHexacleVoieType",
    "ReferenceRivoliType",
    "CoordonneesType",
    "ReferenceAdresseType",
    "StatutAdresseType",
    "CleUtiliseeType",
    "AdresseType",
    "CandidatType",
    "ListeCandidatsType",
    "LocalDesigneType",
    "ResolutionAdresseType",
]


def types_of(path: Any) -> dict[str, str]:
    """Named types as text, without the namespace declarations (each contract has its own)."""
    tree = etree.parse(str(path))
    return {
        node.get("name"): re.sub(
            r' xmlns:\w+="[^"]*"', "", etree.tostring(node, encoding="unicode")
        )
        for node in tree.iter(f"{{{XS}}}complexType", f"{{{XS}}}simpleType")
        if node.get("name")
    }


def enumeration(path: Any, type_name: str) -> list[str]:
    tree = etree.parse(str(path))
    [node] = tree.xpath(f"//xs:simpleType[@name='{type_name}']", namespaces={"xs": XS})
    return node.xpath(".//xs:enumeration/@value", namespaces={"xs": XS})


def test_eli_01_soap_contracts_load_and_name_their_operations() -> None:
    for service in (eligibility_soap.SERVICE, tao_soap.SERVICE):
        service.check()
        assert service.requires_credentials
    assert set(eligibility_soap.SERVICE.endpoint.operations) == {"consultationEligibilite"}
    assert set(tao_soap.SERVICE.endpoint.operations) == {"consultationStructureAdresse"}


def test_eli_01_soap_codes_on_the_wire_are_the_domain_codes() -> None:
    assert enumeration(eligibility_soap.WSDL, "CodeOffreType") == list(Offer.values)
    assert enumeration(eligibility_soap.WSDL, "CodeMotifType") == list(Reason.values)
    assert set(enumeration(tao_soap.WSDL, "EtatPTOType")) == set(tao_soap.PTO_STATE.values())
    assert set(tao_soap.PTO_STATE) == set(PtoState.values)
    assert enumeration(tao_soap.WSDL, "CleUtiliseeType") == list(tao_soap.MATCHED_BY.values())


def test_tao_01_soap_both_contracts_share_the_place_types() -> None:
    eligibility, tao = types_of(eligibility_soap.WSDL), types_of(tao_soap.WSDL)
    for name in SHARED_TYPES:
        assert eligibility[name] == tao[name], name


@pytest.mark.parametrize(
    ("reference", "query"),
    [
        ({"ReferenceHexacle": "7919100001"}, PlaceQuery(hexacle="7919100001")),
        (
            {"ReferenceHexacleVoie": {"CodeHexacleVoie": "79191ABCDE", "NumeroVoie": 12}},
            PlaceQuery(hexacle_street="79191ABCDE", number=12),
        ),
        ({"IdentifiantBan": "79191_0001_00012"}, PlaceQuery(ban_id="79191_0001_00012")),
        ({"IdentifiantImmeuble": "IMB/79191/X/1"}, PlaceQuery(building_id="IMB/79191/X/1")),
        (
            {
                "ReferenceRivoli": {
                    "CodeInsee": "79191",
                    "CodeRivoli": "0001",
                    "NumeroVoie": 12,
                    "ComplementNumeroVoie": "B",
                }
            },
            PlaceQuery(insee="79191", rivoli="0001", number=12, suffix="B"),
        ),
        ({"ReferencePTO": "DS-0001-0002"}, PlaceQuery(pto="DS-0001-0002")),
        ({"ND": "0549000000"}, PlaceQuery(nd="0549000000")),
        (
            {"Coordonnees": {"Latitude": Decimal("46.3237"), "Longitude": Decimal("-0.4586")}},
            PlaceQuery(latitude=46.3237, longitude=-0.4586),
        ),
        (
            {
                "Coordonnees": {
                    "Latitude": Decimal("46.3"),
                    "Longitude": Decimal("-0.4"),
                    "Rayon": Decimal("120"),
                }
            },
            PlaceQuery(latitude=46.3, longitude=-0.4, radius_m=120.0),
        ),
        (
            {"AdresseLibre": "12 bis rue de la Gare Niort"},
            PlaceQuery(text="12 bis rue de la Gare Niort"),
        ),
    ],
)
def test_eli_01_soap_each_way_of_naming_a_place_maps_to_one_query(
    reference: dict[str, Any], query: PlaceQuery
) -> None:
    assert tao_soap.place_query(reference) == query


def test_eli_01_soap_refusals_name_the_request_element() -> None:
    from guichet.addresses.errors import QUERY_INVALID

    reference = {"ReferenceRivoli": {"CodeInsee": "7", "CodeRivoli": "1", "NumeroVoie": 1}}
    wire = tao_soap.wire_fields("consultationEligibilite", reference, {"offers": "Offres"})
    with pytest.raises(GuichetError) as refused, wire:
        raise GuichetError(QUERY_INVALID, field="rivoli", detail="x")
    assert refused.value.field == "/consultationEligibilite/ReferenceAdresse/ReferenceRivoli"
    assert refused.value.code == "ADR-002" and refused.value.message("fr") == "Adresse invalide : x"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (1e-05, 6, "0.00001"),
        (10.0, 4, "10"),
        (0.85, 4, "0.85"),
        (-0.4586, 6, "-0.4586"),
        (-0.0, 4, "0"),
    ],
)
def test_eli_01_soap_decimals_are_plain(value: float, places: int, text: str) -> None:
    assert str(tao_soap.decimal(value, places)) == text
