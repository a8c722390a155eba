"""ELI-01/ELI-02 through the TMF679 door: each rule, each refusal, the journal and billing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.billing.models import UsageRecord
from guichet.eligibility.models import Qualification
from guichet.network.choices import BuildingState, LineState
from guichet.network.models import Building, Line
from guichet.operators.models import WholesaleOffer
from tests.api_checks import assert_tmf_error
from tests.eligibility.conftest import (
    EXTRACTED_AT,
    POQ_URL,
    body,
    characteristic,
    items,
    place,
    pto_of,
    ready,
    reasons,
    subscribe,
)
from tests.network.factories import make_building, make_pm

FTTE = ["ftte-passive-nro", "ftte-passive-pm", "ftte-active"]


def test_eli_02_premises_raccordable_since_commercial_opening(
    client_a: Any, deployed: Building, extracted: Any
) -> None:
    pto = pto_of(deployed, 1)
    response = client_a.post(
        POQ_URL, body(place(geographicSubAddress=[{"id": pto}])), format="json"
    )
    answer = items(response)
    assert list(answer) == ["ftth-access", *FTTE]  # every offer, in order, by default
    ftth = answer["ftth-access"]
    assert ftth["qualificationItemResult"] == "qualified"
    assert ftth["eligibilityUnavailabilityReason"] == []
    assert characteristic(ftth, "eligibleSince") == "2025-04-15"  # first provision + 3 months
    assert characteristic(ftth, "pmReference") == deployed.pm.reference
    assert characteristic(ftth, "pboReference") == deployed.premises.first().pbo.reference
    assert characteristic(ftth, "buildingId") == deployed.ipe_id
    assert all(answer[offer]["qualificationItemResult"] == "qualified" for offer in FTTE)
    resource = response.json()
    assert resource["state"] == "done"
    assert resource["qualificationResult"] == "qualified"
    assert datetime.fromisoformat(resource["dataAsOf"]) == EXTRACTED_AT
    resolved = resource["place"][0]
    assert resolved["role"] == "installationAddress"
    assert resolved["hexacle"] == deployed.address.hexacle
    assert resolved["geographicSubAddress"][0]["ptoReference"] == pto
    assert resolved["href"].endswith(f"/geographicAddress/{deployed.address.hexacle}")


def test_eli_02_before_commercial_opening_gives_the_opening_date(client_a: Any) -> None:
    provided = timezone.localdate() - relativedelta(months=1)
    building = make_building(make_pm(first_provision_on=provided))
    response = client_a.post(
        POQ_URL, body(place(id=building.address.hexacle), "ftth-access"), format="json"
    )
    ftth = items(response)["ftth-access"]
    opening = (provided + relativedelta(months=3)).isoformat()
    assert ftth["qualificationItemResult"] == "unqualified"
    assert reasons(ftth) == ["beforeCommercialOpening"]
    assert ftth["eligibilityUnavailabilityReason"][0]["availableFrom"] == opening
    assert ftth["expectedActivationDate"] == opening


def test_eli_02_pm_never_provided_is_before_opening_without_date(client_a: Any) -> None:
    building = make_building(make_pm(first_provision_on=None))
    ftth = items(
        client_a.post(
            POQ_URL, body(place(id=building.address.hexacle), "ftth-access"), format="json"
        )
    )["ftth-access"]
    assert reasons(ftth) == ["beforeCommercialOpening"]
    assert "expectedActivationDate" not in ftth


def test_eli_02_abandoned_building(client_a: Any, pm: Any) -> None:
    building = make_building(pm, state=BuildingState.ABANDONED)
    answer = items(client_a.post(POQ_URL, body(place(buildingId=building.ipe_id)), format="json"))
    assert all(reasons(item) == ["abandoned"] for item in answer.values())


def test_eli_02_not_deployed_gives_the_planned_state_and_date(client_a: Any, pm: Any) -> None:
    planned = timezone.localdate() + timedelta(days=40)
    building = make_building(pm, state=BuildingState.SIGNED, cabling_on=planned)
    ftth = items(
        client_a.post(
            POQ_URL, body(place(id=building.address.hexacle), "ftth-access"), format="json"
        )
    )["ftth-access"]
    reason = ftth["eligibilityUnavailabilityReason"][0]
    assert reason["code"] == "notDeployed"
    assert reason["state"] == "SIGNE"
    assert reason["availableFrom"] == planned.isoformat()


def test_eli_01_temporary_freeze_of_the_building(client_a: Any, pm: Any) -> None:
    until = timezone.localdate() + timedelta(days=10)
    building = make_building(pm, frozen_until=until)
    answer = items(client_a.post(POQ_URL, body(place(id=building.address.hexacle)), format="json"))
    for item in answer.values():
        assert reasons(item) == ["temporaryFreeze"]
        assert item["expectedActivationDate"] == (until + timedelta(days=1)).isoformat()


def test_eli_01_provider_freeze_on_one_offer(
    client_a: Any, provider_staff: Any, api_as: Any, deployed: Building
) -> None:
    today = timezone.localdate()
    created = api_as(provider_staff).post(
        "/api/v1/eligibility-freezes",
        {
            "offer": "ftte-active",
            "scope": "pm",
            "value": deployed.pm.reference,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=5)).isoformat(),
            "reason": "Travaux au PM",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    answer = items(client_a.post(POQ_URL, body(place(id=deployed.address.hexacle)), format="json"))
    assert reasons(answer["ftte-active"]) == ["temporaryFreeze"]
    assert answer["ftte-active"]["eligibilityUnavailabilityReason"][0]["scope"] == "pm"
    assert answer["ftth-access"]["qualificationItemResult"] == "qualified"


def test_eli_01_exclusion_zone_by_commune(
    client_a: Any, provider_staff: Any, api_as: Any, deployed: Building
) -> None:
    created = api_as(provider_staff).post(
        "/api/v1/eligibility-exclusion-zones",
        {"offer": "ftte-passive-nro", "scope": "commune", "value": "79191"},
        format="json",
    )
    assert created.status_code == 201, created.content
    answer = items(client_a.post(POQ_URL, body(place(id=deployed.address.hexacle)), format="json"))
    assert reasons(answer["ftte-passive-nro"]) == ["exclusionZone"]
    assert answer["ftte-passive-pm"]["qualificationItemResult"] == "qualified"
    assert answer["ftth-access"]["qualificationItemResult"] == "qualified"


def test_eli_01_unknown_address(client_a: Any, deployed: Building) -> None:
    response = client_a.post(POQ_URL, body(place(hexacle="7919199999")), format="json")
    answer = items(response)
    assert all(reasons(item) == ["unknownAddress"] for item in answer.values())
    assert response.json()["place"] == []
    assert response.json()["qualificationResult"] == "unqualified"


def test_eli_01_ambiguous_address_lists_the_candidates(client_a: Any, pm: Any) -> None:
    first, second = make_building(pm), make_building(pm)  # same coordinates
    location = {"geoJson": {"type": "Point", "coordinates": [-0.4586, 46.3237]}}
    response = client_a.post(POQ_URL, body(place(geographicLocation=location)), format="json")
    answer = items(response)
    assert all(reasons(item) == ["ambiguousAddress"] for item in answer.values())
    candidates = response.json()["place"]
    assert {c["role"] for c in candidates} == {"candidateAddress"}
    assert {c["hexacle"] for c in candidates} == {
        first.address.hexacle,
        second.address.hexacle,
    }
    assert all("score" in c for c in candidates)


def test_eli_01_line_number_insee_rivoli_and_building_id(
    client_a: Any, admin_a: Any, deployed: Building
) -> None:
    premises = deployed.premises.order_by("code").first()
    Line.objects.create(
        reference="LIGNE-0001",
        operator=admin_a.operator,
        premises=premises,
        nd="0549000001",
        state=LineState.ACTIVE,
    )
    address = deployed.address
    asked = [
        {"role": "installationAddress", "@referredType": "Line", "id": "0549000001"},
        place(codeInsee="79191", codeRivoli="0001", streetNr=str(address.number)),
        {"role": "installationAddress", "@type": "GeographicSite", "id": deployed.ipe_id},
        {"role": "installationAddress", "ptoReference": premises.pto_reference},
        place(hexacle=address.hexacle),
        place(banId=address.ban_id),
    ]
    for one in asked:
        response = client_a.post(POQ_URL, body(one, "ftth-access"), format="json")
        assert items(response)["ftth-access"]["qualificationItemResult"] == "qualified", one
        assert response.json()["place"][0]["hexacle"] == address.hexacle


def test_eli_02_address_with_several_buildings(client_a: Any, pm: Any) -> None:
    deployed = make_building(pm)
    Building.objects.create(
        ipe_id="IMB/79191/X/B2", address=deployed.address, state=BuildingState.TARGETED, pm=pm
    )
    ftth = items(
        client_a.post(
            POQ_URL, body(place(id=deployed.address.hexacle), "ftth-access"), format="json"
        )
    )["ftth-access"]
    assert ftth["qualificationItemResult"] == "qualified"
    summary = {b["building_id"]: b["result"] for b in characteristic(ftth, "buildings")}
    assert summary == {deployed.ipe_id: "eligible", "IMB/79191/X/B2": "notEligible"}


def test_eli_01_without_ftth_contract_ftth_says_no_contract(
    admin_a: Any, api_as: Any, deployed: Building
) -> None:
    ready(admin_a.operator, admin_a, WholesaleOffer.FTTE)
    answer = items(
        api_as(admin_a).post(POQ_URL, body(place(id=deployed.address.hexacle)), format="json")
    )
    assert reasons(answer["ftth-access"]) == ["noContract"]
    assert all(answer[offer]["qualificationItemResult"] == "qualified" for offer in FTTE)


def test_eli_01_operator_without_ftte_contract_refused(
    admin_a: Any, api_as: Any, deployed: Building
) -> None:
    ready(admin_a.operator, admin_a, WholesaleOffer.FTTH_ACCESS)
    response = api_as(admin_a).post(
        POQ_URL, body(place(id=deployed.address.hexacle)), format="json"
    )
    assert_tmf_error(response, 403, "ELI-002")
    assert not Qualification.objects.exists()
    assert not UsageRecord.objects.exists()


def test_eli_01_not_subscribed_refused(admin_a: Any, api_as: Any, deployed: Building) -> None:
    from tests.eligibility.conftest import hold

    hold(admin_a.operator, WholesaleOffer.FTTE)
    response = api_as(admin_a).post(
        POQ_URL, body(place(id=deployed.address.hexacle)), format="json"
    )
    assert_tmf_error(response, 403, "ELI-001")


def test_eli_01_person_without_the_right_refused(
    admin_a: Any, api_as: Any, deployed: Building
) -> None:
    from tests.eligibility.conftest import hold

    subscribe(admin_a.operator)
    hold(admin_a.operator, WholesaleOffer.FTTE)
    response = api_as(admin_a).post(
        POQ_URL, body(place(id=deployed.address.hexacle)), format="json"
    )
    assert_tmf_error(response, 403, "GEN-403-RIGHT")


def test_eli_01_read_only_person_may_qualify(
    client_a: Any, reader_a: Any, api_as: Any, deployed: Building
) -> None:
    from tests.eligibility.conftest import may_qualify

    response = api_as(may_qualify(reader_a)).post(
        POQ_URL, body(place(id=deployed.address.hexacle), "ftth-access"), format="json"
    )
    assert items(response)["ftth-access"]["qualificationItemResult"] == "qualified"


def test_eli_01_another_operator_cannot_read_my_qualification(
    client_a: Any, admin_b: Any, api_as: Any, deployed: Building, detail_url: Any
) -> None:
    mine = client_a.post(POQ_URL, body(place(id=deployed.address.hexacle)), format="json").json()
    assert client_a.get(detail_url(mine["id"])).json()["id"] == mine["id"]
    other = api_as(ready(admin_b.operator, admin_b))
    assert_tmf_error(other.get(detail_url(mine["id"])), 404, "GEN-404")
    assert_tmf_error(other.get(detail_url("not-a-uuid")), 404, "GEN-404")
    assert other.get(POQ_URL).json() == []
    assert_tmf_error(api_as(None).get(detail_url(mine["id"])), 401, "GEN-401")


def test_eli_01_one_usage_per_qualification_none_for_provider(
    client_a: Any, admin_a: Any, provider_staff: Any, api_as: Any, deployed: Building
) -> None:
    asked = body(place(id=deployed.address.hexacle))
    first = client_a.post(POQ_URL, asked, format="json").json()["id"]
    second = client_a.post(POQ_URL, asked, format="json").json()["id"]
    usage = UsageRecord.objects.filter(service__code="eligibilite-ftte")
    assert sorted(usage.values_list("reference", flat=True)) == sorted([first, second])
    assert {u.operator_id for u in usage} == {admin_a.operator_id}
    assert all(u.quantity == 1 for u in usage)
    tested = api_as(provider_staff).post(POQ_URL, asked, format="json")
    assert tested.status_code == 200, tested.content
    assert usage.count() == 2


def test_eli_01_journal_records_who_what_and_channel(
    client_a: Any, admin_a: Any, deployed: Building
) -> None:
    response = client_a.post(
        POQ_URL,
        body(place(id=deployed.address.hexacle), externalId="CRM-42"),
        format="json",
        HTTP_X_REQUEST_ID="req-eli-0001",
    )
    qualification_id = response.json()["id"]
    entry = AuditRecord.objects.get(action="eligibility.qualification.create")
    assert entry.object_id == qualification_id
    assert entry.person_login == admin_a.username
    assert entry.operator_id == admin_a.operator_id
    assert entry.channel == "rest"
    assert entry.request_id == "req-eli-0001"
    assert entry.after["external_id"] == "CRM-42"
    assert entry.after["results"]["ftth-access"] == "eligible"


def test_eli_01_extraction_date_stored_and_returned_on_get(
    client_a: Any, deployed: Building, extracted: Any, detail_url: Any
) -> None:
    posted = client_a.post(POQ_URL, body(place(id=deployed.address.hexacle)), format="json").json()
    fetched = client_a.get(detail_url(posted["id"])).json()
    assert fetched == posted
    assert Qualification.objects.get().data_as_of == EXTRACTED_AT


def test_eli_01_list_pages_and_fields(client_a: Any, deployed: Building) -> None:
    for n in range(3):
        client_a.post(
            POQ_URL, body(place(id=deployed.address.hexacle), externalId=f"X{n}"), format="json"
        )
    page = client_a.get(POQ_URL, {"offset": 0, "limit": 2, "fields": "state,externalId"})
    assert page.status_code == 206
    assert page["X-Total-Count"] == "3"
    assert page["X-Result-Count"] == "2"
    assert set(page.json()[0]) == {"id", "href", "@type", "state", "externalId"}
    assert [q["externalId"] for q in page.json()] == ["X2", "X1"]
    one = client_a.get(POQ_URL, {"externalId": "X0"}).json()
    assert [q["externalId"] for q in one] == ["X0"]


def test_eli_01_bad_requests_have_their_codes(client_a: Any, deployed: Building) -> None:
    hexacle = deployed.address.hexacle
    asynchronous = body(place(id=hexacle), instantSyncQualification=False)
    assert_tmf_error(client_a.post(POQ_URL, asynchronous, format="json"), 400, "ELI-004")
    unknown = body(place(id=hexacle), "ftth-gold")
    assert_tmf_error(client_a.post(POQ_URL, unknown, format="json"), 400, "ELI-003")
    assert_tmf_error(client_a.post(POQ_URL, body({"role": "x"}), format="json"), 400, "ELI-005")
    bad_pto = body(place(geographicSubAddress=[{"id": "nope"}]))
    assert_tmf_error(client_a.post(POQ_URL, bad_pto, format="json"), 400, "ADR-002")
    assert_tmf_error(client_a.post(POQ_URL, {}, format="json"), 422, "GEN-422")
    assert not Qualification.objects.exists()


def test_eli_01_opening_date_is_inclusive(client_a: Any) -> None:
    today = timezone.localdate()
    building = make_building(make_pm(first_provision_on=today - relativedelta(months=3)))
    ftth = items(
        client_a.post(
            POQ_URL, body(place(id=building.address.hexacle), "ftth-access"), format="json"
        )
    )
    assert ftth["ftth-access"]["qualificationItemResult"] == "qualified"
    assert characteristic(ftth["ftth-access"], "eligibleSince") == today.isoformat()
    assert date.fromisoformat(characteristic(ftth["ftth-access"], "eligibleSince")) <= today


def test_eli_01_rest_says_what_as_answer_says(client_a: Any, pm: Any) -> None:
    from guichet.eligibility.answers import as_answer

    building = make_building(pm, state=BuildingState.DEPLOYING)
    rest = client_a.post(POQ_URL, body(place(id=building.address.hexacle)), format="json").json()
    answer = as_answer(Qualification.objects.get())
    assert rest["id"] == answer["id"]
    assert [
        (i["productOffering"]["id"], i["qualificationItemResult"], reasons(i))
        for i in rest["productOfferingQualificationItem"]
    ] == [
        (
            i["offer"],
            "qualified" if i["eligible"] else "unqualified",
            [r["code"] for r in i["reasons"]],
        )
        for i in answer["items"]
    ]
    assert answer["items"][0]["reasons"][0]["state"] == "EN COURS DE DEPLOIEMENT"


def test_eli_01_free_text_address(client_a: Any, deployed: Building) -> None:
    from guichet.addresses.services import refresh_index
    from tests.factories import SYSTEM

    refresh_index(actor=SYSTEM)
    typed = place(
        streetNr=str(deployed.address.number),
        streetName="r de la gare",
        postcode="79000",
        city="niort",
    )
    response = client_a.post(POQ_URL, body(typed, "ftth-access"), format="json")
    assert items(response)["ftth-access"]["qualificationItemResult"] == "qualified"
    assert response.json()["place"][0]["hexacle"] == deployed.address.hexacle


def test_eli_01_request_item_ids_are_echoed_in_the_answer_and_on_get(
    client_a: Any, deployed: Building, detail_url: Any
) -> None:
    """TMF679 v4: each answer item carries the id the caller gave its request item."""
    request = {
        "instantSyncQualification": True,
        "place": [place(geographicSubAddress=[{"id": pto_of(deployed)}])],
        "productOfferingQualificationItem": [
            {"id": "crm-ftte-pm", "action": "add", "productOffering": {"id": "ftte-passive-pm"}},
            {"id": "crm-ftth", "action": "add", "productOffering": {"id": "ftth-access"}},
        ],
    }
    response = client_a.post(POQ_URL, request, format="json")
    answered = [(i["id"], i["productOffering"]["id"]) for i in items(response).values()]
    assert answered == [("crm-ftte-pm", "ftte-passive-pm"), ("crm-ftth", "ftth-access")]
    again = client_a.get(detail_url(response.json()["id"]))
    stored = again.json()["productOfferingQualificationItem"]
    assert [i["id"] for i in stored] == ["crm-ftte-pm", "crm-ftth"]


def test_eli_01_generated_item_ids_when_the_caller_gave_none(
    client_a: Any, deployed: Building
) -> None:
    no_ids = client_a.post(
        POQ_URL, body(place(geographicSubAddress=[{"id": pto_of(deployed)}])), format="json"
    )
    assert [i["id"] for i in items(no_ids).values()] == ["1", "2", "3", "4"]
    mixed = {
        "instantSyncQualification": True,
        "place": [place(geographicSubAddress=[{"id": pto_of(deployed)}])],
        "productOfferingQualificationItem": [
            {"productOffering": {"id": "ftth-access"}},
            {"id": "B", "productOffering": {"id": "ftte-active"}},
        ],
    }
    assert [i["id"] for i in items(client_a.post(POQ_URL, mixed, format="json")).values()] == [
        "1",
        "B",
    ]


def test_eli_01_duplicate_item_ids_refused(client_a: Any, deployed: Building) -> None:
    twice = {
        "instantSyncQualification": True,
        "place": [place(geographicSubAddress=[{"id": pto_of(deployed)}])],
        "productOfferingQualificationItem": [
            {"id": "A", "productOffering": {"id": "ftth-access"}},
            {"id": "A", "productOffering": {"id": "ftte-active"}},
        ],
    }
    error = assert_tmf_error(client_a.post(POQ_URL, twice, format="json"), 422, "GEN-422")
    assert "productOfferingQualificationItem" in str(error)
    assert not Qualification.objects.exists()
