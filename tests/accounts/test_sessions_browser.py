"""In a real browser (IAM-11): an idle session locks and the re-login brings the person back
to its page; a locked identifier is unlocked by its holder from the emailed link; the
administrator reads the login history. axe-core audits each page on the way."""

from __future__ import annotations

import re
import time
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from guichet.accounts import sessions
from guichet.accounts.models import User
from guichet.operators.models import Operator
from tests.accounts.identifiers_support import emails_to, sent_tasks  # noqa: F401 (fixture)
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.factories import make_person
from tests.portal.conftest import browser, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("sent_tasks"),
]

PASSWORD = "Un-mot-de-passe-2026!"
UNLOCK_LINK = re.compile(r"https?://[^/\s]+(/connexion/deblocage/[A-Za-z0-9_-]+/)")


def assert_accessible(page: Page) -> None:  # noqa: F811
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"{page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"{page.url}:\n" + describe_violations(incomplete)


def leave_idle(page: Page, seconds: float) -> None:  # noqa: F811
    """As if the person had not touched the portal for ``seconds``."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    store[sessions.LAST_SEEN] = time.time() - seconds
    store.save()


def test_iam_11_idle_lock_then_relogin_on_the_same_page(
    page: Page,  # noqa: F811
    admin_a: User,
) -> None:
    server_errors = watch_server_errors(page)
    log_in(page, "admin.a", PASSWORD)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Personnes"
    ).click()
    expect(page).to_have_url(path_is("/administration/personnes/"))

    leave_idle(page, 16 * 60)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Profils"
    ).click()
    expect(page).to_have_url(path_is("/connexion/"))
    expect(page.locator("#session-resume")).to_contain_text(
        "Votre session a été verrouillée après 15 minutes d'inactivité."
    )
    expect(page.get_by_label("Identifiant")).to_have_value("admin.a")
    assert_accessible(page)

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(path_is("/administration/profils/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Profils")
    assert server_errors == []


def test_iam_11_lockout_then_unlock_from_the_emailed_link(
    page: Page,  # noqa: F811
    admin_a: User,
    operator_a: Operator,
) -> None:
    server_errors = watch_server_errors(page)
    member = make_person("membre.a", operator_a)
    for _ in range(5):
        log_in(page, "membre.a", "pas-le-bon-mot-de-passe")
    expect(page.get_by_role("heading", level=1)).to_have_text("Identifiant bloqué")
    expect(page.get_by_role("alert")).to_contain_text("IAM-062")
    assert_accessible(page)

    page.get_by_role("button", name="Recevoir un lien de déblocage par courriel").click()
    expect(page.get_by_role("status")).to_contain_text("un lien de déblocage vient d'être envoyé")
    (email,) = emails_to(member.email, "iam.identifier.unlock_link")
    page.goto(UNLOCK_LINK.search(email.body).group(1))  # type: ignore[union-attr]
    assert_accessible(page)
    page.get_by_role("button", name="Débloquer mon identifiant").click()
    expect(page.get_by_role("status")).to_contain_text("Identifiant membre.a débloqué")

    log_in(page, "membre.a", PASSWORD)
    expect(page).to_have_url(path_is("/tableau-de-bord/"))
    page.get_by_role("link", name="Ma sécurité").click()
    page.get_by_role("link", name="Mes connexions").click()
    history = page.locator("#login-history")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Connexion réussie")
    expect(history).to_contain_text("Identifiant débloqué")
    expect(history).to_contain_text("Connexion refusée : identifiant bloqué")
    assert_accessible(page)
    assert server_errors == []
