"""Every read of operators, scoped to the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from guichet.core.context import Principal
from guichet.core.scoping import get_scoped, scope
from guichet.operators.memos import ACCESS
from guichet.operators.models import (
    IncidentStatus,
    Operator,
    SecurityIncident,
    Subscription,
    Suspension,
    WholesaleContract,
)


def operators_for(actor: Principal) -> QuerySet[Operator]:
    """The operators ``actor`` may see: all for the Provider, its own for an operator."""
    return scope(Operator.objects.all(), actor, operator_field="pk")


def operator_for(actor: Principal, pk: int) -> Operator:
    """One operator within scope, or GEN-404."""
    return get_scoped(Operator.objects.all(), actor, operator_field="pk", pk=pk)


def active_subscriptions_for(actor: Principal, *, on: date | None = None) -> QuerySet[Subscription]:
    """The subscriptions in force on ``on`` (today by default) within the caller's scope."""
    day = on or timezone.localdate()
    return (
        scope(Subscription.objects.select_related("service", "operator"), actor)
        .filter(activated_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
    )


# Security operations (SEC-07, SEC-08) ---------------------------------------------

SECURITY_DECLARE = "security:declare"
USERS_ADMINISTER = "users:administer"


def is_operator_admin(actor: Principal) -> bool:
    """An operator's administrator: right ``users:administer``, or role ADMIN until rights are wired."""
    if not actor.is_operator:
        return False
    # Imported here: accounts' rights read the operators' selectors at import time.
    from guichet.accounts.models import Role

    return actor.has_right(USERS_ADMINISTER) or getattr(actor.user, "role", None) == Role.ADMIN


def may_handle_incidents(actor: Principal) -> bool:
    """Provider staff, or an operator's person with ``security:declare`` or its administrator."""
    return actor.is_provider or (
        actor.is_operator and (actor.has_right(SECURITY_DECLARE) or is_operator_admin(actor))
    )


def operators_by_state_for(
    actor: Principal, *, search: str = "", suspended: bool | None = None
) -> QuerySet[Operator]:
    """Operators within scope, searched by name, ARCEP code or SIREN, optionally by suspension."""
    queryset = operators_for(actor)
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(arcep_code__iexact=search) | Q(siren=search)
        )
    if suspended is not None:
        queryset = queryset.filter(suspended_at__isnull=not suspended)
    return queryset.order_by("name")


def suspensions_for(actor: Principal, operator: Operator) -> QuerySet[Suspension]:
    """The suspension history of one operator (newest first), within scope."""
    return scope(Suspension.objects.filter(operator=operator), actor).order_by("-suspended_at")


def open_suspension(operator: Operator) -> Suspension | None:
    """The suspension in force for ``operator``, if any (internal to the suspension services)."""
    return (
        Suspension.objects.filter(operator=operator, lifted_at__isnull=True)
        .order_by("-suspended_at")
        .first()
    )


def incidents_for(actor: Principal, *, status: str = "") -> QuerySet[SecurityIncident]:
    """Security incidents within scope (Provider: all; operator: its own), newest first."""
    if not may_handle_incidents(actor):
        return SecurityIncident.objects.none()
    queryset = scope(SecurityIncident.objects.select_related("operator"), actor)
    if status in IncidentStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def incident_for(actor: Principal, pk: int) -> SecurityIncident:
    """One incident within scope, or GEN-404."""
    return get_scoped(incidents_for(actor), actor, pk=pk)


# What an operator may use, read on every call of an e-service -------------------------------


@dataclass(frozen=True)
class Entitlements:
    """An operator's subscriptions in force today (by e-service code) and contract offers."""

    operator: Operator
    subscriptions: dict[str, Subscription]
    offers: frozenset[str]


def entitlements_of(operator_id: int) -> Entitlements | None:
    """What ``operator_id`` may use today (None for an unknown operator), remembered a while.

    Not scoped: the doors ask it about the caller's own operator, to refuse or admit a call.
    """
    return ACCESS.get(
        ("entitlements", operator_id, timezone.localdate()), lambda: _entitlements(operator_id)
    )


def _entitlements(operator_id: int) -> Entitlements | None:
    operator = Operator.objects.filter(pk=operator_id).first()
    if operator is None:
        return None
    viewer = Principal(person_id=None, login="entitlements", operator_id=operator_id)
    subscriptions: dict[str, Subscription] = {}
    for subscription in active_subscriptions_for(viewer).order_by("-pk"):
        subscriptions[subscription.service.code] = subscription
    offers = WholesaleContract.objects.filter(operator_id=operator_id, ended_on__isnull=True)
    return Entitlements(
        operator=operator,
        subscriptions=subscriptions,
        offers=frozenset(offers.values_list("offer", flat=True)),
    )
