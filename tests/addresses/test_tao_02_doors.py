"""TAO-01/TAO-02 through REST (TMF673 geographicAddress and geographicAddressValidation) and
the service every door shares: lookups by every key, ambiguous and unknown places, who may
use TAO (distinct refusals), paging headers and ``fields=``."""

from __future__ import annotations

from typing import Any

import pytest

from guichet.accounts.models import Role, User
from guichet.addresses import translation
from guichet.addresses.selectors import PlaceQuery
from guichet.billing.models import UsageRecord
from guichet.core.context import Principal, principal_for_user
from guichet.network.models import Address
from guichet.operators.models import Operator
from tests.accounts.people_support import give_profile
from tests.addresses.tao_fixtures import BASE, as_of, residence, tao_a, tao_b, tao_user
from tests.factories import make_operator, make_person

__all__ = ["as_of", "residence", "tao_a", "tao_b"]  # fixtures

pytestmark = pytest.mark.django_db
ADDRESSES = f"{BASE}/geographicAddress"


def translation_actor(user: User) -> Principal:
    """The person as another door (the portal) sees it."""
    return principal_for_user(user, channel="portal", ip=None, request_id="test")


@pytest.fixture
def twins(db: None) -> list[Address]:
    """Two addresses behind the same INSEE + RIVOLI + number: ambiguous, never a guess."""
    return [
        Address.objects.create(
            ban_id=f"79191_0420_00014_{n}",
            insee="79191",
            rivoli="0420",
            number=14,
            street_name="DES ACACIAS",
            street_type="RUE",
            postcode="79000",
            commune_name=city,
        )
        for n, city in enumerate(["Niort", "Sainte-Pezenne"])
    ]


def found(client: Any, query: str) -> dict[str, Any]:
    response = client.get(f"{ADDRESSES}?{query}")
    assert response.status_code == 200, response.content
    (address,) = response.json()
    return address


@pytest.mark.parametrize(
    ("query", "matched_by"),
    [
        ("hexacle=79191ac012", "hexacle"),
        ("banId=79191_0420_00012", "ban"),
        ("buildingId=IMB/79191/AC/0012A", "building"),
        ("codeInsee=79191&codeRivoli=0420&streetNr=12", "rivoli"),
        ("ptoReference=DS-AC12-A021", "pto"),
        ("nd=0549000001", "nd"),
    ],
)
def test_tao_01_every_structured_key_finds_the_address(
    as_of: Any, residence: Any, tao_a: User, api_as: Any, query: str, matched_by: str
) -> None:
    address = found(api_as(tao_a), query)
    assert address["id"] == "79191AC012"
    assert address["matchedBy"] == matched_by
    assert (address["streetNr"], address["streetName"], address["city"]) == (
        "12",
        "DES ACACIAS",
        "Niort",
    )
    assert (address["hexacle"], address["banId"], address["codeRivoli"]) == (
        "79191AC012",
        "79191_0420_00012",
        "0420",
    )
    assert address["geographicLocation"]["geoJson"]["coordinates"] == [-0.46, 46.32]


