"""RDV-01..03 in a real browser (Playwright, Debian Chromium, axe-core): an Operator's
administrator picks an address with the autocomplete, books a slot in the week view,
confirms it, reschedules it to the next week and finds it in « Mes rendez-vous »; then a
Provider planner opens it from the load view and moves it with a reason — the Operator is
notified (email in the outbox, event recorded) and sees the move in the history. GEN-06: no
serious or critical axe result on any page; no server error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from guichet.addresses.services import refresh_index
from guichet.appointments.choices import AppointmentStatus
from guichet.appointments.models import Appointment, Technician
from guichet.core.context import Principal
from guichet.network.models import Building
from guichet.notifications.models import OutboundEmail, OutboundEvent
from tests.accounts.people_support import restore_eservice_catalogue
from tests.appointments.conftest import first_day, slot_id
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.portal import conftest as portal_fixtures

# The portal's browser fixtures: one Debian Chromium per module, a fresh French page per test.
browser = portal_fixtures.browser
page = portal_fixtures.page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Un-mot-de-passe-2026!"
S = AppointmentStatus


@pytest.fixture(autouse=True)
def _isolated_settings(settings: Any, transactional_db: None) -> None:
    """Fast hashing (the private cache, seen by the live server's thread too: conftest), and
    the e-service catalogue back (a transactional test's flush removes migration data)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    restore_eservice_catalogue()


def assert_accessible(page: Page) -> None:
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"axe-core on {page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"axe-core (undecided) on {page.url}:\n" + describe_violations(
        incomplete
    )


def menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=name
    ).click()


def test_rdv_01_02_03_operator_books_and_reschedules_then_a_planner_moves_it(
    page: Page,
    booker_a: Principal,
    admin_a: Any,
    provider_staff: Any,
    technician: Technician,
    building: Building,
) -> None:
    refresh_index(actor=Principal.system("test"))
    address = building.address
    label = str(address)
    day = first_day()
    server_errors = watch_server_errors(page)

    # --- The Operator books: address with the autocomplete, type, week view ---
    log_in(page, admin_a.username, PASSWORD)
    menu(page, "Rendez-vous")
    expect(page).to_have_url(path_is("/rendez-vous/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rendez-vous d'intervention")
    assert_accessible(page)
    box = page.get_by_role("combobox", name="Adresse")
    box.press_sequentially(f"{address.number} rue de la ga", delay=30)
    wanted = page.get_by_role("listbox", name="Adresses proposées").get_by_role(
        "option", name=label, exact=True
    )
    expect(wanted).to_be_visible()
    wanted.click()
    expect(box).to_have_value(label)
    page.get_by_label("Type d'intervention").select_option(label="Raccordement FTTH")
    page.get_by_role("button", name="Voir les créneaux libres").click()

    expect(page).to_have_url(path_is("/rendez-vous/creneaux/"))
    expect(page.locator("#place")).to_contain_text(label)
    expect(page.locator("#week-count")).to_contain_text("créneaux libres cette semaine")
    assert_accessible(page)
    first_slot = slot_id(day)
    page.locator(f"#creneau-{first_slot}").check()
    page.get_by_label("Votre référence (facultatif)").fill("CMD-PW-1")
    page.get_by_role("button", name="Réserver ce créneau").click()

    appointment = Appointment.objects.get()
    expect(page).to_have_url(path_is(f"/rendez-vous/mes-rendez-vous/{appointment.id_rdv}/"))
    expect(page.get_by_role("status").first).to_contain_text("Créneau réservé")
    expect(page.locator("#status")).to_have_text("Réservé (en attente de confirmation)")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    expect(page.locator("#status")).to_have_text("Confirmé")

    # --- Reschedule: the next week, another slot ---
    page.get_by_role("link", name="Reporter à un autre créneau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Reporter le rendez-vous {appointment.id_rdv}"
    )
    expect(page.locator(f"#creneau-{first_slot}")).to_be_disabled()  # where it is now
    assert_accessible(page)
    page.get_by_role("link", name="Semaine suivante").click()
    expect(page).to_have_url(re.compile(r"semaine="))
    choice = page.locator("#week input[name=creneau]:not([disabled])").first
    new_slot = choice.get_attribute("value") or ""
    choice.check()
    page.get_by_role("button", name="Reporter sur ce créneau").click()
    expect(page.locator("#status")).to_have_text("Reporté")
    expect(page.get_by_role("status").first).to_contain_text("reporté au")
    appointment.refresh_from_db()
    assert appointment.status == S.RESCHEDULED
    assert timezone.localtime(appointment.starts_at).strftime("%Y%m%dT%H%M") == new_slot[:13]

    # --- « Mes rendez-vous »: the list, filtered by the IdRdv ---
    page.get_by_role("link", name="Mes rendez-vous").first.click()
    expect(page.locator(f'tr[data-id="{appointment.id_rdv}"]')).to_contain_text("Reporté")
    page.get_by_label("Recherche").fill(appointment.id_rdv)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#result-count")).to_have_text("1 rendez-vous")
    assert_accessible(page)
    page.get_by_role("button", name="Se déconnecter").click()

    # --- A planner moves it from the load view; the Operator is notified ---
    log_in(page, provider_staff.username, PASSWORD)
    menu(page, "Planification")
    expect(page.get_by_role("heading", level=1)).to_have_text("Planification des interventions")
    moved_day = timezone.localtime(appointment.starts_at).date()
    page.get_by_label("Date").fill(moved_day.isoformat())
    page.get_by_role("button", name="Afficher").click()
    load = page.locator("#load")
    expect(load).to_contain_text(technician.name)
    assert_accessible(page)
    load.get_by_role("link", name=appointment.id_rdv).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rendez-vous {appointment.id_rdv}")
    assert_accessible(page)
    target = page.locator("#week input[name=creneau]:not([disabled])").first
    target_slot = target.get_attribute("value") or ""
    target.check()
    page.get_by_label("Motif du déplacement (transmis à l'opérateur)").fill("Technicien en renfort")
    page.get_by_role("button", name="Déplacer sur ce créneau").click()
    expect(page.get_by_role("status").first).to_contain_text("l'opérateur est prévenu")
    expect(page.locator("#history")).to_contain_text("Déplacement par le planificateur")
    assert_accessible(page)

    appointment.refresh_from_db()
    assert timezone.localtime(appointment.starts_at).strftime("%Y%m%dT%H%M") == target_slot[:13]
    email = OutboundEmail.objects.get(reason="appointments.moved")
    assert admin_a.email in email.recipients
    assert appointment.id_rdv in email.subject and "Technicien en renfort" in email.body
    assert OutboundEvent.objects.filter(subject=appointment.id_rdv).exists()
    assert server_errors == []
