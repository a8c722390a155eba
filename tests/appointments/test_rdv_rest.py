"""The REST door of e-RDV (RDV-01, RDV-02): TMF646 Appointment Management v4, the same services
as the portal and SOAP; refusals in the TMF630 error body with our codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from rest_framework.test import APIClient

from guichet.accounts.models import User
from guichet.appointments.models import Appointment, Technician
from guichet.audit.models import AuditRecord
from guichet.core.calendar import PARIS
from tests.api_checks import assert_tmf_error
from tests.appointments.conftest import first_day, hold_ftth, ready, slot_id, subscribe

pytestmark = pytest.mark.django_db
BASE = "/tmf-api/appointment/v4"


def pto_place(pto: str) -> dict[str, Any]:
    return {"@type": "GeographicSubAddress", "id": pto, "role": "interventionAddress"}


def window(start: time = time(8), end: time = time(10), day: date | None = None) -> dict[str, str]:
    day = day or first_day()
    return {
        "startDateTime": datetime.combine(day, start, tzinfo=PARIS).isoformat(),
        "endDateTime": datetime.combine(day, end, tzinfo=PARIS).isoformat(),
    }


@pytest.fixture
def client_a(admin_a: User, api_as: Callable[[User | None], APIClient]) -> APIClient:
    ready(admin_a)
    return api_as(User.objects.get(pk=admin_a.pk))


def search(client: APIClient, pto: str, **extra: Any) -> Any:
    body = {"relatedPlace": pto_place(pto), "category": "ftth-connection", **extra}
    return client.post(f"{BASE}/searchTimeSlot", body, format="json")


def reserve(client: APIClient, pto: str, sid: str | None = None, **extra: Any) -> Any:
    body = {
        "relatedPlace": pto_place(pto),
        "category": "ftth-connection",
        "timeSlot": {"id": sid or slot_id(first_day())},
        **extra,
    }
    return client.post(f"{BASE}/appointment", body, format="json")


def test_rdv_01_rest_search_time_slot_lists_the_free_windows(
    client_a: APIClient, pto: str, technician: Technician
) -> None:
    day = first_day()
    response = search(
        client_a,
        pto,
        requestedTimeSlot=[{"validFor": {"startDateTime": f"{day}T00:00:00+01:00",
                                         "endDateTime": f"{day}T23:59:00+01:00"}}],
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["@type"] == "SearchTimeSlot" and body["status"] == "done"
    assert body["searchResult"] == "success" and body["category"] == "ftth-connection"
    slots = body["availableTimeSlot"]
    assert [s["id"] for s in slots] == [
        slot_id(day, time(8), time(10)),
        slot_id(day, time(10), time(12)),
        slot_id(day, time(13, 30), time(15, 30)),
        slot_id(day, time(15, 30), time(17, 30)),
    ]
    assert slots[0]["availableCapacity"] == 1
    assert slots[0]["validFor"]["startDateTime"].startswith(f"{day}T08:00:00")
    place = body["relatedPlace"]
    assert place["role"] == "interventionAddress" and place["codeInsee"] == "79191"
    assert place["geographicSubAddress"][0]["ptoReference"] == pto


def test_rdv_01_rest_search_without_a_place_key_is_refused(
    client_a: APIClient, technician: Technician
) -> None:
    response = client_a.post(f"{BASE}/searchTimeSlot", {"relatedPlace": {}}, format="json")
    body = assert_tmf_error(response, 400, "ADR-002")
    assert body["propertyPath"] == "relatedPlace"


def test_rdv_02_rest_reserve_then_confirm(
    client_a: APIClient, pto: str, technician: Technician
) -> None:
    response = reserve(client_a, pto, externalId="CMD-42", description="Digicode 1234")
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["href"] == f"{BASE}/appointment/{body['id']}"
    assert body["status"] == "initialized" and body["statusDetail"] == "held"
    assert body["holdExpiryDate"] and body["externalId"] == "CMD-42"
    assert body["timeSlot"]["id"] == slot_id(first_day())
    assert body["relatedParty"][0]["id"] == "OPEA"
    assert body["relatedPlace"]["geographicSubAddress"][0]["ptoReference"] == pto

    confirmed = client_a.patch(
        body["href"],
        {"status": "confirmed", "relatedEntity": [{"id": "CMD-ACCES-7", "role": "accessOrder"}]},
        format="json",
    )
    assert confirmed.status_code == 200, confirmed.content
    after = confirmed.json()
    assert after["status"] == "confirmed" and "holdExpiryDate" not in after
    assert after["relatedEntity"][0]["id"] == "CMD-ACCES-7"
    assert AuditRecord.objects.filter(action="appointments.appointment.confirm").exists()


def test_rdv_02_rest_reserve_by_valid_for(
    client_a: APIClient, pto: str, technician: Technician
) -> None:
    body = {
        "relatedPlace": pto_place(pto),
        "validFor": window(time(10), time(12)),
    }
    response = client_a.post(f"{BASE}/appointment", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["timeSlot"]["id"] == slot_id(first_day(), time(10), time(12))


def test_rdv_02_rest_reschedule_by_valid_for_and_by_time_slot(
    client_a: APIClient, pto: str, technician: Technician
) -> None:
    href = reserve(client_a, pto).json()["href"]
    moved = client_a.patch(href, {"validFor": window(time(13, 30), time(15, 30))}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["timeSlot"]["id"] == slot_id(first_day(), time(13, 30), time(15, 30))
    assert moved.json()["statusDetail"] == "held"
    client_a.patch(href, {"status": "confirmed"}, format="json")
    again = client_a.patch(
        href, {"timeSlot": {"id": slot_id(first_day(), time(15, 30), time(17, 30))}}, format="json"
    )
    assert again.status_code == 200, again.content
    assert again.json()["status"] == "confirmed"
    assert again.json()["statusDetail"] == "rescheduled"
    # the first windows are free again, the last one is taken
    free = {s["id"] for s in search(client_a, pto).json()["availableTimeSlot"]}
    assert slot_id(first_day()) in free
    assert slot_id(first_day(), time(15, 30), time(17, 30)) not in free


def test_rdv_02_rest_cancel_frees_the_slot(
    client_a: APIClient, pto: str, technician: Technician
) -> None:
    href = reserve(client_a, pto).json()["href"]
    assert slot_id(first_day()) not in {
        s["id"] for s in search(client_a, pto).json()["availableTimeSlot"]
    }
    cancelled = client_a.patch(
        href, {"status": "cancelled", "statusChangeReason": "Client absent"}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["statusChangeReason"] == "Client absent"
    assert slot_id(first_day()) in {
        s["id"] for s in search(client_a, pto).json()["availableTimeSlot"]
    }
    # a cancelled appointment stays cancelled
    assert_tmf_error(client_a.patch(href, {"status": "confirmed"}, format="json"), 409, "RDV-004")


def test_rdv_02_rest_unavailable_slot_is_409_creneau_indisponible(
    client_a: APIClient,
    admin_b: User,
    api_as: Callable[[User | None], APIClient],
    pto: str,
    technician: Technician,
) -> None:
    assert reserve(client_a, pto).status_code == 201
    ready(admin_b)
    client_b = api_as(User.objects.get(pk=admin_b.pk))
    body = assert_tmf_error(reserve(client_b, pto), 409, "RDV-003")
    assert "indisponible" in body["message"]
    assert body["referenceError"] == "/api/v1/errors/RDV-003"
    assert Appointment.objects.count() == 1


def test_rdv_02_rest_not_subscribed_or_without_ftth_contract_is_refused(
    admin_b: User, api_as: Callable[[User | None], APIClient], pto: str, technician: Technician
) -> None:
    client_b = api_as(admin_b)
    assert_tmf_error(reserve(client_b, pto), 403, "RDV-001")
    assert_tmf_error(search(client_b, pto), 403, "RDV-001")
    subscribe(admin_b.operator)
    assert_tmf_error(reserve(client_b, pto), 403, "RDV-002")
    hold_ftth(admin_b.operator)
    assert Appointment.objects.count() == 0


def test_rdv_02_rest_another_operator_gets_404(
    client_a: APIClient,
    admin_b: User,
    api_as: Callable[[User | None], APIClient],
    pto: str,
    technician: Technician,
) -> None:
    href = reserve(client_a, pto).json()["href"]
    ready(admin_b)
    client_b = api_as(User.objects.get(pk=admin_b.pk))
    assert_tmf_error(client_b.get(href), 404, "GEN-404")
    assert_tmf_error(client_b.patch(href, {"status": "cancelled"}, format="json"), 404, "GEN-404")
    assert client_b.get(f"{BASE}/appointment").json() == []


def test_rdv_02_rest_anonymous_401_and_read_only_403(
    client_a: APIClient,
    reader_a: User,
    api_as: Callable[[User | None], APIClient],
    pto: str,
    technician: Technician,
) -> None:
    href = reserve(client_a, pto).json()["href"]
    assert_tmf_error(APIClient().get(href), 401, "GEN-401")
    reader = api_as(reader_a)
    assert_tmf_error(reader.patch(href, {"status": "cancelled"}, format="json"), 403, "GEN-403-RO")


def test_rdv_02_rest_list_filters_pages_and_fields(
    client_a: APIClient, pto: str, technician: Technician
) -> None:
    first = reserve(client_a, pto, externalId="A").json()
    second = reserve(client_a, pto, sid=slot_id(first_day(), time(10), time(12)), externalId="B")
    client_a.patch(second.json()["href"], {"status": "confirmed"}, format="json")
    listed = client_a.get(f"{BASE}/appointment")
    assert listed.status_code == 200 and listed["X-Total-Count"] == "2"
    assert [a["id"] for a in listed.json()] == [first["id"], second.json()["id"]]
    page = client_a.get(f"{BASE}/appointment", {"limit": 1})
    assert page.status_code == 206 and page["X-Result-Count"] == "1"
    held = client_a.get(f"{BASE}/appointment", {"status": "initialized"}).json()
    assert [a["externalId"] for a in held] == ["A"]
    assert [a["externalId"] for a in client_a.get(
        f"{BASE}/appointment", {"externalId": "B"}).json()] == ["B"]  # fmt: skip
    day = first_day().isoformat()
    assert len(client_a.get(f"{BASE}/appointment", {"validFor.startDateTime.gte": day}).json()) == 2
    one = client_a.get(first["href"], {"fields": "status,validFor"}).json()
    assert set(one) == {"@type", "id", "href", "status", "validFor"}
