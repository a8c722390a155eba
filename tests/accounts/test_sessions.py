"""Sessions and logins (IAM-11): inactivity lock with a re-login that keeps the page, absolute
lifetime, failed-login lockout with its unlock paths, login history for the person and its
administrator."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html import unescape
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.test import Client
from rest_framework.test import APIClient

from guichet.accounts import sessions
from guichet.accounts.models import OneTimeLink, User
from guichet.audit.models import AuditRecord
from guichet.notifications import services as notification_services
from guichet.operators.models import Operator
from tests.accounts.identifiers_support import emails_to
from tests.api_checks import assert_tmf_error
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-2026!"
UNLOCK_LINK = re.compile(r"https?://[^/\s]+(/connexion/deblocage/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def sent_tasks() -> Iterator[mock.MagicMock]:
    """The outbox's delivery tasks are caught (no worker here); the emails stay readable."""
    with mock.patch.object(notification_services.current_app, "send_task") as send_task:
        yield send_task


def logged_in(user: User, **client_options: Any) -> Client:
    client = Client(**client_options)
    response = client.post("/connexion/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def age_session(client: Client, *, idle: float = 0, started: float = 0) -> None:
    """Move the session's clock back: ``idle`` seconds since last seen, ``started`` since login."""
    session = client.session
    now = time.time()
    if idle:
        session[sessions.LAST_SEEN] = now - idle
    if started:
        session[sessions.STARTED] = now - started
    session.save()


def fail_logins(client: Client, login: str, times: int) -> Any:
    response = None
    for _ in range(times):
        response = client.post("/connexion/", {"username": login, "password": "pas-le-bon"})
    return response


# -- inactivity lock and absolute lifetime -----------------------------------------------


def test_iam_11_idle_session_locks_and_the_relogin_returns_to_the_page(admin_a: User) -> None:
    client = logged_in(admin_a)
    assert client.get("/administration/personnes/").status_code == 200
    age_session(client, idle=16 * 60)

    locked = client.get("/administration/personnes/?q=agent")
    assert locked.status_code == 302
    assert locked["Location"] == "/connexion/?next=%2Fadministration%2Fpersonnes%2F%3Fq%3Dagent"
    page = client.get(locked["Location"]).content.decode()
    assert "Votre session a été verrouillée après 15 minutes d'inactivité." in page
    assert 'value="admin.a"' in page  # the login is filled in
    # The session really ended: nothing is served until the password is given again.
    assert client.get("/administration/personnes/").status_code == 302

    again = client.post(
        "/connexion/",
        {"username": "admin.a", "password": PASSWORD, "next": "/administration/personnes/?q=agent"},
    )
    assert again.status_code == 302 and again["Location"] == "/administration/personnes/?q=agent"
    assert client.get(again["Location"]).status_code == 200
    locked_record = AuditRecord.objects.get(action="accounts.session.locked")
    assert locked_record.person_id == admin_a.pk
    assert locked_record.operator_id == admin_a.operator_id


def test_iam_11_activity_keeps_the_session_open(admin_a: User) -> None:
    client = logged_in(admin_a)
    age_session(client, idle=14 * 60)
    assert client.get("/administration/personnes/").status_code == 200
    # That request counted as activity: 14 more minutes are fine again.
    age_session(client, idle=14 * 60)
    assert client.get("/administration/personnes/").status_code == 200
    assert not AuditRecord.objects.filter(action__startswith="accounts.session.").exists()


def test_iam_11_inactivity_delay_is_configurable(admin_a: User, settings: LazySettings) -> None:
    settings.GUICHET_SESSION_IDLE_MINUTES = 5
    client = logged_in(admin_a)
    age_session(client, idle=6 * 60)
    response = client.get("/tableau-de-bord/", follow=True)
    assert "verrouillée après 5 minutes d'inactivité" in response.content.decode()


def test_iam_11_session_has_an_absolute_lifetime(admin_a: User, settings: LazySettings) -> None:
    client = logged_in(admin_a)
    age_session(client, started=settings.SESSION_COOKIE_AGE + 60)  # busy, but too old
    response = client.get("/tableau-de-bord/", follow=True)
    assert "Votre session a atteint sa durée maximale de 8 heures." in response.content.decode()
    assert AuditRecord.objects.filter(
        action="accounts.session.expired", person_id=admin_a.pk
    ).exists()


def test_iam_11_a_form_sent_after_the_lock_brings_back_to_its_page(admin_a: User) -> None:
    client = logged_in(admin_a)
    age_session(client, idle=20 * 60)
    response = client.post(
        "/administration/profils/nouveau/",
        {"name": "Perdu"},
        HTTP_REFERER="http://testserver/administration/profils/nouveau/",
    )
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=%2Fadministration%2Fprofils%2Fnouveau%2F"
    assert not admin_a.operator.profiles.filter(name="Perdu").exists()


def test_iam_11_htmx_requests_get_a_full_page_redirect(admin_a: User) -> None:
    client = logged_in(admin_a)
    age_session(client, idle=20 * 60)
    response = client.get("/administration/personnes/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/connexion/?next=")


def test_iam_11_the_api_answers_a_locked_session_with_its_code(admin_a: User) -> None:
    client = logged_in(admin_a)
    assert client.get("/api/v1/people").status_code == 200
    age_session(client, idle=20 * 60)
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "IAM-060"
    assert "15 minutes" in body["message"]


# -- failed logins: lockout and unlock ---------------------------------------------------


def test_iam_11_failed_logins_lock_the_identifier_with_a_french_page(admin_a: User) -> None:
    client = Client(REMOTE_ADDR="192.0.2.44")
    for _ in range(4):
        refused = fail_logins(client, "admin.a", 1)
        assert refused.status_code == 200
    locked = fail_logins(client, "admin.a", 1)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Identifiant bloqué après 5 tentatives" in page
    assert "IAM-062" in page
    assert "Recevoir un lien de déblocage par courriel" in page
    # Even the right password is refused while locked.
    right = client.post("/connexion/", {"username": "admin.a", "password": PASSWORD})
    assert right.status_code == 429
    refusal = AuditRecord.objects.filter(action="accounts.login.locked_out").last()
    assert refusal is not None
    assert refusal.operator_id == admin_a.operator_id  # the admin sees it in its journal
    assert refusal.object_id == str(admin_a.pk) and refusal.ip == "192.0.2.44"


def test_iam_11_the_holder_unlocks_with_a_single_use_link(admin_a: User) -> None:
    client = Client()
    fail_logins(client, "admin.a", 5)
    answer = client.post("/connexion/deblocage/", {"username": "admin.a"})
    assert answer.status_code == 200
    assert "un lien de déblocage vient d'être envoyé" in answer.content.decode()
    (email,) = emails_to(admin_a.email, "iam.identifier.unlock_link")
    path = UNLOCK_LINK.search(email.body).group(1)  # type: ignore[union-attr]

    # Opening the link (a mail scanner would) unlocks nothing; the button does.
    confirm = client.get(path)
    assert confirm.status_code == 200 and "Débloquer mon identifiant" in confirm.content.decode()
    assert (
        client.post("/connexion/", {"username": "admin.a", "password": PASSWORD}).status_code == 429
    )
    done = client.post(path, follow=True)
    assert "Identifiant admin.a débloqué" in done.content.decode()
    assert (
        client.post("/connexion/", {"username": "admin.a", "password": PASSWORD}).status_code == 302
    )

    reused = Client().post(path)
    assert reused.status_code == 404 and "IAM-063" in reused.content.decode()
    unlocked = AuditRecord.objects.get(action="accounts.login.unlocked")
    assert unlocked.after["by"] == "link" and unlocked.operator_id == admin_a.operator_id


def test_iam_11_unlock_requests_reveal_nothing(admin_a: User) -> None:
    client = Client()
    not_locked = client.post("/connexion/deblocage/", {"username": "admin.a"})
    unknown = client.post("/connexion/deblocage/", {"username": "personne.inconnue"})
    assert not_locked.status_code == unknown.status_code == 200
    assert "Si l'identifiant" in not_locked.content.decode()
    assert not OneTimeLink.objects.filter(purpose=OneTimeLink.Purpose.UNLOCK).exists()
    assert emails_to(admin_a.email, "iam.identifier.unlock_link") == []
    sent = AuditRecord.objects.filter(action="accounts.login.unlock_requested")
    assert [record.after["sent"] for record in sent] == [False, False]
    empty = client.post("/connexion/deblocage/", {"username": ""})
    assert empty.status_code == 400 and "Saisissez l'identifiant" in empty.content.decode()


def test_iam_11_an_expired_unlock_link_is_refused(admin_a: User) -> None:
    fail_logins(Client(), "admin.a", 5)
    Client().post("/connexion/deblocage/", {"username": "admin.a"})
    (email,) = emails_to(admin_a.email, "iam.identifier.unlock_link")
    path = UNLOCK_LINK.search(email.body).group(1)  # type: ignore[union-attr]
    link = OneTimeLink.objects.get(purpose=OneTimeLink.Purpose.UNLOCK)
    OneTimeLink.objects.filter(pk=link.pk).update(expires_at=link.created_at)
    response = Client().post(path)
    assert response.status_code == 404 and "IAM-063" in response.content.decode()


def test_iam_11_the_operator_admin_unlocks_one_of_its_people(
    admin_a: User, admin_b: User, operator_a: Operator
) -> None:
    member = make_person("membre.a", operator_a)
    fail_logins(Client(), "membre.a", 5)
    detail = logged_in(admin_a).get(f"/administration/personnes/{member.pk}/")
    assert "bloqué après trop d'échecs" in detail.content.decode()

    # Another operator's admin does not even see it; a plain member may not unlock.
    other = logged_in(admin_b).post(f"/administration/personnes/{member.pk}/debloquer/")
    assert other.status_code == 404
    colleague = make_person("collegue.a", operator_a)
    refused = logged_in(colleague).post(f"/administration/personnes/{member.pk}/debloquer/")
    assert refused.status_code == 403

    admin = logged_in(admin_a)
    done = admin.post(f"/administration/personnes/{member.pk}/debloquer/", follow=True)
    assert "Identifiant membre.a débloqué." in done.content.decode()
    assert logged_in(member)  # the member logs in again
    again = admin.post(f"/administration/personnes/{member.pk}/debloquer/", follow=True)
    assert "L'identifiant membre.a n'est pas bloqué" in unescape(again.content.decode())


def test_iam_11_rest_unlock_and_lock_state(admin_a: User, operator_a: Operator) -> None:
    member = make_person("membre.a", operator_a)
    api = APIClient()
    api.force_authenticate(admin_a)
    assert_tmf_error(api.post(f"/api/v1/people/{member.pk}/unlock"), 409, "IAM-065")
    fail_logins(Client(), "membre.a", 5)
    response = api.post(f"/api/v1/people/{member.pk}/unlock")
    assert response.status_code == 200
    assert response.json() == {"locked_out": False, "failed_attempts": 0, "failure_limit": 5}


# -- login history -----------------------------------------------------------------------


def test_iam_11_a_person_sees_its_own_login_history(admin_a: User) -> None:
    fail_logins(Client(REMOTE_ADDR="198.51.100.7"), "admin.a", 2)
    client = logged_in(admin_a)
    page = client.get("/compte/connexions/").content.decode()
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", page, flags=re.S)
    assert len(rows) == 3
    assert "Connexion réussie" in rows[0]
    assert all("Échec de connexion" in row and "198.51.100.7" in row for row in rows[1:])
    assert "2 tentative(s) infructueuse(s) récente(s)" not in page  # a success resets them
    security = client.get("/compte/securite/").content.decode()
    assert 'href="/compte/connexions/"' in security


def test_iam_11_the_admin_sees_its_people_history_and_nobody_else_does(
    admin_a: User, admin_b: User, operator_a: Operator
) -> None:
    member = make_person("membre.a", operator_a)
    logged_in(member).post("/deconnexion/")
    fail_logins(Client(), "membre.a", 1)

    page = logged_in(admin_a).get(f"/administration/personnes/{member.pk}/connexions/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Connexions de" in html and "membre.a" in html
    for label in ("Connexion réussie", "Déconnexion", "Échec de connexion"):
        assert label in html
    assert "1 tentative(s) infructueuse(s) récente(s)" in html

    assert (
        logged_in(admin_b).get(f"/administration/personnes/{member.pk}/connexions/").status_code
        == 404
    )
    colleague = make_person("collegue.a", operator_a)
    assert (
        logged_in(colleague).get(f"/administration/personnes/{member.pk}/connexions/").status_code
        == 403
    )


def test_iam_11_login_history_over_rest(admin_a: User, admin_b: User, operator_a: Operator) -> None:
    member = make_person("membre.a", operator_a)
    logged_in(member)
    fail_logins(Client(), "membre.a", 1)
    api = APIClient()
    api.force_authenticate(admin_a)
    response = api.get(f"/api/v1/people/{member.pk}/login-history")
    assert response.status_code == 200
    assert response["X-Total-Count"] == "2"
    actions = [event["action"] for event in response.json()]
    assert actions == ["accounts.login.failed", "accounts.login.success"]
    assert response.json()[1]["label"] == "Connexion réussie"
    api.force_authenticate(admin_b)
    assert_tmf_error(api.get(f"/api/v1/people/{member.pk}/login-history"), 404, "GEN-404")


# -- the menu ------------------------------------------------------------------------------


def test_iam_08_the_menu_offers_only_what_the_person_may_open(
    admin_a: User, operator_a: Operator, provider_staff: User
) -> None:
    def menu(user: User) -> str:
        html = logged_in(user).get("/", follow=True).content.decode()
        return html[html.index('<nav class="site-nav"') : html.index("</nav>")]

    admin_menu = menu(admin_a)
    assert 'href="/administration/personnes/"' in admin_menu
    assert 'href="/administration/journal/"' in admin_menu
    assert 'href="/administration/factures/"' in admin_menu
    assert 'href="/securite/audits/"' in admin_menu
    member_menu = menu(make_person("membre.a", operator_a))
    assert 'href="/administration/personnes/"' not in member_menu
    assert 'href="/administration/factures/"' not in member_menu
    assert 'href="/administration/contrats/"' in member_menu
    assert 'href="/tableau-de-bord/" aria-current="page"' in member_menu
    provider_menu = menu(provider_staff)
    for path in (
        "/back-office/journal/",
        "/back-office/courriels/",
        "/back-office/reseau/",
        "/back-office/contrats/",
        "/back-office/facturation/",
        "/back-office/audits/",
    ):
        assert f'href="{path}"' in provider_menu
    assert 'href="/tableau-de-bord/"' not in provider_menu
