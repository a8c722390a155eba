"""Security levels (IAM-04): password rules, TOTP second factor, recovery codes; renewal (IAM-11)."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from guichet.accounts.choices import IdentifierState, SecurityLevel
from guichet.accounts.models import User
from guichet.accounts.passwords import (
    LEVEL_RULES,
    RECOMMENDED_LEVEL,
    LevelPasswordValidator,
    is_common,
    password_expired,
    password_expires_at,
    password_problems,
    requires_second_factor,
)
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from tests.accounts.identifiers_support import (
    NEW_PASSWORD,
    PASSWORD,
    activate,
    activate_with_second_factor,
    activation_path,
    emails_to,
    gates,  # noqa: F401 (fixture)
    issue,
    log_in,
    sent_tasks,  # noqa: F401 (fixture)
    totp_code,
)

pytestmark = pytest.mark.usefixtures("sent_tasks", "gates")
HOLDER = SimpleNamespace(
    username="j.dupont", first_name="Jeanne", last_name="Dupont", email="jeanne.dupont@ex.test"
)


# -- the rules, level by level ---------------------------------------------------------


def test_iam_04_levels_table() -> None:
    assert RECOMMENDED_LEVEL == SecurityLevel.STRONG_2FA
    assert set(LEVEL_RULES) == set(SecurityLevel.values)
    standard, strong, strong_2fa = (LEVEL_RULES[v] for v in SecurityLevel.values)
    assert (standard.min_length, standard.min_classes, standard.renewal_days) == (12, 1, 365)
    assert (strong.min_length, strong.min_classes, strong.renewal_days) == (14, 3, 180)
    assert strong_2fa.second_factor and not strong.second_factor and not standard.second_factor
    assert strong_2fa.min_length >= strong.min_length > standard.min_length


@pytest.mark.parametrize(
    ("password", "level", "why"),
    [
        ("Court-79", "standard", "au moins 12"),
        ("lune rousse du marais", "strong", "3 types"),
        ("Lune-Rousse-7", "strong", "au moins 14"),
        ("azertyuiop123", "standard", "courants ou divulgués"),
        ("Motdepasse-2026!", "strong", "courants ou divulgués"),
        ("P4ssw0rd-P4ssw0rd", "standard", "courants ou divulgués"),
        ("Soleil-Soleil-Soleil", "strong", "courants ou divulgués"),
        ("Marseille13!!2026", "strong", "courants ou divulgués"),
        ("123456789012", "standard", "uniquement de chiffres"),
        ("Fibre-12345-Niort", "standard", "suite évidente"),
        ("aaaaaaaaaaaaaaaa", "standard", "caractères différents"),
        ("Dupont-Fibre-2026", "strong", "identifiant, votre nom"),
        ("J3anne-Maison-Bleue", "standard", "identifiant, votre nom"),
        ("jdupont-Riviere-79", "strong", "identifiant, votre nom"),
    ],
)
def test_iam_04_password_rules_refuse(password: str, level: str, why: str) -> None:
    problems = password_problems(password, level, HOLDER)
    assert any(why in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("password", "level"),
    [
        ("lune rousse du marais", "standard"),
        ("Tournesol-Bleu-Gatine-79", "strong"),
        ("Heron-Cendre-Sevre-Niortaise-12", "strong_2fa"),
    ],
)
def test_iam_04_password_rules_accept(password: str, level: str) -> None:
    assert password_problems(password, level, HOLDER) == []


def test_iam_04_offline_list_holds_django_and_french_entries() -> None:
    for common in ("password", "azerty", "motdepasse", "jetaime", "niort", "guichet"):
        assert is_common(common)
    assert is_common("Azerty2026!") and is_common("M0td3p4ss3")
    assert not is_common("Tournesol-Bleu-Gatine-79")


def test_iam_04_level_validator_for_django_settings() -> None:
    validator = LevelPasswordValidator()
    validator.validate("Tournesol-Bleu-Gatine-79", HOLDER)
    with pytest.raises(Exception, match="au moins 12"):
        validator.validate("Court-79", HOLDER)
    assert "12 caractères" in validator.get_help_text()


# -- through the activation page -------------------------------------------------------


@pytest.mark.django_db
def test_iam_04_activation_page_enforces_the_chosen_level(provider_staff, operator_a) -> None:
    person = issue(provider_staff, operator_a, "l.martin", first_name="Lucie", last_name="Martin")
    client = Client()
    page = client.get(activation_path(person)).content.decode()
    # The highest level is recommended and selected by default; each level shows its rules.
    assert re.search(r'value="strong_2fa"[^>]*checked', page)
    assert "Renforcé + second facteur (recommandé)" in page
    for rules in LEVEL_RULES.values():
        assert str(rules.summary)[1:30] in page  # shown with a capital first letter
    for password, level, message in (
        ("Lune-Rousse-7", "strong", "au moins 14"),
        ("azertyuiop2026", "standard", "courants ou divulgués"),
        ("Martin-Lucie-Fibre", "standard", "identifiant, votre nom"),
    ):
        response = client.post(
            activation_path(person), {"level": level, "password1": password, "password2": password}
        )
        html = response.content.decode()
        assert response.status_code == 200 and message in html
        assert 'aria-describedby="id_password1-aide id_password1-erreurs"' in html
        assert 'aria-invalid="true"' in html
    mismatch = client.post(
        activation_path(person),
        {"level": "standard", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert "IAM-026" not in mismatch.content.decode() and "différents" in mismatch.content.decode()
    person.refresh_from_db()
    assert person.state == IdentifierState.PENDING and not person.has_usable_password()
    assert activate(client, person, SecurityLevel.STRONG).status_code == 200
    person.refresh_from_db()
    assert person.security_level == SecurityLevel.STRONG and person.state == IdentifierState.ACTIVE


@pytest.mark.django_db
def test_iam_04_totp_enrolment_and_second_login_step(settings, provider_staff, operator_a):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # wrong codes here are about messages, not delays
    person = issue(provider_staff, operator_a, "deux.facteurs")
    client = Client()
    path = activation_path(person)
    client.post(path, {"level": "strong_2fa", "password1": PASSWORD, "password2": PASSWORD})
    person.refresh_from_db()
    # Password kept, but not active until the first code is confirmed.
    assert person.state == IdentifierState.PENDING and not person.is_active
    enrol = client.get(f"{path}second-facteur/")
    html = enrol.content.decode()
    assert enrol.status_code == 200 and "<svg" in html and 'id="totp-secret"' in html
    assert 'autocomplete="one-time-code"' in html and enrol["Cache-Control"] == "no-store"
    wrong = client.post(f"{path}second-facteur/", {"code": "000000"})
    assert "Code incorrect" in wrong.content.decode()
    # Another browser, without the first step, cannot reach the enrolment.
    assert Client().get(f"{path}second-facteur/").status_code == 302
    done = client.post(f"{path}second-facteur/", {"code": totp_code(person, confirmed=False)})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    person.refresh_from_db()
    assert person.state == IdentifierState.ACTIVE and person.security_level == "strong_2fa"
    assert requires_second_factor(person)
    assert Client().get(path).status_code == 410  # the link is spent

    browser = Client()
    assert log_in(browser, "deux.facteurs").status_code == 302
    # Password alone opens nothing: every page leads to the second step, the API refuses.
    gate = browser.get("/tableau-de-bord/")
    assert gate.status_code == 302
    assert gate["Location"] == "/connexion/second-facteur/?next=%2Ftableau-de-bord%2F"
    api = browser.get("/api/v1/operators")
    assert api.status_code == 401 and api.json()["code"] == "IAM-022"
    step = browser.get(gate["Location"])
    assert step.status_code == 200 and "Vérification en deux étapes" in step.content.decode()
    refused = browser.post(
        "/connexion/second-facteur/", {"code": "123456", "next": "/tableau-de-bord/"}
    )
    assert "Code incorrect" in refused.content.decode()
    # The enrolment used the current time step: the app's next code is the one accepted now.
    accepted = browser.post(
        "/connexion/second-facteur/",
        {"code": totp_code(person, drift=1), "next": "/tableau-de-bord/"},
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/tableau-de-bord/"
    assert browser.get("/tableau-de-bord/").status_code == 200
    assert browser.get("/api/v1/operators").status_code == 200
    person.refresh_from_db()
    assert person.last_used_at is not None
    actions = set(
        AuditRecord.objects.filter(person_login="deux.facteurs").values_list("action", flat=True)
    )
    assert {"accounts.identifier.activate", "accounts.login.second_factor"} <= actions
    assert "accounts.login.second_factor_failed" in actions
    assert verify()[1] == []


@pytest.mark.django_db
def test_iam_04_recovery_codes_work_once_each(settings, provider_staff, operator_a):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    person = issue(provider_staff, operator_a, "secours")
    codes = activate_with_second_factor(Client(), person)
    first = Client()
    log_in(first, "secours")
    used = first.post("/connexion/second-facteur/", {"code": codes[0].upper(), "next": "/"})
    assert used.status_code == 302
    assert StaticToken.objects.filter(device__user=person).count() == 9
    assert emails_to(person.email, "iam.identifier.recovery_used")
    second = Client()
    log_in(second, "secours")
    again = second.post("/connexion/second-facteur/", {"code": codes[0], "next": "/"})
    assert again.status_code == 200 and "Code incorrect" in again.content.decode()
    assert second.post("/connexion/second-facteur/", {"code": codes[1]}).status_code == 302
    # Regenerating from « Ma sécurité » replaces every old code.
    page = second.post("/compte/securite/codes-de-secours/")
    fresh = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(fresh) == 10 and StaticToken.objects.filter(device__user=person).count() == 10
    third = Client()
    log_in(third, "secours")
    assert third.post("/connexion/second-facteur/", {"code": codes[2]}).status_code == 200


@pytest.mark.django_db
def test_iam_04_second_factor_throttles_guessing(settings, provider_staff, operator_a):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after one failure: no timing flakiness
    person = issue(provider_staff, operator_a, "devin")
    activate_with_second_factor(Client(), person)
    client = Client()
    log_in(client, "devin")
    client.post("/connexion/second-facteur/", {"code": "000000"})
    # Right after a failure, even the right code waits (django-otp's exponential delay).
    throttled = client.post("/connexion/second-facteur/", {"code": totp_code(person, drift=1)})
    assert "Trop de codes incorrects" in throttled.content.decode()


@pytest.mark.django_db
def test_iam_04_security_page_changes_level_and_enrols_totp(settings, provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "niveaux")
    activate(Client(), person, SecurityLevel.STANDARD, password="lune rousse du marais")
    client = Client()
    log_in(client, "niveaux", "lune rousse du marais")
    page = client.get("/compte/securite/").content.decode()
    assert "Standard" in page and 'id="password-expiry"' in page
    # The current password does not meet the renforcé rules: refused, a new one is needed.
    refused = client.post(
        "/compte/securite/", {"level": "strong_2fa", "current_password": "lune rousse du marais"}
    )
    assert "3 types" in refused.content.decode()
    moved = client.post(
        "/compte/securite/",
        {
            "level": "strong_2fa",
            "current_password": "lune rousse du marais",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert moved.status_code == 302 and moved["Location"] == "/compte/securite/second-facteur/"
    person.refresh_from_db()
    assert person.security_level == SecurityLevel.STANDARD  # until the TOTP is confirmed
    done = client.post(
        "/compte/securite/second-facteur/", {"code": totp_code(person, confirmed=False)}
    )
    assert done.status_code == 200 and len(re.findall(r"<li><code>", done.content.decode())) == 10
    person.refresh_from_db()
    assert person.security_level == SecurityLevel.STRONG_2FA
    # This session gave its code while enrolling: no second step now.
    assert client.get("/tableau-de-bord/").status_code == 200
    back = client.post("/compte/securite/", {"level": "strong", "current_password": NEW_PASSWORD})
    assert back.status_code == 302
    person.refresh_from_db()
    assert person.security_level == SecurityLevel.STRONG and not requires_second_factor(person)
    assert not StaticToken.objects.filter(device__user=person).exists()


# -- renewal (IAM-11) ------------------------------------------------------------------


@pytest.mark.django_db
def test_iam_11_renewal_period_per_level(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "renouvelle")
    activate(Client(), person, SecurityLevel.STRONG)
    person.refresh_from_db()
    assert password_expires_at(person) == person.password_changed_at + timedelta(days=180)
    assert not password_expired(person, person.password_changed_at + timedelta(days=179))
    assert password_expired(person, person.password_changed_at + timedelta(days=180))
    person.security_level = SecurityLevel.STANDARD
    assert not password_expired(person, person.password_changed_at + timedelta(days=364))
    assert password_expired(person, person.password_changed_at + timedelta(days=365))
    pending = User(username="x")
    pending.set_unusable_password()
    assert password_expires_at(pending) is None  # no password chosen yet


@pytest.mark.django_db
def test_iam_11_expired_password_redirects_to_renewal(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "expire")
    activate(Client(), person, SecurityLevel.STRONG)
    later = timezone.now() + timedelta(days=181)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client = Client()
        assert log_in(client, "expire").status_code == 302
        gate = client.get("/tableau-de-bord/")
        assert gate.status_code == 302 and gate["Location"].startswith("/compte/mot-de-passe/")
        assert client.get("/api/v1/operators").json()["code"] == "IAM-021"
        page = client.get("/compte/mot-de-passe/").content.decode()
        assert 'id="password-expired"' in page
        for current, new, message in (
            ("pas-le-bon-mot", NEW_PASSWORD, "actuel saisi est incorrect"),
            (PASSWORD, PASSWORD, "doit différer"),
            (PASSWORD, "Court-79", "au moins 14"),
        ):
            response = client.post(
                "/compte/mot-de-passe/",
                {"current_password": current, "password1": new, "password2": new},
            )
            assert message in response.content.decode()
        other = Client()
        log_in(other, "expire")
        changed = client.post(
            "/compte/mot-de-passe/",
            {"current_password": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert changed.status_code == 302
        assert client.get("/tableau-de-bord/").status_code == 200
        # Other sessions of the person end with the old password.
        assert other.get("/tableau-de-bord/").status_code == 302
        person.refresh_from_db()
        assert person.password_changed_at == later and not password_expired(person, later)
    assert AuditRecord.objects.filter(action="accounts.identifier.password_change").exists()
