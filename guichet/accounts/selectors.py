"""Every read of people, scoped to the caller."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from guichet.accounts.choices import IdentifierState
from guichet.accounts.models import Profile, User
from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import get_scoped, scope
from guichet.operators.models import EService


def people_for(actor: Principal) -> QuerySet[User]:
    """People ``actor`` may see: everyone for the Provider, its operator's people otherwise."""
    return scope(User.objects.select_related("operator"), actor)


# ---------------------------------------------------------------------------
# People administration and profiles (IAM-07, IAM-10) — owned by the profiles feature.
# ---------------------------------------------------------------------------


def administered_people_for(actor: Principal) -> QuerySet[User]:
    """Operators' people ``actor`` may administer or read (the Provider's staff excluded)."""
    return (
        scope(User.objects.filter(operator__isnull=False), actor)
        .select_related("operator")
        .prefetch_related("profiles")
    )


def administered_person_for(actor: Principal, pk: int) -> User:
    """One operator's person within scope, or GEN-404."""
    return get_scoped(administered_people_for(actor), actor, pk=pk)


def profiles_for(actor: Principal) -> QuerySet[Profile]:
    """Profiles ``actor`` may see: the Provider's templates and its operator's own profiles."""
    queryset = Profile.objects.select_related("operator")
    if actor.is_provider:
        return queryset.annotate(holders=Count("people"))
    if actor.operator_id is None:
        return queryset.none()
    # ``holders`` counts only the caller's own people: other operators' use stays private.
    return queryset.filter(Q(operator__isnull=True) | Q(operator_id=actor.operator_id)).annotate(
        holders=Count("people", filter=Q(people__operator_id=actor.operator_id))
    )


def profile_for(actor: Principal, pk: int) -> Profile:
    """One visible profile, or GEN-404."""
    try:
        return profiles_for(actor).get(pk=pk)
    except Profile.DoesNotExist as exc:
        raise GuichetError(NOT_FOUND) from exc


def assignable_profiles_for(actor: Principal, operator_id: int) -> QuerySet[Profile]:
    """Profiles that may be given to ``operator_id``'s people: templates and its own."""
    return profiles_for(actor).filter(Q(operator__isnull=True) | Q(operator_id=operator_id))


def identifiers_used(actor: Principal, operator_id: int) -> int:
    """Identifiers counted against the cap of 100 (IAM-02) as issuance counts them: every
    state but deleted, an identifier replaced after a loss counting once with its successor."""
    return (
        administered_people_for(actor)
        .filter(operator_id=operator_id, replaced_by__isnull=True)
        .exclude(state=IdentifierState.DELETED)
        .count()
    )


def identifier_cap() -> int:
    """The cap of Annex 4 (``GUICHET_MAX_IDENTIFIERS``, 100)."""
    return settings.GUICHET_MAX_IDENTIFIERS


def service_names() -> dict[str, str]:
    """Names of the e-services of the catalogue, by code, in catalogue order."""
    return dict(EService.objects.order_by("position", "name").values_list("code", "name"))
