"""Every read of people, scoped to the caller."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.accounts.identifier_selectors import identifiers_in_use
from guichet.accounts.models import Profile, User
from guichet.accounts.rights import ADMINISTER
from guichet.audit.models import AuditRecord
from guichet.audit.selectors import journal_for
from guichet.core.context import Principal
from guichet.core.errors import MISSING_RIGHT, NOT_FOUND, GuichetError
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
    """Identifiers counted against the cap of 100 (IAM-02), exactly as issuance counts them,
    for an operator ``actor`` may see (GEN-404 otherwise)."""
    if not actor.is_provider and actor.operator_id != operator_id:
        raise GuichetError(NOT_FOUND)
    return identifiers_in_use(operator_id)


def identifier_cap() -> int:
    """The cap of Annex 4 (``GUICHET_MAX_IDENTIFIERS``, 100)."""
    return settings.GUICHET_MAX_IDENTIFIERS


def service_names() -> dict[str, str]:
    """Names of the e-services of the catalogue, by code, in catalogue order."""
    return dict(EService.objects.order_by("position", "name").values_list("code", "name"))


# ---------------------------------------------------------------------------
# Logins: lockouts and history (IAM-11).
# ---------------------------------------------------------------------------

# Journal actions shown in a login history, with the French label of each.
LOGIN_HISTORY_ACTIONS = {
    "accounts.login.success": _("Connexion réussie"),
    "accounts.login.failed": _("Échec de connexion (mot de passe incorrect)"),
    "accounts.login.second_factor_failed": _("Échec du second facteur"),
    "accounts.login.locked_out": _("Connexion refusée : identifiant bloqué"),
    "accounts.login.unlock_requested": _("Lien de déblocage demandé"),
    "accounts.login.unlocked": _("Identifiant débloqué"),
    "accounts.logout": _("Déconnexion"),
    "accounts.session.locked": _("Session verrouillée (inactivité)"),
    "accounts.session.expired": _("Session expirée (durée maximale)"),
}
# Actions journaled by the person itself (person_id); the others name it as their object.
_OWN_ACTIONS = (
    "accounts.login.success",
    "accounts.logout",
    "accounts.session.locked",
    "accounts.session.expired",
    "accounts.login.second_factor_failed",
)


def person_by_login(login: str) -> User | None:
    """The identifier ``login`` names (case-insensitive), deleted ones included, or None."""
    login = (login or "").strip()
    if not login:
        return None
    return User.objects.select_related("operator").filter(username__iexact=login).first()


def attempted_logins(person: User) -> list[str]:
    """Every spelling of ``person``'s login that failed attempts were recorded under."""
    spellings = AccessAttempt.objects.filter(username__iexact=person.username)
    return sorted(set(spellings.values_list("username", flat=True)) | {person.username})


def failed_attempts(person: User) -> int:
    """Failed logins counted against ``person``'s identifier within the cool-off window."""
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    total = AccessAttempt.objects.filter(
        username__iexact=person.username, attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def is_locked_out(person: User) -> bool:
    """django-axes refuses this identifier's logins until the cool-off ends or an unlock."""
    return failed_attempts(person) >= settings.AXES_FAILURE_LIMIT


def history_person_for(actor: Principal, pk: int) -> User:
    """A person whose login history ``actor`` may read: itself, or a person it administers."""
    if actor.person_id == pk:
        return get_scoped(people_for(actor), actor, pk=pk)
    if not actor.has_right(ADMINISTER):
        raise GuichetError(MISSING_RIGHT, right=ADMINISTER)
    return get_scoped(people_for(actor), actor, pk=pk)


def login_history_for(actor: Principal, person: User) -> QuerySet[AuditRecord]:
    """The login events of ``person`` (newest first) within ``actor``'s journal."""
    own = Q(person_id=person.pk, action__in=_OWN_ACTIONS)
    named = Q(object_type="accounts.user", object_id=str(person.pk)) & ~Q(action__in=_OWN_ACTIONS)
    return journal_for(actor).filter(Q(action__in=list(LOGIN_HISTORY_ACTIONS)) & (own | named))
