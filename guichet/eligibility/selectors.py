"""Every read of eligibility, scoped to the caller (another operator's qualification: GEN-404)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import get_scoped, scope
from guichet.eligibility.choices import Scope
from guichet.eligibility.errors import PROVIDER_ONLY
from guichet.eligibility.models import ExclusionZone, Qualification, TemporaryFreeze
from guichet.eligibility.rules import Constraint


def qualifications_for(actor: Principal) -> QuerySet[Qualification]:
    """Qualifications the caller may read: its operator's (all of them for the Provider)."""
    return scope(
        Qualification.objects.select_related("operator").prefetch_related("items"), actor
    ).order_by("-created_at", "-id")


def qualification_for(actor: Principal, pk: str | uuid.UUID) -> Qualification:
    """One qualification within scope, or GEN-404 (also for an id that is not a UUID)."""
    try:
        key = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except ValueError as exc:
        raise GuichetError(NOT_FOUND) from exc
    return get_scoped(qualifications_for(actor), actor, pk=key)


def _provider_only(actor: Principal) -> None:
    if not actor.is_provider:
        raise GuichetError(PROVIDER_ONLY)


def exclusion_zones_for(actor: Principal) -> QuerySet[ExclusionZone]:
    """The Provider's exclusion zones (Provider staff only)."""
    _provider_only(actor)
    return ExclusionZone.objects.all()


def freezes_for(actor: Principal) -> QuerySet[TemporaryFreeze]:
    """The Provider's temporary freezes, past, current and planned (Provider staff only)."""
    _provider_only(actor)
    return TemporaryFreeze.objects.all()


def _targets(insees: Iterable[str], pms: Iterable[str], buildings: Iterable[str]) -> Q:
    return (
        Q(scope=Scope.ALL)
        | Q(scope=Scope.COMMUNE, value__in=set(insees))
        | Q(scope=Scope.PM, value__in={pm for pm in pms if pm})
        | Q(scope=Scope.BUILDING, value__in=set(buildings))
    )


def constraints_on(
    *, today: date, insees: Iterable[str], pms: Iterable[str], buildings: Iterable[str]
) -> list[Constraint]:
    """The Provider rules that may apply to these buildings today (the rules then decide).

    Not scoped: every operator's answer applies the same rules; the rules themselves are
    never shown to operators, only their reason codes.
    """
    insees, pms, buildings = list(insees), list(pms), list(buildings)
    where = _targets(insees, pms, buildings)
    zones = [
        Constraint("exclusion", z.scope, z.value, z.offer)
        for z in ExclusionZone.objects.filter(where)
    ]
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    freezes = [
        Constraint("freeze", f.scope, f.value, f.offer, f.starts_on, f.ends_on)
        for f in TemporaryFreeze.objects.filter(where & current)
    ]
    return zones + freezes
