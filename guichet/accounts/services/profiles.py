"""Profiles (« Profils », IAM-07): Provider templates, operators' own profiles, assignment.

The Provider's staff define templates (``operator`` empty) usable by every operator; an
operator's administrator defines its own profiles within the rights catalogue and the
e-services its operator subscribes to, and assigns templates or its own profiles to its
people. Every change is journaled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from guichet.accounts.errors.people import (
    PROFILE_IN_USE,
    PROFILE_INVALID,
    PROFILE_NAME_TAKEN,
    PROFILE_OTHER_OPERATOR,
    PROFILE_OUTSIDE_SUBSCRIPTIONS,
    ROLE_BOUND_RIGHT,
    SERVICE_NOT_SUBSCRIBED,
    TEMPLATE_PROVIDER_ONLY,
    UNKNOWN_RIGHT,
)
from guichet.accounts.models import Profile, User
from guichet.accounts.rights import (
    ADMINISTER,
    CATALOGUE,
    RIGHTS,
    ROLE_BOUND_RIGHTS,
    area_of,
    available_areas,
    forget_rights,
    subscribed_services_of,
)
from guichet.audit.recorder import changes, record
from guichet.core.context import Principal
from guichet.core.errors import MISSING_RIGHT, NOT_FOUND, GuichetError
from guichet.operators.models import Operator

# The Provider's default templates (ensure_profile_templates). Role-bound rights
# (users:administer) are never in a profile: they come with the admin role.
_EVERY_SERVICE_READ = [
    "eligibilite-ftte:read",
    "tao:read",
    "e-rdv:read",
    "e-sav:read",
    "e-mutation:read",
    "e-soutien:read",
    "eep:read",
]
DEFAULT_TEMPLATES: tuple[tuple[str, str, list[str]], ...] = (
    (
        "Consultation",
        "Consultation seule de chaque e-service souscrit et des contrats.",
        [*_EVERY_SERVICE_READ, "contracts:read"],
    ),
    (
        "Commandes",
        "Éligibilité, adresses, prise de rendez-vous et mutations de fibre ; signalisations e-soutien.",
        [
            "eligibilite-ftte:read",
            "tao:read",
            "e-rdv:read",
            "e-rdv:book",
            "e-mutation:read",
            "e-mutation:mutate",
            "e-soutien:read",
            "e-soutien:file",
        ],
    ),
    (
        "SAV",
        "Tests et signalisations du service après-vente ; signalisations e-soutien.",
        [
            "tao:read",
            "e-sav:read",
            "e-sav:test",
            "e-sav:file",
            "e-soutien:read",
            "e-soutien:file",
        ],
    ),
    (
        "Administrateur",
        "Tous les droits ; à attribuer avec le rôle Administrateur, qui seul permet d'administrer les personnes.",
        [right.code for right in CATALOGUE if right.code not in ROLE_BOUND_RIGHTS],
    ),
)


def require_administer(actor: Principal, operator_id: int | None) -> None:
    """The actor administers ``operator_id``'s people: Provider staff, or its own admin.

    Another operator's objects answer GEN-404, never a hint that they exist.
    """
    if actor.is_provider:
        return
    if operator_id is None or actor.operator_id != operator_id:
        raise GuichetError(NOT_FOUND)
    if not actor.has_right(ADMINISTER):
        raise GuichetError(MISSING_RIGHT, right=ADMINISTER)


def clean_rights(rights: Iterable[str]) -> list[str]:
    """Known, grantable rights, without duplicates, in catalogue order."""
    codes = {str(code).strip() for code in rights}
    for code in sorted(codes):
        if code not in RIGHTS:
            raise GuichetError(UNKNOWN_RIGHT, field="rights", right=code)
        if code in ROLE_BOUND_RIGHTS:
            raise GuichetError(ROLE_BOUND_RIGHT, field="rights", right=code)
    return [right.code for right in CATALOGUE if right.code in codes]


def check_rights_subscribed(rights: Iterable[str], operator_id: int) -> None:
    """An operator's own profile grants only what the operator may use today (IAM-10)."""
    areas = available_areas(subscribed_services_of(operator_id))
    for code in rights:
        if area_of(code) not in areas:
            raise GuichetError(
                SERVICE_NOT_SUBSCRIBED, field="rights", service=area_of(code), right=code
            )


def _snapshot(profile: Profile) -> dict[str, Any]:
    return {
        "operator_id": profile.operator_id,
        "name": profile.name,
        "description": profile.description,
        "rights": list(profile.rights),
    }


def _save(profile: Profile) -> None:
    name = profile.name.strip()
    if not name:
        raise GuichetError(PROFILE_INVALID, field="name", detail="le nom est obligatoire")
    if len(name) > 100:
        raise GuichetError(PROFILE_INVALID, field="name", detail="100 caractères au plus")
    profile.name = name
    taken = Profile.objects.filter(operator_id=profile.operator_id, name__iexact=name)
    if taken.exclude(pk=profile.pk).exists():
        raise GuichetError(PROFILE_NAME_TAKEN, field="name", name=name)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        raise GuichetError(PROFILE_NAME_TAKEN, field="name", name=name) from exc


