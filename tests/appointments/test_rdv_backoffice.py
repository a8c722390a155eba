"""RDV-03 in the back-office (``/back-office/planification/``): the load per area with each
appointment, a planner moving or cancelling one (the operator notified) and recording the
outcome, technicians, absences (the appointments to move listed) and slot templates.
Operators' people are refused every page."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guichet.accounts.models import User
from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import services
from guichet.appointments.choices import AppointmentStatus
from guichet.appointments.models import Absence, Appointment, SlotTemplate, Technician
from guichet.core.calendar import PARIS, add_business_days
from guichet.core.context import Principal
from guichet.notifications.models import OutboundEmail, OutboundEvent
from tests.appointments.conftest import CONNECTION, first_day, slot_id

pytestmark = pytest.mark.django_db
S = AppointmentStatus
BO = "/back-office/planification/"


def browser_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


@pytest.fixture
def staff(provider_staff: User) -> Client:
    return browser_as(provider_staff)


@pytest.fixture
def confirmed(booker_a: Principal, place: PlaceQuery, technician: Technician) -> Appointment:
    held = services.reserve(
        actor=booker_a, query=place, intervention_type=CONNECTION, slot_id=slot_id(first_day())
    )
    return services.confirm(actor=booker_a, id_rdv=held.id_rdv)


def test_rdv_03_menu_and_load_view_per_area(staff: Client, confirmed: Appointment) -> None:
    page = staff.get(BO, {"date": first_day().isoformat()})
    assert page.status_code == 200
    html, text = page.content.decode(), text_of(page)
    assert '<a href="/back-office/planification/" aria-current="page">Planification</a>' in html
    assert "Lucie Technicienne" in text and "1 / 4" in text
    assert f'href="{BO}rendez-vous/{confirmed.id_rdv}/"' in html and "OPEA" in text
    day = staff.get(BO, {"vue": "jour", "date": first_day().isoformat(), "zone": "79191"})
    assert day.status_code == 200 and confirmed.id_rdv in day.content.decode()
    assert "zone 79191" in text_of(day)
    other = staff.get(BO, {"zone": "86194"})  # not an area of anyone: the filter is refused
    assert other.status_code == 200 and "Lucie Technicienne" in text_of(other)
    found = staff.get(f"{BO}rendez-vous/", {"q": confirmed.id_rdv.lower()})
    assert found.status_code == 302 and found["Location"].endswith(f"/{confirmed.id_rdv}/")
    assert staff.get(f"{BO}rendez-vous/", {"q": "RDV000"}).status_code == 404


def test_rdv_03_planner_moves_an_appointment_and_the_operator_is_notified(
    staff: Client, confirmed: Appointment
) -> None:
    url = f"{BO}rendez-vous/{confirmed.id_rdv}/"
    page = staff.get(url)
    assert page.status_code == 200
    assert "Déplacer sur ce créneau" in text_of(page)
    tomorrow = add_business_days(timezone.localdate(), 1)
    target = slot_id(tomorrow, time(15, 30), time(17, 30))
    page = staff.get(url, {"semaine": tomorrow.isoformat()})
    assert f'value="{target}"' in page.content.decode()  # planners: no lead time
    missing = staff.post(url + "deplacer", {"creneau": target, "move-reason": " "})
    assert missing.status_code == 422 and "RDV-012" in text_of(missing)
    moved = staff.post(url + "deplacer", {"creneau": target, "move-reason": "Renfort"})
    assert moved.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == S.RESCHEDULED
    assert confirmed.starts_at == datetime.combine(tomorrow, time(15, 30), tzinfo=PARIS)
    text = text_of(staff.get(moved["Location"]))
    assert "l'opérateur est prévenu" in text and "Déplacement par le planificateur" in text
    email = OutboundEmail.objects.get(reason="appointments.moved")
    assert "admin.a@example.test" in email.recipients and "Renfort" in email.body
    assert OutboundEvent.objects.filter(subject=confirmed.id_rdv).count() == 1


def test_rdv_03_planner_cancels_then_outcome_is_refused(
    staff: Client, confirmed: Appointment
) -> None:
    url = f"{BO}rendez-vous/{confirmed.id_rdv}/"
    response = staff.post(url + "annuler", {"cancel-reason": "Accès impossible"})
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == S.CANCELLED
    assert OutboundEmail.objects.filter(reason="appointments.cancelled").count() == 1
    refused = staff.post(url + "resultat", {"outcome": S.DONE})
    assert refused.status_code == 409 and "RDV-004" in text_of(refused)


def test_rdv_03_planner_records_the_outcome(staff: Client, confirmed: Appointment) -> None:
    url = f"{BO}rendez-vous/{confirmed.id_rdv}/"
    response = staff.post(url + "resultat", {"outcome": S.MISSED, "reason": "Client absent"})
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == S.MISSED
    assert "Résultat enregistré : Manqué." in text_of(staff.get(response["Location"]))


def test_rdv_03_technician_create_and_edit(staff: Client, templates: list[SlotTemplate]) -> None:
    assert staff.get(f"{BO}techniciens/nouveau").status_code == 200
    data = {
        "name": "Équipe Gâtine",
        "kind": "team",
        "company": "Gâtine Fibre",
        "skills": [CONNECTION],
        "daily_capacity": "6",
        "active": "on",
        "communes": "79191, 79049",
        "pms": "DSNU-PM-00001",
        "hours_0": "08:00-12:00, 13:30-17:30",
        "hours_5": "8h00-12h00",
    }
    bad = staff.post(f"{BO}techniciens/nouveau", {**data, "communes": "7919"})
    assert bad.status_code == 400 and "code INSEE invalide" in text_of(bad)
    assert not Technician.objects.exists()  # all or nothing
    unreadable = staff.post(f"{BO}techniciens/nouveau", {**data, "hours_1": "matin"})
    assert unreadable.status_code == 400 and "illisible" in text_of(unreadable)
    response = staff.post(f"{BO}techniciens/nouveau", data)
    assert response.status_code == 302
    technician = Technician.objects.get()
    assert technician.kind == "team" and technician.daily_capacity == 6
    assert sorted(technician.areas.values_list("value", flat=True)) == [
        "79049",
        "79191",
        "DSNU-PM-00001",
    ]
    assert technician.hours.filter(weekday=0).count() == 2
    assert technician.hours.get(weekday=5).starts_at == time(8)
    page = staff.get(response["Location"])
    assert 'value="08:00-12:00, 13:30-17:30"' in page.content.decode()
    edited = staff.post(response["Location"], {**data, "daily_capacity": "3", "active": ""})
    assert edited.status_code == 302
    technician.refresh_from_db()
    assert technician.daily_capacity == 3 and not technician.active
    listing = text_of(staff.get(f"{BO}techniciens/"))
    assert "Équipe Gâtine" in listing and "Commune (code INSEE) 79049" in listing


def test_rdv_03_absence_lists_the_appointments_to_move_then_delete(
    staff: Client, confirmed: Appointment, technician: Technician
) -> None:
    day = first_day()
    url = f"{BO}techniciens/{technician.pk}/absences"
    bad = staff.post(url, {"starts_at": f"{day}T18:00", "ends_at": f"{day}T08:00"})
    assert bad.status_code == 422 and "la fin précède le début" in text_of(bad)
    page = staff.post(
        url, {"starts_at": f"{day}T07:00", "ends_at": f"{day}T19:00", "reason": "Formation"}
    )
    assert page.status_code == 200
    text = text_of(page)
    assert "Rendez-vous à déplacer" in text and confirmed.id_rdv in text
    absence = Absence.objects.get()
    deleted = staff.post(f"{BO}techniciens/{technician.pk}/absences/{absence.pk}/supprimer")
    assert deleted.status_code == 302 and not Absence.objects.exists()


def test_rdv_03_slot_templates_create_and_edit(staff: Client) -> None:
    url = f"{BO}creneaux/"
    data = {
        "intervention_type": CONNECTION,
        "starts_at": "08:00",
        "ends_at": "10:00",
        "capacity": "2",
    }
    assert staff.post(url, data).status_code == 302
    again = staff.post(url, data)
    assert again.status_code == 422 and "ce créneau existe déjà" in text_of(again)
    template = SlotTemplate.objects.get()
    assert template.capacity == 2 and template.active
    edit = staff.post(f"{url}{template.pk}/", {"capacity": "3"})
    assert edit.status_code == 302
    template.refresh_from_db()
    assert template.capacity == 3 and not template.active
    assert "08:00–10:00" in text_of(staff.get(url))


def test_rdv_03_operators_are_refused_the_back_office(
    admin_a: User, booker_a: Principal, confirmed: Appointment, technician: Technician
) -> None:
    client = browser_as(admin_a)
    template = SlotTemplate.objects.first()
    for url in (
        BO,
        f"{BO}rendez-vous/{confirmed.id_rdv}/",
        f"{BO}techniciens/",
        f"{BO}techniciens/nouveau",
        f"{BO}techniciens/{technician.pk}/",
        f"{BO}creneaux/",
        f"{BO}creneaux/{template.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    tomorrow = add_business_days(timezone.localdate(), 1)
    refused = client.post(
        f"{BO}rendez-vous/{confirmed.id_rdv}/deplacer",
        {"creneau": slot_id(tomorrow), "move-reason": "x"},
    )
    assert refused.status_code == 403
    assert client.post(f"{BO}rendez-vous/{confirmed.id_rdv}/annuler").status_code == 403
    confirmed.refresh_from_db()
    assert confirmed.status == S.CONFIRMED
    assert "Planification" not in client.get("/").content.decode()
    assert Appointment.objects.count() == 1
