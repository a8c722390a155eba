"""An operator admin manages its people and profiles in a real browser (IAM-07, IAM-10, GEN-06).

Playwright drives Debian's Chromium against the live server; axe-core audits the list and
form pages (no serious or critical violation).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from guichet.accounts.models import User
from guichet.accounts.services.profiles import ensure_profile_templates
from guichet.audit.models import AuditRecord
from guichet.operators.models import Operator
from guichet.portal.demo import DEMO_OPERATOR_ADMINS, load_demo
from tests.accounts.people_support import (
    restore_eservice_catalogue,
    subscribe,
)
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.portal import conftest as portal_fixtures

# The portal's browser fixtures (one Chromium per module, a fresh French page per test).
browser = portal_fixtures.browser
page = portal_fixtures.page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FGTT = DEMO_OPERATOR_ADMINS["FGTT"]
PENDING = "Émis, mot de passe à définir"


def _assert_accessible(page: Page) -> None:
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"{page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"{page.url}:\n" + describe_violations(incomplete)


def _open_people(page: Page) -> None:
    """« Personnes » from the main navigation once the lead adds the link, else by its URL."""
    link = page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Personnes"
    )
    if link.count():
        link.click()
    else:
        page.goto("/administration/personnes/")
    expect(page).to_have_url(path_is("/administration/personnes/"))


def test_iam_07_operator_admin_manages_people_and_profiles(page: Page) -> None:
    load_demo()
    ensure_profile_templates()
    restore_eservice_catalogue()  # flushed by earlier transactional tests
    subscribe(Operator.objects.get(arcep_code="FGTT"), "e-rdv", "e-sav")
    server_errors = watch_server_errors(page)

    log_in(page, FGTT.login, FGTT.password)
    expect(page).to_have_url(path_is("/tableau-de-bord/"))
    _open_people(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personnes habilitées")
    expect(page.locator("#identifier-count")).to_contain_text("1 / 100 identifiants")
    _assert_accessible(page)

    # Designate a person with the « Commandes » template.
    page.get_by_role("link", name="Désigner une personne").click()
    expect(page).to_have_url(path_is("/administration/personnes/nouvelle/"))
    _assert_accessible(page)
    page.get_by_label("Identifiant", exact=True).fill("lea.fontaine")
    page.get_by_label("Courriel").fill("lea.fontaine@fibre-gatine.example")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Nom", exact=True).fill("Fontaine")
    page.get_by_label("Rôle").select_option("member")
    page.get_by_label("Commandes (modèle du Fournisseur)").check()
    page.get_by_role("button", name="Émettre l'identifiant").click()

    expect(page.get_by_role("status")).to_contain_text("Identifiant lea.fontaine émis")
    expect(page.locator("#person-state")).to_have_text(PENDING)
    expect(page.locator("#person-profiles")).to_contain_text("Commandes")
    expect(page.locator("#effective-rights")).to_contain_text("e-rdv:book")
    _assert_accessible(page)

    # Listed with its state.
    page.get_by_role("link", name="Retour à la liste des personnes").click()
    row = page.get_by_role("row").filter(has_text="lea.fontaine")
    expect(row).to_contain_text("Léa Fontaine")
    expect(row).to_contain_text(PENDING)
    expect(row).to_contain_text("Commandes")
    expect(page.locator("#identifier-count")).to_contain_text("2 / 100 identifiants")

    # Change its profiles: SAV instead of Commandes.
    row.get_by_role("link", name="lea.fontaine").click()
    page.get_by_role("link", name="Modifier la fiche et les profils").click()
    _assert_accessible(page)
    page.get_by_label("Commandes (modèle du Fournisseur)").uncheck()
    page.get_by_label("SAV (modèle du Fournisseur)").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Fiche de lea.fontaine enregistrée.")
    expect(page.locator("#person-profiles")).to_contain_text("SAV")
    expect(page.locator("#person-profiles")).not_to_contain_text("Commandes")
    expect(page.locator("#effective-rights")).to_contain_text("e-sav:test")
    expect(page.locator("#effective-rights")).not_to_contain_text("e-rdv:book")

    person = User.objects.get(username="lea.fontaine")
    assert [p.name for p in person.profiles.all()] == ["SAV"]
    entry = AuditRecord.objects.filter(action="accounts.person.profiles").latest("id")
    assert entry.person_login == FGTT.login and entry.channel == "portal"
    assert server_errors == []


def test_gen_06_profile_pages_have_no_serious_accessibility_violation(page: Page) -> None:
    load_demo()
    ensure_profile_templates()
    restore_eservice_catalogue()  # flushed by earlier transactional tests
    subscribe(Operator.objects.get(arcep_code="FGTT"), "e-rdv")
    server_errors = watch_server_errors(page)
    log_in(page, FGTT.login, FGTT.password)

    page.goto("/administration/profils/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Profils")
    _assert_accessible(page)
    page.get_by_role("link", name="Nouveau profil").click()
    _assert_accessible(page)
    page.get_by_label("Nom du profil").fill("Planification")
    page.get_by_label("Réserver, modifier ou annuler un rendez-vous").check()
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.get_by_role("status")).to_contain_text("Profil « Planification » créé.")
    # The error state of the form: a name already taken.
    page.get_by_role("link", name="Nouveau profil").click()
    page.get_by_label("Nom du profil").fill("planification")
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.get_by_role("alert")).to_contain_text("IAM-042")
    _assert_accessible(page)
    assert server_errors == []
