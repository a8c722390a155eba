"""The portal shell: login, dashboard, back-office, who may see what, the admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.operators.models import EService, Subscription
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-2026!"


def test_login_page_is_french() -> None:
    response = Client().get("/connexion/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Connexion à l'Espace Opérateurs" in html
    assert 'for="id_username">Identifiant<' in html
    assert "Aller au contenu" in html


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/tableau-de-bord/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=/tableau-de-bord/")


def test_sec_04_login_success_and_failure_are_journaled(admin_a: Any) -> None:
    client = Client(REMOTE_ADDR="192.0.2.33")
    bad = client.post("/connexion/", {"username": "admin.a", "password": "faux"})
    assert bad.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in bad.content.decode()
    failed = AuditRecord.objects.get(action="accounts.login.failed")
    assert failed.person_login == "admin.a" and failed.ip == "192.0.2.33"
    good = client.post("/connexion/", {"username": "admin.a", "password": PASSWORD})
    assert good.status_code == 302
    success = AuditRecord.objects.get(action="accounts.login.success")
    assert success.person_id == admin_a.pk and success.operator_id == admin_a.operator_id
    assert success.channel == "portal"


def test_operator_person_lands_on_its_dashboard_with_empty_state(admin_a: Any) -> None:
    client = Client()
    client.force_login(admin_a)
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/tableau-de-bord/"
    assert "Tableau de bord — Opérateur A" in html
    assert "Opérateur A (OPEA)" in html
    assert "n'a souscrit à aucun e-service" in html


def test_iam_10_dashboard_lists_only_own_active_subscriptions(
    admin_a: Any, operator_a: Any, operator_b: Any
) -> None:
    today = timezone.localdate()
    tao = EService.objects.get(code="tao")
    rdv = EService.objects.get(code="e-rdv")
    sav = EService.objects.get(code="e-sav")
    Subscription.objects.create(operator=operator_a, service=tao, activated_on=today)
    Subscription.objects.create(
        operator=operator_a, service=sav, activated_on=today + timedelta(days=3)
    )
    Subscription.objects.create(operator=operator_b, service=rdv, activated_on=today)
    client = Client()
    client.force_login(admin_a)
    html = client.get("/tableau-de-bord/").content.decode()
    assert "TAO — Translation d&#x27;Adresses Opérateur" in html
    assert "e-RDV Grand Public" not in html  # operator B's
    assert "e-SAV" not in html  # not yet active
    assert "aucun e-service" not in html


def test_provider_staff_lands_on_backoffice(provider_staff: Any, operator_a: Any) -> None:
    client = Client()
    client.force_login(provider_staff)
    response = client.get("/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/back-office/"
    assert "Back-office du Fournisseur" in html
    assert 'id="operator-count">1<' in html
    assert "operators.operator.create" in html


def test_operator_person_cannot_open_backoffice(admin_a: Any) -> None:
    client = Client()
    client.force_login(admin_a)
    response = client.get("/back-office/")
    assert response.status_code == 403
    assert "GEN-403" in response.content.decode()


def test_provider_staff_has_no_operator_dashboard(provider_staff: Any) -> None:
    client = Client()
    client.force_login(provider_staff)
    assert client.get("/tableau-de-bord/").status_code == 403


def test_admin_is_for_provider_superusers_only(admin_a: Any, provider_staff: Any) -> None:
    superuser = make_person("super.fournisseur", None, is_superuser=True)
    for person, allowed in ((admin_a, False), (provider_staff, False), (superuser, True)):
        client = Client()
        client.force_login(person)
        response = client.get("/admin/")
        assert (response.status_code == 200) is allowed, person.username


def test_logout_is_journaled_and_ends_session(admin_a: Any) -> None:
    client = Client()
    client.force_login(admin_a)
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="accounts.logout", person_id=admin_a.pk).exists()
    assert client.get("/tableau-de-bord/").status_code == 302


def test_logout_is_post_only(admin_a: Any) -> None:
    client = Client()
    client.force_login(admin_a)
    assert client.get("/deconnexion/").status_code == 405
    assert client.get("/tableau-de-bord/").status_code == 200


def test_admin_shows_journal_and_people_but_changes_nothing() -> None:
    superuser = make_person("super.admin", None, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/audit/auditrecord/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 403
    record = AuditRecord.objects.latest("id")
    response = client.post(f"/admin/audit/auditrecord/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditRecord.objects.filter(pk=record.pk).exists()
