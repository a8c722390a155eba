"""People and profiles over REST (IAM-07, IAM-08, IAM-10): the generic resource checks,
then the rules through ``/api/v1/people`` and ``/api/v1/profiles``."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session

from guichet.accounts.models import Profile, Role, User
from guichet.accounts.services import profiles as profile_services
from guichet.audit.models import AuditRecord
from tests.accounts.people_support import (
    SYSTEM,
    give_profile,
    subscribe,
)
from tests.api_checks import ScopedResourceChecks, assert_tmf_error
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people"
PROFILES = "/api/v1/profiles"


@pytest.fixture
def member_a(operator_a: Any) -> User:
    return make_person("membre.a", operator_a, Role.MEMBER)


@pytest.fixture
def reader_with_directory(reader_a: User) -> User:
    """The read-only person of A may read the directory (``users:read``), never change it."""
    give_profile(reader_a, "Annuaire", ["users:read"])
    return reader_a


@pytest.fixture
def templates() -> dict[str, Profile]:
    return {p.name: p for p in profile_services.ensure_profile_templates()}


@pytest.mark.usefixtures("reader_with_directory")
class TestPersonResource(ScopedResourceChecks):
    """IAM-10: another operator's people do not exist for A's admin; read-only refused writes."""

    list_url_name = "api:person-list"
    detail_url_name = "api:person-detail"
    audit_action = "accounts.person.update"
    change = {"first_name": "Camille", "last_name": "Durand"}

    @pytest.fixture
    def resource(self, member_a: User) -> User:
        return member_a


@pytest.mark.usefixtures("reader_with_directory")
class TestProfileResource(ScopedResourceChecks):
    list_url_name = "api:profile-list"
    detail_url_name = "api:profile-detail"
    audit_action = "accounts.profile.update"
    change = {"description": "Planification des rendez-vous"}

    @pytest.fixture
    def resource(self, operator_a: Any) -> Profile:
        subscribe(operator_a, "e-rdv")
        return profile_services.create_profile(
            actor=SYSTEM, operator=operator_a, name="Planif", rights=["e-rdv:book"]
        )


def test_iam_10_admin_designates_a_person_with_profiles(
    operator_a: Any, admin_a: User, api_as: Any, templates: dict[str, Profile]
) -> None:
    subscribe(operator_a, "e-rdv")
    own = profile_services.create_profile(
        actor=SYSTEM, operator=operator_a, name="Planif", rights=["e-rdv:book"]
    )
    body = {
        "username": "jeanne.martin",
        "email": "jeanne.martin@opea.example",
        "first_name": "Jeanne",
        "last_name": "Martin",
        "profiles": [templates["Commandes"].pk, own.pk],
    }
    response = api_as(admin_a).post(PEOPLE, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "pending"
    assert data["state_label"] == "Émis, mot de passe à définir"
    assert data["operator"] == operator_a.pk and data["operator_code"] == "OPEA"
    assert sorted(data["profiles"]) == sorted([templates["Commandes"].pk, own.pk])
    # Effective rights: the Commandes template limited to e-rdv (+ e-soutien, always there).
    assert data["rights"] == ["e-rdv:read", "e-rdv:book", "e-soutien:read", "e-soutien:file"]
    issued = AuditRecord.objects.get(action="accounts.identifier.issue", object_id=str(data["id"]))
    assert sorted(issued.after["profiles"]) == sorted(data["profiles"])
    assert issued.person_login == admin_a.username and issued.channel == "rest"


def test_iam_10_profile_outside_subscriptions_refused_at_creation(
    admin_a: User, api_as: Any, templates: dict[str, Profile]
) -> None:
    body = {"username": "paul.sav", "email": "paul@opea.example", "profiles": [templates["SAV"].pk]}
    # SAV needs e-sav, that A does not subscribe to… but SAV also gives e-soutien: accepted.
    assert api_as(admin_a).post(PEOPLE, body, format="json").status_code == 201
    rdv = profile_services.create_profile(actor=SYSTEM, name="RDV seul", rights=["e-rdv:book"])
    body = {"username": "paul.rdv", "email": "paul@opea.example", "profiles": [rdv.pk]}
    response = api_as(admin_a).post(PEOPLE, body, format="json")
    assert_tmf_error(response, 422, "IAM-044")
    assert not User.objects.filter(username="paul.rdv").exists()


def test_iam_10_no_person_for_another_operator(
    operator_b: Any, admin_a: User, admin_b: User, api_as: Any
) -> None:
    body = {"username": "intrus", "email": "i@opea.example", "operator": operator_b.pk}
    assert_tmf_error(api_as(admin_a).post(PEOPLE, body, format="json"), 404, "GEN-404")
    own_b = profile_services.create_profile(actor=SYSTEM, operator=operator_b, name="B", rights=[])
    body = {"username": "intrus", "email": "i@opea.example", "profiles": [own_b.pk]}
    response = api_as(admin_a).post(PEOPLE, body, format="json")
    assert_tmf_error(response, 422, "GEN-422")  # an invisible profile does not exist
    assert not User.objects.filter(username="intrus").exists()


def test_iam_07_rights_needed_to_read_and_to_administer(
    member_a: User, reader_with_directory: User, api_as: Any
) -> None:
    body = assert_tmf_error(api_as(member_a).get(PEOPLE), 403, "GEN-403-RIGHT")
    assert "users:read" in body["message"]
    reader = api_as(reader_with_directory)
    assert reader.get(PEOPLE).status_code == 200
    assert_tmf_error(reader.post(PEOPLE, {"username": "x"}, format="json"), 403, "GEN-403-RO")
    give_profile(member_a, "Annuaire membre", ["users:read"])
    response = api_as(member_a).post(PEOPLE, {"username": "x"}, format="json")
    body = assert_tmf_error(response, 403, "GEN-403-RIGHT")
    assert "users:administer" in body["message"]


def test_iam_07_profile_assignment_through_api_is_journaled(
    operator_a: Any, admin_a: User, member_a: User, api_as: Any, templates: dict[str, Profile]
) -> None:
    subscribe(operator_a, "e-sav")
    url = f"{PEOPLE}/{member_a.pk}"
    response = api_as(admin_a).patch(url, {"profiles": [templates["SAV"].pk]}, format="json")
    assert response.status_code == 200, response.content
    assert "e-sav:test" in response.json()["rights"]
    entry = AuditRecord.objects.filter(action="accounts.person.profiles").latest("id")
    assert entry.after == {"profiles": [{"id": templates["SAV"].pk, "name": "SAV"}]}
    assert entry.channel == "rest" and entry.object_id == str(member_a.pk)


def test_iam_07_admin_cannot_change_own_role_nor_identifier(admin_a: User, api_as: Any) -> None:
    client = api_as(admin_a)
    url = f"{PEOPLE}/{admin_a.pk}"
    assert_tmf_error(client.patch(url, {"role": "member"}, format="json"), 403, "IAM-050")
    assert_tmf_error(client.patch(url, {"username": "autre"}, format="json"), 422, "IAM-052")
    assert_tmf_error(client.post(f"{url}/deactivate"), 403, "IAM-050")


def test_iam_10_deactivation_ends_sessions_and_reactivation_restores(
    admin_a: User, member_a: User, api_as: Any
) -> None:
    session_client = api_as(member_a)
    assert Session.objects.count() == 1
    admin = api_as(admin_a)
    response = admin.post(f"{PEOPLE}/{member_a.pk}/deactivate")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "deactivated"
    assert response.json()["rights"] == []
    assert_tmf_error(session_client.get(PEOPLE), 401, "GEN-401")
    assert AuditRecord.objects.filter(action="accounts.person.deactivate").exists()
    assert_tmf_error(admin.post(f"{PEOPLE}/{member_a.pk}/deactivate"), 409, "IAM-016")
    response = admin.post(f"{PEOPLE}/{member_a.pk}/reactivate")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "active"


def test_iam_06_declare_loss_issues_a_new_identifier(
    admin_a: User, member_a: User, api_as: Any
) -> None:
    client = api_as(admin_a)
    bad = client.post(f"{PEOPLE}/{member_a.pk}/declare-loss", {"reason": "x"}, format="json")
    assert_tmf_error(bad, 422, "GEN-422")
    response = client.post(
        f"{PEOPLE}/{member_a.pk}/declare-loss", {"reason": "fraud"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["username"] == "membre.a.2"
    assert response.json()["state"] == "pending"
    member_a.refresh_from_db()
    assert member_a.state == "deactivated" and member_a.deactivation_reason == "fraud"
    refused = client.post(f"{PEOPLE}/{member_a.pk}/reactivate")
    assert_tmf_error(refused, 409, "IAM-051")


def test_iam_10_provider_sees_every_operator_and_filters(
    provider_staff: User, admin_a: User, admin_b: User, api_as: Any
) -> None:
    client = api_as(provider_staff)
    logins = {item["username"] for item in client.get(PEOPLE).json()}
    assert {"admin.a", "admin.b"} <= logins and provider_staff.username not in logins
    only_b = client.get(f"{PEOPLE}?operator={admin_b.operator_id}").json()
    assert [item["username"] for item in only_b] == ["admin.b"]
    searched = client.get(f"{PEOPLE}?search=admin.a").json()
    assert [item["username"] for item in searched] == ["admin.a"]
    body = {"username": "sans.operateur", "email": "s@example.test"}
    assert_tmf_error(client.post(PEOPLE, body, format="json"), 422, "IAM-054")


def test_iam_07_profiles_api_rules(
    operator_a: Any, admin_a: User, provider_staff: User, api_as: Any, templates: Any
) -> None:
    admin = api_as(admin_a)
    refused = admin.post(PROFILES, {"name": "SAV", "rights": ["e-sav:file"]}, format="json")
    body = assert_tmf_error(refused, 422, "IAM-043")
    assert body["propertyPath"] == "rights"
    created = admin.post(PROFILES, {"name": "Support", "rights": ["e-soutien:file"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["operator"] == operator_a.pk and not created.json()["is_template"]
    again = admin.post(PROFILES, {"name": "support", "rights": []}, format="json")
    assert_tmf_error(again, 409, "IAM-042")
    template = templates["Consultation"]
    patch = admin.patch(f"{PROFILES}/{template.pk}", {"name": "X"}, format="json")
    assert_tmf_error(patch, 403, "IAM-045")
    listed = {item["name"] for item in admin.get(PROFILES).json()}
    assert listed == {"Consultation", "Commandes", "SAV", "Administrateur", "Support"}
    # The Provider defines templates.
    staff = api_as(provider_staff)
    made = staff.post(PROFILES, {"name": "EEP", "rights": ["eep:exchange"]}, format="json")
    assert made.status_code == 201 and made.json()["is_template"]
    assert_tmf_error(
        staff.post(PROFILES, {"name": "Esc", "rights": ["users:administer"]}, format="json"),
        422,
        "IAM-041",
    )


def test_iam_07_profile_in_use_not_deleted(
    operator_a: Any, admin_a: User, member_a: User, api_as: Any
) -> None:
    subscribe(operator_a, "e-rdv")
    profile = give_profile(member_a, "RDV", ["e-rdv:read"])
    client = api_as(admin_a)
    assert_tmf_error(client.delete(f"{PROFILES}/{profile.pk}"), 409, "IAM-046")
    client.patch(f"{PEOPLE}/{member_a.pk}", {"profiles": []}, format="json")
    assert client.delete(f"{PROFILES}/{profile.pk}").status_code == 204


def test_iam_10_rights_catalogue_shows_availability(
    operator_a: Any, admin_a: User, api_as: Any
) -> None:
    subscribe(operator_a, "tao")
    rights = {item["code"]: item for item in api_as(admin_a).get(f"{PROFILES}/rights").json()}
    assert rights["tao:read"]["available"] and rights["e-soutien:file"]["available"]
    assert not rights["e-rdv:book"]["available"]
    assert rights["e-rdv:book"]["label"] == "Réserver, modifier ou annuler un rendez-vous"


def test_iam_08_real_door_rights_reach_the_api_without_monkeypatch(
    member_a: User, api_as: Any
) -> None:
    assert "rights" in User.__dict__
    assert_tmf_error(api_as(member_a).get(PEOPLE), 403, "GEN-403-RIGHT")
    give_profile(member_a, "Annuaire", ["users:read"])
    assert api_as(member_a).get(PEOPLE).status_code == 200
