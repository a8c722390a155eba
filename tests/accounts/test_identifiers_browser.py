"""Password initialisation from the emailed link at the highest level, then a login with
password + TOTP, in a real browser (IAM-03, IAM-04, GEN-06).

Playwright drives Debian's Chromium against a live server whose middleware includes the
identifier gates (as the lead wires them in settings); axe-core audits the pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from guichet.accounts.choices import IdentifierState, SecurityLevel
from guichet.accounts.models import User
from guichet.operators.models import Operator
from guichet.portal.demo import DEMO_PROVIDER_STAFF, load_demo
from tests.accounts.identifiers_support import (
    PASSWORD,
    activation_path,
    issue,
    sent_tasks,  # noqa: F401 (fixture)
    totp_code,
    with_gates,
)
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.portal.conftest import browser, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the e-service catalogue (migration data) survives each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("sent_tasks"),
]


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    """A live server whose middleware chain has the identifier gates, wired or not yet."""
    with override_settings(MIDDLEWARE=with_gates(settings.MIDDLEWARE)):
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            server.stop()


def _assert_accessible(page: Page) -> None:  # noqa: F811
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"{page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"{page.url}:\n" + describe_violations(incomplete)


def test_iam_04_activation_with_totp_then_login_with_second_factor(page: Page) -> None:  # noqa: F811
    load_demo()
    staff = User.objects.get(username=DEMO_PROVIDER_STAFF.login)
    person = issue(staff, Operator.objects.get(arcep_code="FGTT"), "m.giraud", first_name="Marc")
    server_errors = watch_server_errors(page)

    # The link comes from the email the outbox holds for the person.
    page.goto(activation_path(person))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir mon mot de passe")
    expect(page.locator("#identifiant")).to_have_text("m.giraud")
    recommended = page.get_by_label("Renforcé + second facteur")
    expect(recommended).to_be_checked()  # the highest level is recommended and preselected
    _assert_accessible(page)

    # A weak password is refused with the rule it breaks, linked to the field.
    page.get_by_label("Standard").check()
    page.get_by_label("Nouveau mot de passe").fill("azerty123456")
    page.get_by_label("Confirmation du mot de passe").fill("azerty123456")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.locator("#id_password1-erreurs")).to_contain_text("courants ou divulgués")
    expect(page.get_by_label("Nouveau mot de passe")).to_have_attribute("aria-invalid", "true")
    _assert_accessible(page)

    page.get_by_label("Renforcé + second facteur").check()
    page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()

    expect(page).to_have_url(re.compile(r"/compte/activation/[\w-]+/second-facteur/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer le second facteur")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(page.locator("#totp-secret")).not_to_be_empty()
    _assert_accessible(page)
    # Nothing is scanned: the code is computed from the device's key, as the app would.
    page.get_by_label("Code à 6 chiffres").fill(totp_code(person, confirmed=False))
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre identifiant est actif")
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    _assert_accessible(page)
    person.refresh_from_db()
    assert person.state == IdentifierState.ACTIVE
    assert person.security_level == SecurityLevel.STRONG_2FA

    page.get_by_role("link", name="Se connecter").click()
    log_in(page, "m.giraud", PASSWORD)
    expect(page).to_have_url(re.compile(r"/connexion/second-facteur/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    _assert_accessible(page)
    # The enrolment spent the current time step: the app's next code is accepted.
    page.get_by_label("Code d'authentification").fill(totp_code(person, drift=1, confirmed=True))
    page.get_by_role("button", name="Valider").click()

    expect(page).to_have_url(path_is("/tableau-de-bord/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    assert server_errors == []
