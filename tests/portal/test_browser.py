"""The portal in a real browser: login, dashboard, back-office, language, accessibility.

Playwright (sync API) drives Debian's Chromium against pytest-django's live server; the
demo data (``load_demo``) is created inside each test, in a transactional database.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from guichet.audit.models import AuditRecord
from guichet.portal.demo import DEMO_OPERATOR_ADMINS, DEMO_PROVIDER_STAFF, load_demo
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_TITLE = "Connexion à l'Espace Opérateurs"
FGTT = DEMO_OPERATOR_ADMINS["FGTT"]


def test_operator_admin_logs_in_and_sees_dashboard(page: Page) -> None:
    load_demo()
    server_errors = watch_server_errors(page)

    page.goto("/")
    expect(page).to_have_url(path_is("/connexion/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LOGIN_TITLE)

    page.get_by_label("Identifiant").fill(FGTT.login)
    page.get_by_label("Mot de passe").fill(FGTT.password)
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(path_is("/tableau-de-bord/"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Tableau de bord")
    expect(heading).to_contain_text("Fibre Gâtine Télécom")
    header = page.get_by_role("banner")
    expect(header.locator(".who-person")).to_have_text("Claire Martineau")
    expect(header.locator(".who-operator")).to_have_text("Fibre Gâtine Télécom (FGTT)")
    services = page.get_by_role("region", name="Vos e-services")
    expect(services).to_contain_text("n'a souscrit à aucun e-service pour le moment")
    expect(services.get_by_role("table")).to_have_count(0)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(path_is("/connexion/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LOGIN_TITLE)
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    # Really logged out: the dashboard sends back to the login page.
    page.goto("/tableau-de-bord/")
    expect(page).to_have_url(path_is("/connexion/"))
    assert server_errors == []


def test_provider_staff_logs_in_and_sees_backoffice(page: Page) -> None:
    load_demo()
    server_errors = watch_server_errors(page)

    log_in(page, DEMO_PROVIDER_STAFF.login, DEMO_PROVIDER_STAFF.password)

    expect(page).to_have_url(path_is("/back-office/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Back-office du Fournisseur")
    expect(page.locator("#operator-count")).to_have_text("2")
    expect(page.get_by_role("banner").locator(".who-person")).to_have_text("Sophie Bernard")
    journal = page.get_by_role("region", name="Dernières entrées du journal d'audit")
    login_row = journal.get_by_role("row").filter(has_text="accounts.login.success")
    expect(login_row).to_have_count(1)
    expect(login_row).to_contain_text(DEMO_PROVIDER_STAFF.login)
    expect(login_row).to_contain_text("accounts.login.success")
    assert AuditRecord.objects.filter(
        action="accounts.login.success", person_login=DEMO_PROVIDER_STAFF.login
    ).exists()
    assert server_errors == []


def test_wrong_password_shows_french_error(page: Page) -> None:
    load_demo()
    server_errors = watch_server_errors(page)

    log_in(page, FGTT.login, "pas-le-bon-mot-de-passe")

    expect(page).to_have_url(path_is("/connexion/"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Identifiant ou mot de passe incorrect.")
    expect(page.get_by_role("heading", level=1)).to_have_text(LOGIN_TITLE)
    # The identifier is kept, the password is not echoed back.
    expect(page.get_by_label("Identifiant")).to_have_value(FGTT.login)
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    assert server_errors == []


def test_language_switch_to_english(page: Page) -> None:
    server_errors = watch_server_errors(page)
    page.goto("/connexion/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # Each language is offered under its own name, marked with its own language.
    english = page.locator("#language-select option[value=en]")
    expect(english).to_have_text("English")
    expect(english).to_have_attribute("lang", "en")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()

    expect(page).to_have_url(path_is("/connexion/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    # Whatever the state of the English catalogue, the page shows what Django's own
    # translation gives (the French text itself while it is not translated yet).
    with translation.override("en"):
        english_title = translation.gettext(LOGIN_TITLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(english_title)
    assert server_errors == []


FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), "
    "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])"
)


def _check_skip_link_from_first_tab(page: Page) -> None:
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    # Focus moves synchronously with the key press: no need to wait long.
    expect(focused).to_have_text("Aller au contenu", timeout=1_000)
    expect(focused).to_be_visible()  # off-screen until it gets the focus
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("contenu")


def test_skip_link_is_first_tab_stop_and_moves_focus_to_content(page: Page) -> None:
    load_demo()
    # Login page: the skip link comes first in the tab order (document order, no
    # positive tabindex) and, once focused, takes the focus to the content.
    page.goto("/connexion/")
    first = page.evaluate(
        """(selector) => {
            if (document.querySelector("[tabindex]:not([tabindex='-1']):not([tabindex='0'])"))
                return "positive tabindex";
            return document.querySelector(selector).textContent.trim();
        }""",
        FOCUSABLE,
    )
    assert first == "Aller au contenu"
    page.get_by_role("link", name="Aller au contenu").focus()
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("contenu")
    # The next Tab goes on inside the content (the form), past the header's tools.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Identifiant")).to_be_focused()

    # A page without autofocus: the very first Tab reaches the skip link.
    log_in(page, FGTT.login, FGTT.password)
    expect(page).to_have_url(path_is("/tableau-de-bord/"))
    _check_skip_link_from_first_tab(page)


def test_skip_link_is_first_tab_stop_on_freshly_loaded_login_page(page: Page) -> None:
    page.goto("/connexion/")
    _check_skip_link_from_first_tab(page)


def _assert_no_blocking_violations(page: Page) -> None:
    violations, incomplete = blocking_axe_results(page)
    assert not violations, (
        f"axe-core found serious/critical violations on {page.url}:\n"
        + describe_violations(violations)
    )
    assert not incomplete, (
        f"axe-core could not clear these serious/critical checks on {page.url}:\n"
        + describe_violations(incomplete)
    )


def test_gen_06_login_page_has_no_serious_accessibility_violation(page: Page) -> None:
    page.goto("/connexion/")
    _assert_no_blocking_violations(page)
    # The error state of the form too.
    log_in(page, "inconnu", "mauvais-mot-de-passe")
    expect(page.get_by_role("alert")).to_be_visible()
    _assert_no_blocking_violations(page)


def test_gen_06_operator_dashboard_has_no_serious_accessibility_violation(page: Page) -> None:
    load_demo()
    log_in(page, FGTT.login, FGTT.password)
    expect(page).to_have_url(path_is("/tableau-de-bord/"))
    _assert_no_blocking_violations(page)


def test_gen_06_backoffice_has_no_serious_accessibility_violation(page: Page) -> None:
    load_demo()
    log_in(page, DEMO_PROVIDER_STAFF.login, DEMO_PROVIDER_STAFF.password)
    expect(page).to_have_url(path_is("/back-office/"))
    expect(page.get_by_role("table")).to_be_visible()
    _assert_no_blocking_violations(page)
