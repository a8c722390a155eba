"""Identifier life cycle through the services and the portal's doors (IAM-01..03, IAM-06, IAM-08, IAM-09)."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from guichet.accounts.choices import DeactivationReason, IdentifierState, SecurityLevel
from guichet.accounts.models import OneTimeLink, User
from guichet.accounts.services import identifiers as services
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from tests.accounts.identifiers_support import (
    activate,
    activation_path,
    as_principal,
    emails_to,
    gates,  # noqa: F401 (fixture)
    issue,
    log_in,
    sent_tasks,  # noqa: F401 (fixture)
)
from tests.factories import make_operator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sent_tasks", "gates")]
PARIS = ZoneInfo("Europe/Paris")


def test_iam_02_hundred_identifier_cap(provider_staff, operator_a, operator_b, admin_a, reader_a):
    # admin.a and lecteur.a already hold two of operator A's identifiers.
    for n in range(98):
        issue(provider_staff, operator_a, f"personne.{n:03d}")
    assert User.objects.filter(operator=operator_a).count() == 100
    with pytest.raises(GuichetError) as refused:
        issue(admin_a, operator_a, "personne.cent-un")
    assert refused.value.code == "IAM-010"
    assert "100" in refused.value.message("fr") and "OPEA" in refused.value.message("fr")
    assert not User.objects.filter(username="personne.cent-un").exists()
    # Another operator's quota is its own.
    issue(provider_staff, operator_b, "autre.operateur")
    # A deleted identifier frees its slot (the login itself stays taken forever).
    User.objects.filter(username="personne.000").update(state=IdentifierState.DELETED)
    issue(provider_staff, operator_a, "personne.cent-un")


@pytest.mark.django_db(transaction=True)
def test_iam_02_last_slot_goes_to_exactly_one_of_two_racing_issuances(settings, provider_staff):
    settings.GUICHET_MAX_IDENTIFIERS = 3
    operator = make_operator("RACE")
    issue(provider_staff, operator, "course.1")
    issue(provider_staff, operator, "course.2")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def race(login: str) -> None:
        try:
            barrier.wait()
            issue(provider_staff, operator, login)
            outcomes.append("issued")
        except GuichetError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(f"course.{n}",)) for n in (3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["IAM-010", "issued"]
    assert User.objects.filter(operator=operator).count() == 3


def test_iam_01_login_unique_forever_whatever_its_case(provider_staff, operator_a, operator_b):
    issue(provider_staff, operator_a, "j.dupont")
    for login, operator in (("J.Dupont", operator_a), ("j.DUPONT", operator_b)):
        with pytest.raises(GuichetError) as taken:
            issue(provider_staff, operator, login)
        assert taken.value.code == "IAM-001"
    User.objects.filter(username="j.dupont").update(state=IdentifierState.DELETED)
    with pytest.raises(GuichetError) as taken:
        issue(provider_staff, operator_a, "j.dupont")
    assert taken.value.code == "IAM-001"


def test_iam_02_only_provider_or_own_admin_issue(operator_a, admin_a, reader_a, admin_b):
    for actor in (reader_a, admin_b):
        with pytest.raises(GuichetError) as refused:
            issue(actor, operator_a, "intrus")
        assert refused.value.code == "IAM-011"
    with pytest.raises(GuichetError) as refused:
        issue(admin_a, None, "faux.agent")
    assert refused.value.code == "IAM-011"
    person = issue(admin_a, operator_a, "recrue.a")
    assert person.state == IdentifierState.PENDING and person.operator == operator_a


def test_iam_03_issuance_email_carries_login_and_single_use_link(
    settings, provider_staff, operator_a
):
    settings.GUICHET_PUBLIC_URL = "https://guichet.example.test"
    person = issue(provider_staff, operator_a, "c.lefebvre", requested_on=date(2026, 5, 13))
    assert person.state == IdentifierState.PENDING and not person.is_active
    assert not person.has_usable_password() and person.issued_at is not None
    (email,) = emails_to("c.lefebvre@example.test", "iam.identifier.issue")
    assert email.recipients == ["c.lefebvre@example.test"] and email.operator == operator_a
    assert "c.lefebvre" in email.subject
    assert "Votre identifiant de connexion : c.lefebvre" in email.body
    path = activation_path(person)
    assert f"https://guichet.example.test{path}" in email.body
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43
    link = OneTimeLink.objects.get(user=person)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(AuditRecord.objects.values_list("after", flat=True)[:])
    expected_expiry = link.created_at + timedelta(hours=settings.GUICHET_LINK_VALIDITY_HOURS)
    assert link.expires_at == expected_expiry

    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "c.lefebvre" in html and "recommandé" in html
    assert 'autocomplete="new-password"' in html
    done = activate(client, person, SecurityLevel.STANDARD)
    assert done.status_code == 200 and "Votre identifiant est actif" in done.content.decode()
    person.refresh_from_db()
    assert person.state == IdentifierState.ACTIVE and person.is_active
    assert person.security_level == SecurityLevel.STANDARD and person.password_changed_at
    assert OneTimeLink.objects.get(user=person).used_at is not None
    # Single use: the same link now answers the French error page with its code.
    again = Client().get(path)
    assert again.status_code == 410 and "IAM-015" in again.content.decode()
    assert log_in(Client(), "c.lefebvre").status_code == 302


def test_iam_03_expired_link_refused_then_reissued(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "retardataire")
    old_path = activation_path(person)
    later = timezone.now() + timedelta(hours=73)
    with mock.patch("django.utils.timezone.now", return_value=later):
        expired = Client().get(old_path)
        assert expired.status_code == 410
        assert "IAM-014" in expired.content.decode() and "a expiré" in expired.content.decode()
        services.reissue_link(actor=as_principal(provider_staff), user=person)
        new_path = activation_path(person)
        assert new_path != old_path
        assert Client().get(new_path).status_code == 200
    assert Client().get("/compte/activation/pas-un-jeton/").status_code == 404
    active = issue(provider_staff, operator_a, "deja.actif")
    activate(Client(), active, SecurityLevel.STANDARD)
    with pytest.raises(GuichetError) as refused:
        services.reissue_link(actor=as_principal(provider_staff), user=active)
    assert refused.value.code == "IAM-016"


def test_iam_03_due_date_counts_five_business_days_across_ascension(provider_staff, operator_a):
    # Thursday 14 May 2026 is Ascension, Sunday 17 is not a business day.
    person = issue(provider_staff, operator_a, "ascension", requested_on=date(2026, 5, 13))
    assert person.requested_on == date(2026, 5, 13)
    assert person.issuance_due_at == datetime(2026, 5, 20, 18, 0, tzinfo=PARIS)


def test_iam_03_backoffice_tracks_late_issuances(provider_staff, operator_a, operator_b, admin_a):
    today = timezone.localdate()
    late = issue(provider_staff, operator_a, "en.retard", requested_on=today - timedelta(days=30))
    on_time = issue(provider_staff, operator_b, "dans.les.delais")
    done = issue(provider_staff, operator_a, "active.a.temps")
    activate(Client(), done, SecurityLevel.STANDARD)
    client = Client()
    client.force_login(provider_staff)
    page = client.get("/back-office/identifiants/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "en.retard" in html and "dans.les.delais" in html and "active.a.temps" not in html
    assert "émis après l'échéance" in html and "Dans les délais" in html
    only_late = client.get("/back-office/identifiants/", {"late": "on"}).content.decode()
    assert "en.retard" in only_late and "dans.les.delais" not in only_late
    by_operator = client.get("/back-office/identifiants/", {"operator": operator_b.pk})
    assert "dans.les.delais" in by_operator.content.decode()
    assert "en.retard" not in by_operator.content.decode()
    assert late.pk != on_time.pk
    # A pending identifier past its due date is late too (not activated in time).
    with mock.patch(
        "django.utils.timezone.now", return_value=on_time.issuance_due_at + timedelta(days=2)
    ):
        client.force_login(provider_staff)
        html = client.get("/back-office/identifiants/", {"late": "on"}).content.decode()
    assert "dans.les.delais" in html and "non activé à l'échéance" in html
    # Provider staff only.
    operator_admin = Client()
    operator_admin.force_login(admin_a)
    assert operator_admin.get("/back-office/identifiants/").status_code == 403


def test_iam_03_tracking_paginates(settings, provider_staff, operator_a):
    for n in range(27):
        issue(provider_staff, operator_a, f"page.{n:02d}")
    client = Client()
    client.force_login(provider_staff)
    first = client.get("/back-office/identifiants/")
    assert "Page 1 sur 2" in first.content.decode()
    second = client.get("/back-office/identifiants/", {"page": 2}).content.decode()
    assert second.count('<th scope="row">') == 2


def test_iam_03_reissue_link_from_the_tracking_page(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "nouveau.lien")
    client = Client()
    client.force_login(provider_staff)
    response = client.post(f"/identifiants/{person.pk}/nouveau-lien/")
    assert response.status_code == 302
    assert len(emails_to(person.email, "iam.identifier.link_reissue")) == 1
    assert OneTimeLink.objects.filter(user=person, expires_at__gt=timezone.now()).count() == 1


def test_iam_06_loss_kills_a_live_session_and_issues_a_replacement(
    provider_staff, operator_a, admin_a, admin_b
):
    person = issue(admin_a, operator_a, "perdu")
    activate(Client(), person, SecurityLevel.STRONG)
    victim = Client()
    assert log_in(victim, "perdu").status_code == 302
    assert victim.get("/tableau-de-bord/").status_code == 200
    assert any(
        s.get_decoded().get("_auth_user_id") == str(person.pk) for s in Session.objects.all()
    )

    outsider = Client()
    outsider.force_login(admin_b)
    assert outsider.get(f"/identifiants/{person.pk}/perte/").status_code == 404
    admin = Client()
    admin.force_login(admin_a)
    assert admin.get(f"/identifiants/{person.pk}/perte/").status_code == 200
    response = admin.post(
        f"/identifiants/{person.pk}/perte/", {"reason": "fraud", "note": "Poste volé"}
    )
    assert response.status_code == 200 and "perdu.2" in response.content.decode()

    person.refresh_from_db()
    assert person.state == IdentifierState.DEACTIVATED and not person.is_active
    assert person.deactivation_reason == DeactivationReason.FRAUD
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(person.pk) for s in Session.objects.all()
    )
    # The live session is over: the next page sends back to the login form.
    after = victim.get("/tableau-de-bord/")
    assert after.status_code == 302 and after["Location"].startswith("/connexion/")
    assert log_in(Client(), "perdu").status_code == 200
    replacement = User.objects.get(username="perdu.2")
    assert replacement.replaces == person and replacement.state == IdentifierState.PENDING
    assert replacement.email == person.email and replacement.operator == operator_a
    assert "perdu.2" in emails_to(person.email, "iam.identifier.issue")[-1].body
    assert (
        "remplace l'identifiant perdu" in emails_to(person.email, "iam.identifier.issue")[-1].body
    )
    assert emails_to(admin_a.email, "iam.identifier.lost")
    entry = AuditRecord.objects.get(action="accounts.identifier.declare_lost")
    assert entry.person_login == "admin.a" and entry.after["note"] == "Poste volé"
    # Declared once: the deactivated identifier cannot be declared again.
    with pytest.raises(GuichetError) as refused:
        services.declare_lost(actor=as_principal(provider_staff), user=person, reason="lost")
    assert refused.value.code == "IAM-016"
    assert verify()[1] == []


def test_iam_06_replacement_needs_no_free_slot(settings, provider_staff, operator_a, admin_a):
    settings.GUICHET_MAX_IDENTIFIERS = 2
    person = issue(provider_staff, operator_a, "plein")
    with pytest.raises(GuichetError):
        issue(provider_staff, operator_a, "de.trop")
    replacement = services.declare_lost(
        actor=as_principal(provider_staff), user=person, reason=DeactivationReason.LOST
    )
    assert replacement.username == "plein.2"
    again = services.declare_lost(actor=as_principal(admin_a), user=replacement, reason="lost")
    assert again.username == "plein.3"


def test_iam_06_only_provider_or_own_admin_declare(operator_a, provider_staff, reader_a, admin_b):
    person = issue(provider_staff, operator_a, "protege")
    for actor in (reader_a, admin_b):
        with pytest.raises(GuichetError) as refused:
            services.declare_lost(actor=as_principal(actor), user=person, reason="lost")
        assert refused.value.code == "IAM-011"
    with pytest.raises(GuichetError) as refused:
        services.declare_lost(actor=as_principal(provider_staff), user=person, reason="oops")
    assert refused.value.code == "IAM-027"


def test_iam_08_one_identifier_opens_the_portal_and_the_api(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "partout")
    activate(Client(), person, SecurityLevel.STRONG)
    client = Client()
    assert log_in(client, "partout").status_code == 302
    assert client.get("/tableau-de-bord/").status_code == 200
    assert client.get("/compte/securite/").status_code == 200
    assert client.get("/api/v1/operators").status_code == 200


def test_iam_09_actions_are_attributed_to_the_person_and_operator(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "trace")
    activate(Client(), person, SecurityLevel.STANDARD)
    entry = AuditRecord.objects.get(action="accounts.identifier.activate")
    assert entry.person_login == "trace" and entry.operator_code == "OPEA"
    assert entry.ip and entry.channel == "portal"
    issued = AuditRecord.objects.get(action="accounts.identifier.issue")
    assert issued.person_login == "agent.fournisseur" and issued.object_id == str(person.pk)
    assert verify()[1] == []


def test_iam_issuance_by_the_system_principal_for_an_order_form(operator_a):
    person = issue(Principal.system("bon-de-commande"), operator_a, "depuis.commande")
    assert person.state == IdentifierState.PENDING