def test_tao_01_a_pto_or_my_nd_leads_to_its_sub_address(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    for query in ("ptoReference=DS-AC12-A021", "nd=0549000001"):
        (ref,) = found(client, query)["geographicSubAddress"]
        sub = client.get(ref["href"]).json()
        assert (sub["ptoReference"], sub["occupancy"], sub["lineReference"]) == (
            "DS-AC12-A021",
            "inUseByYou",
            "OPEA-L-0001",
        )


def test_tao_01_another_operators_nd_is_unknown_to_me(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    response = api_as(tao_a).get(f"{ADDRESSES}?nd=0549000002")  # operator B's line
    assert (response.status_code, response.json(), response["X-Total-Count"]) == (200, [], "0")


def test_tao_01_address_by_hexacle_ban_id_or_internal_id(
    as_of: Any, residence: Any, twins: list[Address], tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    by_ban = client.get(f"{ADDRESSES}/79191_0420_00012").json()
    assert by_ban["id"] == "79191AC012"
    assert client.get(by_ban["href"]).json() == by_ban
    # Neither hexaclé nor... an address without hexaclé is named by its BAN id.
    assert client.get(f"{ADDRESSES}/79191_0420_00014_0").json()["id"] == "79191_0420_00014_0"
    twin = Address.objects.filter(pk=twins[0].pk)
    twin.update(ban_id=None)
    internal = client.get(f"{ADDRESSES}/adr-{twins[0].pk}")
    assert internal.json()["href"].endswith(f"/geographicAddress/adr-{twins[0].pk}")
    for unknown in ("79191ZZZZZ", "adr-0", "adr-999999999999", "x" * 300):
        response = client.get(f"{ADDRESSES}/{unknown}")
        assert (response.status_code, response.json()["code"]) == (404, "ADR-012")
        response = client.get(f"{ADDRESSES}/{unknown}/geographicSubAddress")
        assert (response.status_code, response.json()["code"]) == (404, "ADR-012")
    assert not UsageRecord.objects.exists()  # nothing delivered, nothing billed


def test_tao_01_ambiguous_answers_every_candidate_and_no_structure(
    as_of: Any, residence: Any, twins: list[Address], tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    response = client.get(f"{ADDRESSES}?codeInsee=79191&codeRivoli=0420&streetNr=14")
    assert {a["city"] for a in response.json()} == {"Niort", "Sainte-Pezenne"}
    assert {a["score"] for a in response.json()} == {1.0}
    page = client.get(
        f"{ADDRESSES}?codeInsee=79191&codeRivoli=0420&streetNr=14&limit=1&fields=city"
    )
    assert (page.status_code, page["X-Total-Count"], page["X-Result-Count"]) == (206, "2", "1")
    assert page.json()[0].keys() == {"id", "href", "@type", "city"}
    actor = translation_actor(tao_a)
    answer = translation.as_answer(
        translation.translate(
            actor=actor, query=PlaceQuery(insee="79191", rivoli="0420", number=14)
        )
    )
    assert answer["status"] == "ambiguous"
    assert (answer["address"], answer["buildings"]) == (None, [])
    assert len(answer["candidates"]) == 2
    assert answer["data_as_of"] is not None
    assert not UsageRecord.objects.exists()


def test_tao_01_unknown_address_is_said_so(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    for query, code in (("", "ADR-001"), ("ptoReference=12", "ADR-002"), ("latitude=x", "ADR-002")):
        response = api_as(tao_a).get(f"{ADDRESSES}?{query}")
        assert (response.status_code, response.json()["code"]) == (400, code), query
    response = api_as(tao_a).get(f"{ADDRESSES}?hexacle=79191ZZZZZ")
    assert (response.status_code, response.json()) == (200, [])
    answer = translation.as_answer(
        translation.translate(actor=translation_actor(tao_a), query=PlaceQuery(pto="DS-ZZZZ-ZZZZ"))
    )
    assert (answer["status"], answer["buildings"], answer["candidates"]) == ("unknown", [], [])


def test_tao_01_a_pto_names_its_building_only_and_marks_the_premises(
    as_of: Any, residence: Any, tao_a: User
) -> None:
    answer = translation.as_answer(
        translation.translate(actor=translation_actor(tao_a), query=PlaceQuery(pto="DS-AC12-A021"))
    )
    (building,) = answer["buildings"]
    assert building["building_id"] == "IMB/79191/AC/0012B"
    assert building["pbo_references"] == ["PBO-AC-0001", "PBO-AC-0002"]
    requested = [
        p
        for s in building["staircases"]
        for f in s["floors"]
        for p in f["premises"]
        if p["requested"]
    ]
    assert [p["pto_reference"] for p in requested] == ["DS-AC12-A021"]
    assert answer["requested_premises_id"] == requested[0]["id"]


def test_tao_01_validation_success_partial_and_fail(
    as_of: Any, residence: Any, twins: list[Address], tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)

    def validate(submitted: dict[str, Any], provide: bool = True) -> dict[str, Any]:
        response = client.post(
            f"{BASE}/geographicAddressValidation",
            {"provideAlternative": provide, "submittedGeographicAddress": submitted},
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    success = validate({"hexacle": "79191AC012"})
    assert (success["validationResult"], success["state"]) == ("success", "done")
    assert success["validGeographicAddress"]["id"] == "79191AC012"
    assert success["dataAsOf"] is not None
    twins_query = {"codeInsee": "79191", "codeRivoli": "0420", "streetNr": "14"}
    partial = validate(twins_query)
    assert partial["validationResult"] == "partial"
    assert len(partial["alternateGeographicAddress"]) == 2
    assert "alternateGeographicAddress" not in validate(twins_query, provide=False)
    fail = validate({"id": "79191ZZZZZ"})
    assert fail["validationResult"] == "fail"
    assert "validGeographicAddress" not in fail
    missing = client.post(
        f"{BASE}/geographicAddressValidation", {"submittedGeographicAddress": {}}, format="json"
    )
    assert (missing.status_code, missing.json()["code"]) == (422, "GEN-422")
    empty = client.post(
        f"{BASE}/geographicAddressValidation",
        {"provideAlternative": True, "submittedGeographicAddress": {}},
        format="json",
    )
    assert (empty.status_code, empty.json()["code"]) == (400, "ADR-001")


def test_tao_02_refusals_have_distinct_codes(
    as_of: Any, residence: Any, operator_a: Operator, api_as: Any
) -> None:
    no_contract = tao_user(make_operator("OPEC"), "tao.c", contract=False)
    not_subscribed = tao_user(make_operator("OPED"), "tao.d", subscribed=False)
    no_right = make_person("sans.droit", operator_a)
    tao_user(operator_a, "tao.a")  # A subscribes and holds the contract; this person has no profile
    url = f"{ADDRESSES}/79191AC012/geographicSubAddress"
    for user, status, code in (
        (not_subscribed, 403, "ADR-010"),
        (no_contract, 403, "ADR-011"),
        (no_right, 403, "GEN-403-RIGHT"),
    ):
        for method, path in (("get", url), ("get", f"{ADDRESSES}?hexacle=79191AC012")):
            response = getattr(api_as(user), method)(path)
            assert (response.status_code, response.json()["code"]) == (status, code), user
    assert api_as(None).get(url).status_code == 401
    assert not UsageRecord.objects.exists()


def test_tao_02_a_read_only_person_may_validate(
    as_of: Any, residence: Any, operator_a: Operator, tao_a: User, api_as: Any
) -> None:
    reader = make_person("lecteur.tao", operator_a, Role.READ_ONLY)
    give_profile(reader, "TAO lecture", ["tao:read"])
    response = api_as(reader).post(
        f"{BASE}/geographicAddressValidation",
        {"provideAlternative": False, "submittedGeographicAddress": {"hexacle": "79191AC012"}},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_tao_01_free_text_search(as_of: Any, residence: Any, tao_a: User, api_as: Any) -> None:
    services = pytest.importorskip("guichet.addresses.services")
    if not hasattr(services, "refresh_index"):
        pytest.skip("the free-text index has not landed")
    services.refresh_index(actor=Principal.system("tests"))
    response = api_as(tao_a).get(f"{ADDRESSES}?q=12 rue des acacias niort")
    assert response.status_code == 200, response.content
    assert response.json()[0]["id"] == "79191AC012"
