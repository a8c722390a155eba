"""Security operations in a real browser (Playwright, Debian Chromium, axe-core).

SEC-08: the Provider's staff suspend an operator while its administrator's browser is
open; the administrator's next click is refused with « Accès suspendu ». GEN-06: the
journal viewer (SEC-04) and the security pages pass axe-core (no serious/critical).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.operators.models import Operator
from guichet.portal.demo import DEMO_OPERATOR_ADMINS, DEMO_PROVIDER_STAFF, load_demo
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.portal.conftest import browser, page  # noqa: F401  (fixtures)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FGTT = DEMO_OPERATOR_ADMINS["FGTT"]
STAFF = DEMO_PROVIDER_STAFF
SUSPENDED = "Accès suspendu"


@pytest.fixture
def staff_page(browser: Browser, live_server: Any) -> Iterator[Page]:  # noqa: F811
    """A second browser, the Provider's staff's, beside the operator's ``page``."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(5_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def session_messages(settings: Any) -> None:
    """The notice left in an ended session shows on the login page (see test_suspension)."""
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"


def assert_accessible(page: Page) -> None:  # noqa: F811
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"axe-core on {page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"axe-core (undecided) on {page.url}:\n" + describe_violations(
        incomplete
    )


def test_sec_08_suspension_refuses_the_open_session_on_its_next_click(
    page: Page,  # noqa: F811
    staff_page: Page,
    session_messages: None,
) -> None:
    load_demo(network=False)
    operator_errors = watch_server_errors(page)
    staff_errors = watch_server_errors(staff_page)

    # The operator's administrator is at work.
    log_in(page, FGTT.login, FGTT.password)
    expect(page).to_have_url(path_is("/tableau-de-bord/"))

    # The Provider's staff find the operator and suspend it, with a reason.
    log_in(staff_page, STAFF.login, STAFF.password)
    staff_page.goto("/back-office/operateurs/")
    staff_page.get_by_label("Raison sociale, code ARCEP ou SIREN").fill("FGTT")
    staff_page.get_by_role("button", name="Rechercher").click()
    staff_page.get_by_role("link", name="Fibre Gâtine Télécom").click()
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Fibre Gâtine Télécom (FGTT)")
    # Without a reason, the suspension is refused with its code.
    staff_page.get_by_role("button", name="Suspendre l'accès").click()
    expect(staff_page.locator(".field-error")).to_contain_text("SEC-041")
    staff_page.get_by_label("Motif de la suspension (obligatoire)").fill(
        "Intrusion détectée depuis un poste de l'opérateur"
    )
    staff_page.get_by_role("button", name="Suspendre l'accès").click()
    expect(staff_page.locator("#access-state")).to_contain_text(SUSPENDED)
    expect(staff_page.get_by_role("status")).to_contain_text("suspendu")
    history = staff_page.get_by_role("region", name="Historique des suspensions")
    expect(history).to_contain_text("Intrusion détectée depuis un poste de l'opérateur")
    assert_accessible(staff_page)

    # The administrator's next click is refused, with the clear answer.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Tableau de bord"
    ).click()
    expect(page).to_have_url(path_is("/connexion/"))
    expect(page.get_by_role("main")).to_contain_text(SUSPENDED)
    expect(page.get_by_role("main")).to_contain_text("SEC-008")
    # Signing in again is refused too.
    log_in(page, FGTT.login, FGTT.password)
    expect(page.locator("#login-errors")).to_contain_text(SUSPENDED)

    # Lifting restores access.
    staff_page.get_by_label("Note de levée (obligatoire)").fill(
        "Poste réinstallé, mots de passe changés"
    )
    staff_page.get_by_role("button", name="Lever la suspension").click()
    expect(staff_page.locator("#access-state")).to_contain_text("Accès actif")
    log_in(page, FGTT.login, FGTT.password)
    expect(page).to_have_url(path_is("/tableau-de-bord/"))

    assert AuditRecord.objects.filter(action="operators.operator.suspend").count() == 1
    assert AuditRecord.objects.filter(action="operators.operator.lift_suspension").count() == 1
    assert not Operator.objects.get(arcep_code="FGTT").is_suspended
    assert verify()[1] == []
    assert operator_errors == [] and staff_errors == []


def test_gen_06_journal_viewer_has_no_serious_accessibility_violation(
    page: Page,  # noqa: F811
) -> None:
    load_demo(network=False)
    server_errors = watch_server_errors(page)
    log_in(page, STAFF.login, STAFF.password)
    page.goto("/back-office/journal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    expect(page.locator("#result-count")).to_contain_text("entrées")
    assert_accessible(page)
    # Filtered, with an error on a field, then one entry's detail.
    page.get_by_label("Action").fill("accounts.login")
    page.get_by_label("Adresse IP").fill("pas-une-adresse")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Adresse IP").fill("")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("table").get_by_role("link", name="accounts.login.success").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("du journal")
    assert_accessible(page)
    assert server_errors == []


def test_gen_06_security_pages_have_no_serious_accessibility_violation(
    page: Page,  # noqa: F811
) -> None:
    load_demo(network=False)
    server_errors = watch_server_errors(page)
    log_in(page, FGTT.login, FGTT.password)
    for path in ("/administration/journal/", "/securite/incidents/nouveau", "/securite/contact/"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/securite/incidents/nouveau")
    page.get_by_label("Objet").fill("Hameçonnage visant nos agents")
    page.get_by_label("Gravité").select_option("medium")
    page.get_by_label("Description").fill("Courriels imitant le portail reçus ce matin.")
    page.get_by_role("button", name="Déclarer l'incident").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hameçonnage visant nos agents")
    assert_accessible(page)
    page.goto("/securite/incidents/")
    assert_accessible(page)
    assert server_errors == []
