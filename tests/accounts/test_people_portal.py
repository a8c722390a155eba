"""The « Personnes » and « Profils » pages with the Django test client (IAM-07, IAM-10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from guichet.accounts.models import Profile, Role, User
from guichet.accounts.services import profiles as profile_services
from guichet.audit.models import AuditRecord
from tests.accounts.people_support import (
    SYSTEM,
    subscribe,
)
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def table(response: Any) -> str:
    """The people table only (the header names the person logged in)."""
    page = text(response)
    return page[page.index('id="people-table"') :]


@pytest.fixture
def templates() -> dict[str, Profile]:
    return {p.name: p for p in profile_services.ensure_profile_templates()}


@pytest.fixture
def member_a(operator_a: Any) -> User:
    return make_person("membre.a", operator_a, Role.MEMBER, first_name="Lucie", last_name="Morel")


def test_iam_10_admin_lists_only_its_people_with_count(
    admin_a: User, member_a: User, admin_b: User
) -> None:
    response = client_for(admin_a).get(reverse("people:list"))
    assert response.status_code == 200
    page = text(response)
    assert "Personnes habilitées" in page
    assert "membre.a" in page and "Lucie Morel" in page and "admin.a" in page
    assert "admin.b" not in page
    assert "2 / 100 identifiants" in page
    assert 'aria-sort="ascending"' in page


def test_iam_10_list_filters_search_sort_and_pagination(admin_a: User, operator_a: Any) -> None:
    for n in range(30):
        make_person(f"agent{n:02d}", operator_a, last_name=f"Nom{n:02d}", password=None)
    client = client_for(admin_a)
    first = text(client.get(reverse("people:list")))
    assert "Page 1 sur 2" in first and "agent00" in first and "agent29" not in first
    second = text(client.get(reverse("people:list") + "?page=2"))
    assert "agent29" in second
    found = text(client.get(reverse("people:list") + "?q=Nom07"))
    assert "agent07" in found and "agent08" not in found
    reverse_sorted = text(client.get(reverse("people:list") + "?sort=-username"))
    assert reverse_sorted.index("agent29") < reverse_sorted.index("agent28")
    assert 'aria-sort="descending"' in reverse_sorted
    admins = text(client.get(reverse("people:list") + "?role=admin"))
    assert "admin.a" in admins and "agent01" not in admins
    assert "31 / 100 identifiants" in first


def test_iam_07_pages_need_users_administer(member_a: User, admin_b: User) -> None:
    response = client_for(member_a).get(reverse("people:list"))
    assert response.status_code == 403
    assert "users:administer" in text(response) and "GEN-403-RIGHT" in text(response)
    assert client_for(member_a).get(reverse("people:profiles")).status_code == 403
    # The back-office pages are the Provider's alone.
    assert client_for(admin_b).get(reverse("people:backoffice-list")).status_code == 403
    anonymous = Client().get(reverse("people:list"))
    assert anonymous.status_code == 302 and "/connexion/" in anonymous["Location"]


def test_iam_10_other_operator_person_and_profile_are_404(
    admin_b: User, member_a: User, operator_a: Any
) -> None:
    client = client_for(admin_b)
    for name in ("people:detail", "people:edit", "people:deactivate"):
        response = client.get(reverse(name, args=[member_a.pk]))
        assert response.status_code == 404, name
        assert "GEN-404" in text(response)
    subscribe(operator_a, "e-rdv")
    profile = profile_services.create_profile(
        actor=SYSTEM, operator=operator_a, name="A seul", rights=["e-rdv:read"]
    )
    assert client.get(reverse("people:profile-edit", args=[profile.pk])).status_code == 404
    assert client.post(reverse("people:profile-delete", args=[profile.pk])).status_code == 404
    assert Profile.objects.filter(pk=profile.pk).exists()


def test_iam_07_admin_designates_a_person_with_a_profile(
    admin_a: User, operator_a: Any, templates: dict[str, Profile]
) -> None:
    subscribe(operator_a, "e-rdv")
    client = client_for(admin_a)
    form = text(client.get(reverse("people:create")))
    assert "Désigner une personne" in form and "Commandes (modèle du Fournisseur)" in form
    response = client.post(
        reverse("people:create"),
        {
            "username": "nina.roy",
            "email": "nina.roy@opea.example",
            "first_name": "Nina",
            "last_name": "Roy",
            "role": "member",
            "profiles": [templates["Commandes"].pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    page = text(response)
    assert "Identifiant nina.roy émis" in page
    assert "Émis, mot de passe à définir" in page
    assert "Réserver, modifier ou annuler un rendez-vous" in page  # effective right
    person = User.objects.get(username="nina.roy")
    assert list(person.profiles.all()) == [templates["Commandes"]]
    assert person.operator_id == operator_a.pk


def test_iam_10_refusal_shown_in_the_form(admin_a: User, templates: dict[str, Profile]) -> None:
    rdv = profile_services.create_profile(actor=SYSTEM, name="RDV seul", rights=["e-rdv:book"])
    response = client_for(admin_a).post(
        reverse("people:create"),
        {"username": "x.y", "email": "x@opea.example", "role": "member", "profiles": [rdv.pk]},
    )
    assert response.status_code == 200
    page = text(response)
    assert "IAM-044" in page and "ne donne aucun droit sur les e-services souscrits" in page
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    assert not User.objects.filter(username="x.y").exists()


def test_iam_07_edit_profiles_and_role_is_journaled(
    admin_a: User, member_a: User, operator_a: Any, templates: dict[str, Profile]
) -> None:
    subscribe(operator_a, "e-sav")
    client = client_for(admin_a)
    url = reverse("people:edit", args=[member_a.pk])
    assert "Modifier la personne membre.a" in text(client.get(url))
    response = client.post(
        url,
        {
            "first_name": "Lucie",
            "last_name": "Morel-Petit",
            "email": "lucie@opea.example",
            "role": "read_only",
            "profiles": [templates["SAV"].pk, templates["Consultation"].pk],
        },
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.last_name == "Morel-Petit" and member_a.role == Role.READ_ONLY
    assert {p.name for p in member_a.profiles.all()} == {"SAV", "Consultation"}
    update = AuditRecord.objects.filter(action="accounts.person.update").latest("id")
    assert update.after == {
        "last_name": "Morel-Petit",
        "email": "lucie@opea.example",
        "role": "read_only",
    }
    assignment = AuditRecord.objects.filter(action="accounts.person.profiles").latest("id")
    assert assignment.channel == "portal" and assignment.person_login == "admin.a"
    detail = text(client.get(reverse("people:detail", args=[member_a.pk])))
    # Read-only role: only the reading rights of the subscribed e-sav (and e-soutien) remain.
    assert "e-sav:read" in detail and "e-sav:test" not in detail


def test_iam_07_admin_cannot_change_own_role_in_the_form(admin_a: User) -> None:
    client = client_for(admin_a)
    form = text(client.get(reverse("people:edit", args=[admin_a.pk])))
    assert "Vous ne pouvez pas changer votre propre rôle" in form
    client.post(
        reverse("people:edit", args=[admin_a.pk]),
        {"first_name": "A", "last_name": "B", "email": "a@opea.example", "role": "member"},
    )
    admin_a.refresh_from_db()
    assert admin_a.role == Role.ADMIN  # a disabled field keeps its initial value


def test_iam_10_deactivate_kills_session_then_reactivate(admin_a: User, member_a: User) -> None:
    member_client = client_for(member_a)
    assert Session.objects.count() == 1
    client = client_for(admin_a)
    confirm = text(client.get(reverse("people:deactivate", args=[member_a.pk])))
    assert "Désactiver l'identifiant membre.a" in confirm
    page = text(client.post(reverse("people:deactivate", args=[member_a.pk]), follow=True))
    assert "Identifiant membre.a désactivé : ses sessions ont pris fin." in page
    assert "Désactivation manuelle" in page
    assert member_client.get(reverse("portal:dashboard")).status_code == 302
    page = text(client.post(reverse("people:reactivate", args=[member_a.pk]), follow=True))
    assert "Identifiant membre.a réactivé." in page
    member_a.refresh_from_db()
    assert member_a.state == "active" and member_a.is_active


def test_iam_10_admin_cannot_deactivate_itself(admin_a: User) -> None:
    client = client_for(admin_a)
    detail = text(client.get(reverse("people:detail", args=[admin_a.pk])))
    assert reverse("people:deactivate", args=[admin_a.pk]) not in detail
    response = client.post(reverse("people:deactivate", args=[admin_a.pk]))
    assert response.status_code == 403 and "IAM-050" in text(response)


def test_iam_07_admin_manages_own_profiles_not_templates(
    admin_a: User, operator_a: Any, templates: dict[str, Profile]
) -> None:
    subscribe(operator_a, "e-rdv")
    client = client_for(admin_a)
    listing = text(client.get(reverse("people:profiles")))
    assert "Modèles du Fournisseur" in listing and "Consultation" in listing
    assert reverse("people:profile-edit", args=[templates["SAV"].pk]) not in listing
    form = text(client.get(reverse("people:profile-create")))
    assert "e-service non souscrit" in form  # e-sav, e-mutation… marked, not offered
    assert 'value="users:administer"' not in form
    refused = client.post(
        reverse("people:profile-create"), {"name": "SAV", "rights": ["e-sav:file"]}
    )
    assert "IAM-043" in text(refused)
    created = client.post(
        reverse("people:profile-create"),
        {"name": "Planification", "description": "RDV", "rights": ["e-rdv:read", "e-rdv:book"]},
        follow=True,
    )
    assert "Profil « Planification » créé." in text(created)
    profile = Profile.objects.get(name="Planification")
    assert profile.operator_id == operator_a.pk
    edit = client.get(reverse("people:profile-edit", args=[templates["SAV"].pk]))
    assert edit.status_code == 403 and "IAM-045" in text(edit)
    deleted = client.post(reverse("people:profile-delete", args=[profile.pk]), follow=True)
    assert "Profil « Planification » supprimé." in text(deleted)


def test_iam_07_provider_defines_templates_and_sees_every_operator(
    provider_staff: User, admin_a: User, admin_b: User
) -> None:
    client = client_for(provider_staff)
    people = table(client.get(reverse("people:backoffice-list")))
    assert "admin.a" in people and "admin.b" in people and "agent.fournisseur" not in people
    only_b = text(
        client.get(reverse("people:backoffice-list") + f"?operator={admin_b.operator_id}")
    )
    assert "admin.b" in only_b and "admin.a" not in only_b and "1 / 100 identifiants" in only_b
    created = client.post(
        reverse("people:profile-create"),
        {"name": "Échanges", "rights": ["eep:read", "eep:exchange"]},
        follow=True,
    )
    assert "Profil « Échanges » créé." in text(created)
    assert Profile.objects.get(name="Échanges").operator_id is None
    assert "Échanges" in text(client.get(reverse("people:backoffice-profiles")))


def test_iam_06_detail_links_to_loss_declaration_and_new_link(
    admin_a: User, member_a: User
) -> None:
    client = client_for(admin_a)
    detail = text(client.get(reverse("people:detail", args=[member_a.pk])))
    assert "Déclarer une perte ou une fraude" in detail
    assert reverse("identifiers:declare_lost", args=[member_a.pk]) in detail
    client.post(
        reverse("people:create"),
        {"username": "neuf.a", "email": "n@opea.example", "role": "member"},
    )
    pending = User.objects.get(username="neuf.a")
    page = text(client.get(reverse("people:detail", args=[pending.pk])))
    assert "Émis, mot de passe à définir" in page
    assert reverse("identifiers:reissue", args=[pending.pk]) in page
    # Never initialised: deactivated, it cannot come back (a new identifier is issued instead).
    client.post(reverse("people:deactivate", args=[pending.pk]))
    refused = client.post(reverse("people:reactivate", args=[pending.pk]))
    assert refused.status_code == 409 and "IAM-049" in text(refused)
