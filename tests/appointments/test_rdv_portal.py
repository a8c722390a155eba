"""e-RDV in the operator portal (``/rendez-vous/``): search a place, the week of free slots,
hold then confirm, « Mes rendez-vous » (filters, sort, CSV), detail with history, reschedule
and cancel; refusals with their codes; another operator's appointment is a 404."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guichet.accounts.models import User
from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import services
from guichet.appointments.choices import AppointmentStatus
from guichet.appointments.models import Appointment, SlotTemplate, Technician
from guichet.core.context import Principal
from tests.accounts.people_support import give_profile
from tests.appointments.conftest import (
    CONNECTION,
    business_day_after,
    first_day,
    hold_ftth,
    slot_id,
    subscribe,
)

pytestmark = pytest.mark.django_db
S = AppointmentStatus
LIST = "/rendez-vous/mes-rendez-vous/"


def browser_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text_of(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


@pytest.fixture
def client_a(booker_a: Principal, admin_a: User, technician: Technician) -> Client:
    return browser_as(admin_a)


@pytest.fixture
def client_b(booker_b: Principal, admin_b: User) -> Client:
    return browser_as(admin_b)


def book(actor: Principal, place: PlaceQuery, sid: str | None = None, **extra: Any) -> Appointment:
    return services.reserve(
        actor=actor,
        query=place,
        intervention_type=CONNECTION,
        slot_id=sid or slot_id(first_day()),
        **extra,
    )


# --- Search and week view ---------------------------------------------------------------------


def test_rdv_01_portal_menu_and_search_page(client_a: Client) -> None:
    page = client_a.get("/rendez-vous/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a href="/rendez-vous/" aria-current="page">Rendez-vous</a>' in html
    # The one address box of the eligibility and TAO pages, with the intervention type.
    assert 'data-suggest-url="/adresses/suggestions"' in html and 'role="search"' in html
    assert 'name="type"' in html and "Raccordement FTTH" in html
    assert "Aucun rendez-vous à venir." in text_of(page)


def test_rdv_01_portal_search_redirects_to_the_week_of_free_slots(
    client_a: Client, pto: str
) -> None:
    response = client_a.post("/rendez-vous/", {"pto": pto, "type": CONNECTION})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/rendez-vous/creneaux/?") and f"pto={pto}" in location
    page = client_a.get(location)
    assert page.status_code == 200
    text = text_of(page)
    day = first_day()
    assert "Semaine du" in text and "créneaux libres cette semaine" in text
    assert f'value="{slot_id(day)}"' in page.content.decode()
    assert "Réserver ce créneau" in text
    # Next week is one link away; the week before the first bookable day is not offered.
    nxt = client_a.get(location + f"&semaine={(day + timedelta(days=7)).isoformat()}")
    assert nxt.status_code == 200
    assert f'value="{slot_id(business_day_after(day + timedelta(days=7)))}"' in (
        nxt.content.decode()
    ) or "Aucun créneau libre" in text_of(nxt)


def test_rdv_01_portal_unknown_place_is_refused_in_french(client_a: Client) -> None:
    page = client_a.post(
        "/rendez-vous/", {"q": "999 chemin des nuages Ailleurs", "type": CONNECTION}
    )
    assert page.status_code == 422
    text = text_of(page)
    assert "Lieu inconnu" in text and "RDV-006" in text
    bad = client_a.post("/rendez-vous/", {"pto": "?", "type": CONNECTION})
    assert bad.status_code == 400 and "<code>" in bad.content.decode()


def test_rdv_01_portal_refusals_without_subscription_or_ftth_contract(
    admin_a: User, technician: Technician
) -> None:
    client = browser_as(admin_a)
    page = client.get("/rendez-vous/")
    assert page.status_code == 403
    assert "RDV-001" in text_of(page) and "souscription" in text_of(page)
    assert ">Rendez-vous</a>" not in page.content.decode()  # no menu entry
    subscribe(admin_a.operator)
    give_profile(admin_a, "RDV", ["e-rdv:read", "e-rdv:book"])
    page = client.get("/rendez-vous/")
    assert page.status_code == 403 and "RDV-002" in text_of(page)
    assert client.get(LIST).status_code == 403
    assert client.get(LIST + "export.csv").status_code == 403
    hold_ftth(admin_a.operator)
    assert client.get("/rendez-vous/").status_code == 200


def test_rdv_01_portal_is_for_operators_only(provider_staff: User) -> None:
    client = browser_as(provider_staff)
    assert client.get("/rendez-vous/").status_code == 403
    anonymous = Client().get("/rendez-vous/")
    assert anonymous.status_code == 302 and "/connexion/" in anonymous["Location"]


# --- Booking ----------------------------------------------------------------------------------


def test_rdv_02_portal_hold_then_confirm(client_a: Client, pto: str) -> None:
    sid = slot_id(first_day())
    response = client_a.post(
        "/rendez-vous/reserver",
        {"pto": pto, "type": CONNECTION, "creneau": sid, "external_id": "CMD-42"},
    )
    assert response.status_code == 302, text_of(response)[-800:]
    appointment = Appointment.objects.get()
    assert appointment.status == S.HELD and appointment.external_id == "CMD-42"
    assert appointment.channel == "portal"
    assert response["Location"] == f"{LIST}{appointment.id_rdv}/"
    page = client_a.get(response["Location"])
    text = text_of(page)
    assert "Créneau réservé : rendez-vous" in text and "Confirmez-le avant" in text
    assert "Réservé (en attente de confirmation)" in text and "Confirmer le rendez-vous" in text
    response = client_a.post(
        f"{LIST}{appointment.id_rdv}/confirmer", {"order_reference": "ACC-2026-1"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == S.CONFIRMED and appointment.order_reference == "ACC-2026-1"
    text = text_of(client_a.get(response["Location"]))
    assert f"Rendez-vous {appointment.id_rdv} confirmé." in text
    assert "Réservation" in text and "Confirmation" in text  # history


def test_rdv_02_portal_slot_taken_meanwhile_says_so(
    client_a: Client, booker_b: Principal, place: PlaceQuery, pto: str, planner: Principal
) -> None:
    services.update_technician(actor=planner, technician=Technician.objects.get(), daily_capacity=1)
    sid = slot_id(first_day())
    book(booker_b, place, sid)  # the last place of the day goes to operator B
    page = client_a.post("/rendez-vous/reserver", {"pto": pto, "type": CONNECTION, "creneau": sid})
    assert page.status_code == 409
    text = text_of(page)
    assert "Ce créneau n'est plus disponible." in text and "RDV-003" in text
    assert "Semaine du" in text  # the week again, to pick another one
    assert Appointment.objects.filter(operator=client_a_operator(page)).count() == 0


def client_a_operator(page: Any) -> Any:
    return page.wsgi_request.user.operator


def test_rdv_02_portal_read_only_person_sees_but_cannot_book(
    booker_a: Principal, reader_a: User, technician: Technician, pto: str
) -> None:
    give_profile(reader_a, "RDV lecture", ["e-rdv:read"])
    client = browser_as(reader_a)
    response = client.post("/rendez-vous/", {"pto": pto, "type": CONNECTION})
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Réserver ce créneau" not in text_of(page)
    refused = client.post(
        "/rendez-vous/reserver", {"pto": pto, "type": CONNECTION, "creneau": slot_id(first_day())}
    )
    assert refused.status_code == 403
    assert not Appointment.objects.exists()


def test_rdv_02_portal_reschedule_in_the_week_view(
    client_a: Client, booker_a: Principal, place: PlaceQuery
) -> None:
    day = first_day()
    appointment = services.confirm(actor=booker_a, id_rdv=book(booker_a, place).id_rdv)
    url = f"{LIST}{appointment.id_rdv}/reporter"
    page = client_a.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{slot_id(day)}" disabled' in html  # the current slot, not selectable
    assert "créneau actuel" in text_of(page)
    # Same slot: refused with its code, nothing changes.
    same = client_a.post(url, {"creneau": slot_id(day)})
    assert same.status_code == 409 and "RDV-013" in text_of(same)
    target = slot_id(day, *services_window(2))
    response = client_a.post(url, {"creneau": target})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == S.RESCHEDULED
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") == "13:30"
    assert "reporté au" in text_of(client_a.get(response["Location"]))


def services_window(index: int) -> tuple[Any, Any]:
    template = SlotTemplate.objects.order_by("starts_at")[index]
    return template.starts_at, template.ends_at


def test_rdv_02_portal_cancel_with_reason(
    client_a: Client, booker_a: Principal, place: PlaceQuery
) -> None:
    appointment = book(booker_a, place)
    response = client_a.post(
        f"{LIST}{appointment.id_rdv}/annuler", {"reason": "Client injoignable"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == S.CANCELLED and appointment.end_reason == "Client injoignable"
    page = client_a.get(response["Location"])
    text = text_of(page)
    assert "annulé : le créneau est libéré" in text and "Client injoignable" in text
    assert "Annuler le rendez-vous" not in text  # no action left
    again = client_a.post(f"{LIST}{appointment.id_rdv}/annuler", {"reason": "x"})
    assert again.status_code == 409 and "RDV-004" in text_of(again)


# --- Mes rendez-vous --------------------------------------------------------------------------


@pytest.fixture
def three(booker_a: Principal, place: PlaceQuery, technician: Technician) -> list[Appointment]:
    day = first_day()
    later = business_day_after(day + timedelta(days=1))
    a1 = book(booker_a, place, slot_id(day), external_id="CMD-1")
    a2 = services.confirm(actor=booker_a, id_rdv=book(booker_a, place, slot_id(later)).id_rdv)
    a3 = book(booker_a, place, slot_id(day, *services_window(1)))
    services.cancel(actor=booker_a, id_rdv=a3.id_rdv, reason="Doublon")
    return [a1, a2, a3]


def test_rdv_02_my_appointments_filters_sort_and_pages(
    client_a: Client, three: list[Appointment], pto: str
) -> None:
    page = client_a.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<tr data-id="') == 3
    assert "3 rendez-vous" in text_of(page)
    assert 'aria-sort="ascending"' in html  # by date by default
    held = client_a.get(LIST, {"statut": S.HELD}).content.decode()
    assert f'data-id="{three[0].id_rdv}"' in held and held.count('<tr data-id="') == 1
    by_id = client_a.get(LIST, {"q": three[1].id_rdv.lower()}).content.decode()
    assert by_id.count('<tr data-id="') == 1 and three[1].id_rdv in by_id
    by_pto = client_a.get(LIST, {"q": pto}).content.decode()
    assert by_pto.count('<tr data-id="') == 3
    by_address = client_a.get(LIST, {"q": "gare niort"}).content.decode()
    assert by_address.count('<tr data-id="') == 3
    none = client_a.get(LIST, {"q": "rue inexistante"})
    assert "Aucun rendez-vous ne correspond à ces filtres." in text_of(none)
    later = three[1].starts_at.date()
    dated = client_a.get(LIST, {"du": later.isoformat(), "au": later.isoformat()})
    assert dated.content.decode().count('<tr data-id="') == 1
    descending = client_a.get(LIST, {"tri": "-date"}).content.decode()
    assert descending.index(three[1].id_rdv) < descending.index(three[0].id_rdv)
    assert 'aria-sort="descending"' in descending
    assert client_a.get(LIST, {"tri": "n'importe quoi"}).status_code == 200


def test_rdv_02_my_appointments_csv_export(client_a: Client, three: list[Appointment]) -> None:
    response = client_a.get(LIST + "export.csv", {"statut": S.CANCELLED})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8")
    lines = content.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("IdRdv;Statut;Type d'intervention;Début;Fin;Adresse")
    assert len(lines) == 2 and three[2].id_rdv in lines[1] and "Annulé" in lines[1]
    assert "Doublon" in lines[1]


def test_rdv_02_another_operators_appointment_is_a_404(
    client_a: Client, client_b: Client, three: list[Appointment]
) -> None:
    id_rdv = three[0].id_rdv
    assert client_a.get(f"{LIST}{id_rdv}/").status_code == 200
    assert client_b.get(f"{LIST}{id_rdv}/").status_code == 404
    assert client_b.get(f"{LIST}{id_rdv}/reporter").status_code == 404
    assert client_b.post(f"{LIST}{id_rdv}/confirmer").status_code == 404
    assert client_b.post(f"{LIST}{id_rdv}/annuler", {"reason": "x"}).status_code == 404
    assert Appointment.objects.get(id_rdv=id_rdv).status == S.HELD
    listed = client_b.get(LIST).content.decode()
    assert id_rdv not in listed and "aucun rendez-vous" in text_of(client_b.get(LIST))
    export = b"".join(client_b.get(LIST + "export.csv").streaming_content).decode()
    assert id_rdv not in export
