"""TAO-01 through REST (TMF673 geographicSubAddress): the structure of an address, its PTOs
and their occupancy, never revealing another operator's line; GEN-03 extraction date."""

from __future__ import annotations

from typing import Any

import pytest

from guichet.accounts.models import User
from guichet.addresses import tao
from guichet.addresses.selectors import PlaceQuery, resolve
from guichet.audit.models import AuditRecord
from guichet.billing.models import UsageRecord
from guichet.core.context import Principal
from tests.addresses.tao_fixtures import AS_OF, BASE, as_of, big_building, residence, tao_a, tao_b

__all__ = ["as_of", "residence", "tao_a", "tao_b"]  # fixtures

pytestmark = pytest.mark.django_db
SUBS = f"{BASE}/geographicAddress/79191AC012/geographicSubAddress"


def subs(client: Any, url: str = SUBS) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_tao_01_structure_of_a_multi_staircase_building_in_natural_order(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    items = subs(api_as(tao_a))
    order = [
        (i.get("buildingName"), i.get("staircase"), i.get("floor"), i.get("subUnitNumber"))
        for i in items
    ]
    assert order == [
        ("A", None, None, None),  # the house: no staircase, floor nor door
        ("B", "A", "SS1", "C1"),
        ("B", "A", "RDC", "2"),
        ("B", "A", "RDC", "10"),
        ("B", "A", "1", "11"),
        ("B", "A", "2", "21"),
        ("B", "A", "10", "101"),
        ("B", "B", "1", "11"),
    ]
    basement, ground, tenth = items[1], items[2], items[6]
    assert (basement["levelType"], basement["levelNumber"]) == ("basement", "1")
    assert (ground["levelType"], ground["levelNumber"]) == ("groundFloor", "0")
    assert (tenth["levelType"], tenth["levelNumber"]) == ("floor", "10")
    assert ground["subUnit"] == [
        {"subUnitType": "staircase", "subUnitNumber": "A"},
        {"subUnitType": "door", "subUnitNumber": "2"},
        {"subUnitType": "pto", "subUnitNumber": "DS-AC12-A002"},
    ]
    assert ground | {"dataAsOf": None} == ground | {
        "@type": "GeographicSubAddress",
        "buildingId": "IMB/79191/AC/0012B",
        "buildingState": "DEPLOYE",
        "pmReference": "DSNU-PM-00042",
        "pmState": "DEPLOYE",
        "pboReference": "PBO-AC-0001",
        "ptoReference": "DS-AC12-A002",
        "ptoState": "existing",
        "occupancy": "free",
        "premisesKind": "R",
        "dataAsOf": None,
    }
    assert tenth["pboReference"] == "PBO-AC-0002"
    assert items[3]["ptoState"] == "to_build"
    assert items[0]["buildingState"] == "EN COURS DE DEPLOIEMENT"
    assert basement["premisesKind"] == "P"


def test_tao_01_occupancy_names_only_my_own_line(
    as_of: Any, residence: Any, tao_a: User, tao_b: User, api_as: Any
) -> None:
    mine = {i["ptoReference"]: i for i in subs(api_as(tao_a))}
    assert mine["DS-AC12-A021"]["occupancy"] == "inUseByYou"
    assert mine["DS-AC12-A021"]["lineReference"] == "OPEA-L-0001"
    assert mine["DS-AC12-A011"]["occupancy"] == "inUse"
    assert "lineReference" not in mine["DS-AC12-A011"]
    assert mine["DS-AC12-B011"]["occupancy"] == "free"  # B's line there is terminated
    theirs = {i["ptoReference"]: i for i in subs(api_as(tao_b))}
    assert theirs["DS-AC12-A011"]["lineReference"] == "OPEB-L-0001"
    assert theirs["DS-AC12-A021"]["occupancy"] == "inUse"
    body = api_as(tao_b).get(SUBS).content.decode()
    assert "OPEA" not in body and "Opérateur A" not in body


def test_tao_01_provider_staff_see_every_line_and_are_not_billed(
    as_of: Any, residence: Any, provider_staff: User, api_as: Any
) -> None:
    items = {i["ptoReference"]: i for i in subs(api_as(provider_staff))}
    assert items["DS-AC12-A011"]["lineReference"] == "OPEB-L-0001"
    assert items["DS-AC12-A021"]["lineReference"] == "OPEA-L-0001"
    assert not UsageRecord.objects.exists()


def test_tao_01_one_sub_address_by_id_or_pto_reference(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    by_pto = client.get(f"{SUBS}/ds-ac12-a021")
    assert by_pto.status_code == 200, by_pto.content
    by_id = client.get(by_pto.json()["href"])
    assert by_id.json() == by_pto.json()
    assert by_id.json()["levelNumber"] == "2"
    missing = client.get(f"{SUBS}/DS-ZZZZ-ZZZZ")
    assert (missing.status_code, missing.json()["code"]) == (404, "ADR-013")


def test_tao_01_every_answer_states_its_extraction_date(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    for url in (
        SUBS,
        f"{SUBS}/DS-AC12-A021",
        f"{BASE}/geographicAddress/79191AC012",
        f"{BASE}/geographicAddress?hexacle=79191AC012",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        assert response["X-Data-As-Of"] == AS_OF.isoformat()
        body = response.json()
        for item in body if isinstance(body, list) else [body]:
            assert item["dataAsOf"].replace("Z", "+00:00") == AS_OF.isoformat()


def test_tao_01_usage_counted_and_call_journaled_with_its_channel(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    response = api_as(tao_a).get(SUBS)
    answer_id = response["X-Answer-Id"]
    usage = UsageRecord.objects.get()
    assert (usage.operator.arcep_code, usage.service.code) == ("OPEA", "tao")
    assert usage.reference == f"tao:{answer_id}"
    journal = AuditRecord.objects.filter(action="addresses.tao.translate").get()
    assert (journal.channel, journal.person_login, journal.operator_code) == (
        "rest",
        "tao.a",
        "OPEA",
    )
    assert journal.after["answer"] == answer_id
    assert journal.after["status"] == "found"
    assert journal.after["premises"] == 8
    # A search is journaled too, and not billed.
    api_as(tao_a).get(f"{BASE}/geographicAddress?hexacle=79191AC012")
    assert AuditRecord.objects.filter(action="addresses.address.search").count() == 1
    assert UsageRecord.objects.count() == 1


def test_tao_01_filter_and_page_the_sub_addresses(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    staircase_a = client.get(f"{SUBS}?buildingId=IMB/79191/AC/0012B&staircase=A")
    assert len(staircase_a.json()) == 6
    page = client.get(f"{SUBS}?offset=2&limit=3&fields=ptoReference,occupancy")
    assert page.status_code == 206
    assert (page["X-Total-Count"], page["X-Result-Count"]) == ("8", "3")
    assert page.json()[0].keys() == {"id", "href", "@type", "ptoReference", "occupancy"}


@pytest.mark.parametrize("size", [4, 40])
def test_tao_01_structure_in_a_constant_number_of_queries(
    db: None, size: int, django_assert_max_num_queries: Any
) -> None:
    building = big_building(size)
    actor = Principal.system("tests")
    resolution = resolve(actor, PlaceQuery(hexacle=building.address.hexacle))
    with django_assert_max_num_queries(3):
        structure = tao.build_structure(actor, resolution)
    assert len(structure.premises()) == size


def test_tao_01_floor_values_sort_naturally() -> None:
    floors = ["10", "2", "R+1", "RDC", "SS2", "-1", "Combles", "1er"]
    assert sorted(floors, key=tao.floor_key) == [
        "SS2",
        "-1",
        "RDC",
        "R+1",
        "1er",
        "2",
        "10",
        "Combles",
    ]
