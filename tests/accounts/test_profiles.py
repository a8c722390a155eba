"""Profiles and rights (IAM-07, IAM-08, IAM-10): the catalogue, the effective rights of a
person, Provider templates, operators' own profiles and their assignment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from guichet.accounts import selectors
from guichet.accounts.models import Profile, Role, User
from guichet.accounts.rights import (
    ADMINISTER,
    ALL_RIGHTS,
    CATALOGUE,
    PLATFORM_AREAS,
    RIGHTS,
    effective_rights,
    rights_of,
)
from guichet.accounts.services import profiles as services
from guichet.audit.models import AuditRecord
from guichet.core.errors import GuichetError
from guichet.operators.models import EService
from tests.accounts.people_support import (
    SYSTEM,
    as_principal,
    give_profile,
    subscribe,
)
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _raises(code: str, call: Any, **kwargs: Any) -> GuichetError:
    with pytest.raises(GuichetError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


@pytest.fixture
def member_a(operator_a: Any) -> User:
    return make_person("membre.a", operator_a, Role.MEMBER)


# --- The catalogue -------------------------------------------------------------------


def test_iam_07_catalogue_areas_are_eservices_or_platform_areas() -> None:
    services = set(EService.objects.values_list("code", flat=True))
    assert services, "the e-service catalogue migration must have run"
    for right in CATALOGUE:
        assert right.area in services | set(PLATFORM_AREAS), right.code
        assert str(right.label) and right.feature
    # Every e-service of Annex 1 can be granted, at least for reading or using it.
    assert services <= {right.area for right in CATALOGUE}
    assert len(RIGHTS) == len(CATALOGUE)


# --- Effective rights ----------------------------------------------------------------


def test_iam_07_rights_are_the_union_of_the_profiles(operator_a: Any, member_a: User) -> None:
    subscribe(operator_a, "e-rdv", "e-sav")
    give_profile(member_a, "RDV", ["e-rdv:read", "e-rdv:book"])
    give_profile(member_a, "SAV lecture", ["e-sav:read", "e-rdv:read"])
    assert rights_of(User.objects.get(pk=member_a.pk)) == {
        "e-rdv:read",
        "e-rdv:book",
        "e-sav:read",
    }


def test_iam_10_rights_restricted_to_subscriptions_in_force_today(
    operator_a: Any, operator_b: Any, member_a: User
) -> None:
    today = timezone.localdate()
    subscribe(operator_a, "e-rdv")
    subscribe(operator_a, "e-sav", ends_on=today)  # ended this morning
    subscribe(operator_a, "e-mutation", activated_on=today + timedelta(days=1))  # tomorrow
    subscribe(operator_b, "tao")  # another operator's subscription gives nothing to A
    template = services.create_profile(
        actor=SYSTEM,
        name="Tout",
        rights=["e-rdv:book", "e-sav:file", "e-mutation:mutate", "tao:read"],
    )
    services.assign_profiles(actor=SYSTEM, person=member_a, profiles=[template])
    assert rights_of(User.objects.get(pk=member_a.pk)) == {"e-rdv:book"}


def test_iam_08_e_soutien_and_platform_areas_need_no_subscription(member_a: User) -> None:
    template = services.create_profile(
        actor=SYSTEM,
        name="Socle",
        rights=[
            "e-soutien:file",
            "contracts:read",
            "invoices:read",
            "security:declare",
            "tao:read",
        ],
    )
    services.assign_profiles(actor=SYSTEM, person=member_a, profiles=[template])
    assert rights_of(User.objects.get(pk=member_a.pk)) == {
        "e-soutien:file",
        "contracts:read",
        "invoices:read",
        "security:declare",
    }


def test_iam_07_read_only_role_keeps_only_read_rights(operator_a: Any, reader_a: User) -> None:
    subscribe(operator_a, "e-rdv")
    give_profile(reader_a, "RDV", ["e-rdv:read", "e-rdv:book", "e-soutien:file", "users:read"])
    assert rights_of(User.objects.get(pk=reader_a.pk)) == {"e-rdv:read", "users:read"}


def test_iam_07_administer_comes_only_with_the_admin_role(
    admin_a: User, member_a: User, operator_a: Any
) -> None:
    assert ADMINISTER in rights_of(admin_a)
    assert ADMINISTER not in rights_of(member_a)
    # No profile can carry it: neither a template nor an operator's own profile…
    _raises("IAM-041", services.create_profile, actor=SYSTEM, name="X", rights=[ADMINISTER])
    _raises(
        "IAM-041",
        services.create_profile,
        actor=as_principal(admin_a),
        name="Escalade",
        rights=[ADMINISTER],
    )
    # …and a stray one in stored data would be ignored anyway.
    assert effective_rights([ADMINISTER], role=Role.MEMBER, subscribed_services=[]) == set()


def test_iam_07_provider_staff_hold_every_right_and_inactive_people_none(
    provider_staff: User, member_a: User
) -> None:
    assert rights_of(provider_staff) == ALL_RIGHTS
    give_profile(member_a, "Support", ["e-soutien:file"])
    member_a.state = "deactivated"
    member_a.is_active = False
    assert rights_of(member_a) == frozenset()


def test_iam_07_rights_of_costs_two_queries_then_nothing(
    operator_a: Any, member_a: User, django_assert_num_queries: Any
) -> None:
    subscribe(operator_a, "e-rdv")
    give_profile(member_a, "RDV", ["e-rdv:book"])
    person = User.objects.get(pk=member_a.pk)
    with django_assert_num_queries(2):
        first = rights_of(person)
    with django_assert_num_queries(0):
        assert rights_of(person) is first


def test_iam_08_principal_picks_rights_through_user_rights(operator_a: Any, member_a: User) -> None:
    """The real door: ``principal_for_user`` reads ``User.rights()``, no monkeypatch."""
    assert "rights" in User.__dict__
    subscribe(operator_a, "e-rdv")
    give_profile(member_a, "RDV", ["e-rdv:book"])
    principal = as_principal(User.objects.get(pk=member_a.pk))
    assert principal.rights == {"e-rdv:book"}
    assert principal.has_right("e-rdv:book") and not principal.has_right("e-sav:file")


# --- Templates -----------------------------------------------------------------------


def test_iam_07_default_templates_are_created_once(capsys: Any) -> None:
    first = services.ensure_profile_templates()
    assert [p.name for p in first] == ["Consultation", "Commandes", "SAV", "Administrateur"]
    assert all(p.operator_id is None for p in first)
    assert not any(ADMINISTER in p.rights for p in first)
    call_command("load_profile_templates")
    assert "Modèles de profils prêts." in capsys.readouterr().out
    assert Profile.objects.filter(operator__isnull=True).count() == 4
    assert AuditRecord.objects.filter(action="accounts.profile.create").count() == 4


def test_iam_07_operator_admin_cannot_change_templates(admin_a: User) -> None:
    template = services.ensure_profile_templates()[0]
    _raises(
        "IAM-045",
        services.update_profile,
        actor=as_principal(admin_a),
        profile=template,
        name="Renommé",
    )
    _raises("IAM-045", services.delete_profile, actor=as_principal(admin_a), profile=template)


# --- Operators' own profiles ---------------------------------------------------------


def test_iam_07_operator_admin_creates_own_profile_within_subscriptions(
    operator_a: Any, admin_a: User
) -> None:
    subscribe(operator_a, "e-rdv")
    actor = as_principal(admin_a)
    profile = services.create_profile(
        actor=actor, name="Planif", rights=["e-rdv:book", "e-rdv:read", "e-soutien:file"]
    )
    assert profile.operator_id == operator_a.pk
    assert profile.rights == ["e-rdv:read", "e-rdv:book", "e-soutien:file"]  # catalogue order
    entry = AuditRecord.objects.get(action="accounts.profile.create", object_id=str(profile.pk))
    assert entry.person_login == admin_a.username and entry.after["name"] == "Planif"
    error = _raises(
        "IAM-043", services.create_profile, actor=actor, name="SAV", rights=["e-sav:file"]
    )
    assert "e-sav" in error.message("fr")
    _raises("IAM-040", services.create_profile, actor=actor, name="Y", rights=["e-rdv:fly"])
    _raises("IAM-042", services.create_profile, actor=actor, name="planif", rights=[])


def test_iam_07_member_cannot_create_profiles(member_a: User) -> None:
    _raises(
        "GEN-403-RIGHT", services.create_profile, actor=as_principal(member_a), name="Z", rights=[]
    )


def test_iam_10_other_operator_profile_is_not_found(
    operator_a: Any, admin_a: User, admin_b: User
) -> None:
    subscribe(operator_a, "e-rdv")
    profile = services.create_profile(
        actor=as_principal(admin_a), name="RDV", rights=["e-rdv:read"]
    )
    other = as_principal(admin_b)
    _raises("GEN-404", selectors.profile_for, actor=other, pk=profile.pk)
    _raises("GEN-404", services.update_profile, actor=other, profile=profile, name="Volé")
    _raises("GEN-404", services.delete_profile, actor=other, profile=profile)
    assert profile not in selectors.profiles_for(other)


# --- Assignment ----------------------------------------------------------------------


def test_iam_07_assignment_is_journaled_and_rights_follow(
    operator_a: Any, admin_a: User, member_a: User
) -> None:
    subscribe(operator_a, "e-sav")
    templates = {p.name: p for p in services.ensure_profile_templates()}
    actor = as_principal(admin_a)
    services.assign_profiles(actor=actor, person=member_a, profiles=[templates["SAV"]])
    entry = AuditRecord.objects.filter(action="accounts.person.profiles").latest("id")
    assert entry.object_id == str(member_a.pk) and entry.person_login == admin_a.username
    assert entry.before == {"profiles": []}
    assert entry.after == {"profiles": [{"id": templates["SAV"].pk, "name": "SAV"}]}
    assert rights_of(User.objects.get(pk=member_a.pk)) == {
        "e-sav:read",
        "e-sav:test",
        "e-sav:file",
        "e-soutien:read",
        "e-soutien:file",
    }
    # Assigning the same set again changes nothing and journals nothing.
    count = AuditRecord.objects.count()
    services.assign_profiles(actor=actor, person=member_a, profiles=[templates["SAV"]])
    assert AuditRecord.objects.count() == count


def test_iam_10_profile_outside_subscriptions_is_refused(
    operator_a: Any, admin_a: User, member_a: User
) -> None:
    rdv_only = services.create_profile(actor=SYSTEM, name="RDV seul", rights=["e-rdv:book"])
    error = _raises(
        "IAM-044",
        services.assign_profiles,
        actor=as_principal(admin_a),
        person=member_a,
        profiles=[rdv_only],
    )
    assert "RDV seul" in error.message("fr")
    assert not member_a.profiles.exists()
    subscribe(operator_a, "e-rdv")
    services.assign_profiles(actor=as_principal(admin_a), person=member_a, profiles=[rdv_only])
    assert list(member_a.profiles.all()) == [rdv_only]


def test_iam_10_cross_operator_assignment_refused(
    operator_a: Any, operator_b: Any, admin_a: User, admin_b: User, member_a: User
) -> None:
    subscribe(operator_b, "e-rdv")
    subscribe(operator_a, "e-rdv")
    profile_b = services.create_profile(
        actor=as_principal(admin_b), name="B", rights=["e-rdv:read"]
    )
    # A's admin cannot even name B's profile; the Provider gets a clear refusal.
    _raises(
        "GEN-404",
        services.assign_profiles,
        actor=as_principal(admin_a),
        person=member_a,
        profiles=[profile_b],
    )
    _raises(
        "IAM-048", services.assign_profiles, actor=SYSTEM, person=member_a, profiles=[profile_b]
    )
    # B's admin cannot touch A's people.
    _raises(
        "GEN-404",
        services.assign_profiles,
        actor=as_principal(admin_b),
        person=member_a,
        profiles=[profile_b],
    )


def test_iam_07_profile_in_use_cannot_be_deleted(
    operator_a: Any, admin_a: User, member_a: User
) -> None:
    subscribe(operator_a, "e-rdv")
    actor = as_principal(admin_a)
    profile = services.create_profile(actor=actor, name="RDV", rights=["e-rdv:read"])
    services.assign_profiles(actor=actor, person=member_a, profiles=[profile])
    _raises("IAM-046", services.delete_profile, actor=actor, profile=profile)
    services.assign_profiles(actor=actor, person=member_a, profiles=[])
    services.delete_profile(actor=actor, profile=profile)
    assert not Profile.objects.filter(pk=profile.pk).exists()
    assert AuditRecord.objects.filter(action="accounts.profile.delete").exists()


def test_iam_07_profile_rights_change_applies_to_holders(
    operator_a: Any, admin_a: User, member_a: User
) -> None:
    subscribe(operator_a, "e-rdv", "e-sav")
    actor = as_principal(admin_a)
    profile = services.create_profile(actor=actor, name="Terrain", rights=["e-rdv:read"])
    services.assign_profiles(actor=actor, person=member_a, profiles=[profile])
    services.update_profile(actor=actor, profile=profile, rights=["e-rdv:read", "e-sav:test"])
    assert rights_of(User.objects.get(pk=member_a.pk)) == {"e-rdv:read", "e-sav:test"}
    entry = AuditRecord.objects.filter(action="accounts.profile.update").latest("id")
    assert entry.before == {"rights": ["e-rdv:read"]}
    assert entry.after == {"rights": ["e-rdv:read", "e-sav:test"]}