@transaction.atomic
def create_profile(
    *,
    actor: Principal,
    name: str,
    rights: Iterable[str],
    description: str = "",
    operator: Operator | None = None,
) -> Profile:
    """Create a profile: a Provider template (``operator`` None, Provider only) or an operator's own."""
    if not actor.is_provider:
        # An operator's admin always creates for its own operator.
        operator_id = actor.operator_id
        require_administer(actor, operator_id)
        if operator is not None and operator.pk != operator_id:
            raise GuichetError(NOT_FOUND)
    else:
        operator_id = operator.pk if operator is not None else None
    codes = clean_rights(rights)
    if operator_id is not None:
        check_rights_subscribed(codes, operator_id)
    profile = Profile(operator_id=operator_id, name=name, description=description, rights=codes)
    _save(profile)
    record(actor, "accounts.profile.create", target=profile, after=_snapshot(profile))
    return profile


def _require_editable(actor: Principal, profile: Profile) -> None:
    if profile.operator_id is not None:
        require_administer(actor, profile.operator_id)
    elif not actor.is_provider:
        if not actor.has_right(ADMINISTER):
            raise GuichetError(MISSING_RIGHT, right=ADMINISTER)
        raise GuichetError(TEMPLATE_PROVIDER_ONLY)


@transaction.atomic
def update_profile(
    *,
    actor: Principal,
    profile: Profile,
    name: str | None = None,
    description: str | None = None,
    rights: Iterable[str] | None = None,
) -> Profile:
    """Change a profile's name, description or rights; the people holding it follow at once."""
    _require_editable(actor, profile)
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    before = _snapshot(profile)
    if name is not None:
        profile.name = name
    if description is not None:
        profile.description = description
    if rights is not None:
        codes = clean_rights(rights)
        if profile.operator_id is not None:
            added = [code for code in codes if code not in before["rights"]]
            check_rights_subscribed(added, profile.operator_id)
        profile.rights = codes
    old, new = changes(before, _snapshot(profile))
    if new:
        _save(profile)
        record(actor, "accounts.profile.update", target=profile, before=old, after=new)
    return profile


@transaction.atomic
def delete_profile(*, actor: Principal, profile: Profile) -> None:
    """Delete a profile nobody holds any more."""
    _require_editable(actor, profile)
    holders = profile.people.count()
    if holders:
        raise GuichetError(PROFILE_IN_USE, profile=profile.name, count=holders)
    before = _snapshot(profile)
    pk = profile.pk
    profile.delete()
    record(
        actor,
        "accounts.profile.delete",
        object_type="accounts.profile",
        object_id=pk,
        before=before,
    )


def profile_refs(profiles: Iterable[Profile]) -> list[dict[str, Any]]:
    """How the journal names profiles: id and name, sorted by name."""
    return [{"id": p.pk, "name": p.name} for p in sorted(profiles, key=lambda p: (p.name, p.pk))]


def check_assignable(actor: Principal, operator_id: int, profiles: Sequence[Profile]) -> None:
    """Templates and the operator's own profiles only, each granting something subscribed."""
    subscribed: frozenset[str] | None = None
    for profile in profiles:
        if profile.operator_id not in (None, operator_id):
            if not actor.is_provider:
                raise GuichetError(NOT_FOUND)
            raise GuichetError(PROFILE_OTHER_OPERATOR, field="profiles", profile=profile.name)
        if subscribed is None:
            subscribed = available_areas(subscribed_services_of(operator_id))
        grantable = [
            code
            for code in profile.rights
            if code in RIGHTS and code not in ROLE_BOUND_RIGHTS and area_of(code) in subscribed
        ]
        if not grantable:
            raise GuichetError(
                PROFILE_OUTSIDE_SUBSCRIPTIONS, field="profiles", profile=profile.name
            )


def set_profiles(*, actor: Principal, person: User, profiles: Iterable[Profile]) -> bool:
    """Replace ``person``'s profiles (call inside a service's transaction); journaled if changed."""
    require_administer(actor, person.operator_id)
    wanted = {profile.pk: profile for profile in profiles}
    current = {profile.pk: profile for profile in person.profiles.all()}
    if set(wanted) == set(current):
        return False
    added = [profile for pk, profile in wanted.items() if pk not in current]
    check_assignable(actor, person.operator_id, added)
    person.profiles.set(list(wanted.values()))
    forget_rights(person)
    record(
        actor,
        "accounts.person.profiles",
        target=person,
        before={"profiles": profile_refs(current.values())},
        after={"profiles": profile_refs(wanted.values())},
    )
    return True


@transaction.atomic
def assign_profiles(*, actor: Principal, person: User, profiles: Iterable[Profile]) -> User:
    """Give ``person`` exactly these profiles (IAM-07)."""
    set_profiles(actor=actor, person=person, profiles=profiles)
    return person


@transaction.atomic
def ensure_profile_templates(*, actor: Principal | None = None) -> list[Profile]:
    """Create the Provider's default templates that are missing (idempotent; existing ones are kept)."""
    actor = actor or Principal.system("profile-templates")
    templates = []
    for name, description, rights in DEFAULT_TEMPLATES:
        profile = Profile.objects.filter(operator__isnull=True, name=name).first()
        if profile is None:
            profile = create_profile(actor=actor, name=name, description=description, rights=rights)
        templates.append(profile)
    return templates
