"""Every read of eligibility, scoped to the caller (another operator's qualification: GEN-404)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.memo import Memo
from guichet.core.scoping import get_scoped, scope
from guichet.eligibility.choices import Scope
from guichet.eligibility.errors import PROVIDER_ONLY
from guichet.eligibility.models import ExclusionZone, Qualification, TemporaryFreeze
from guichet.eligibility.rules import Constraint

# The Provider's rules (exclusion zones, freezes), watched in apps.py.
RULES = Memo("eligibility-rules")


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


def constraints_on(
    *, today: date, insees: Iterable[str], pms: Iterable[str], buildings: Iterable[str]
) -> list[Constraint]:
    """The Provider rules that may apply to these buildings today (the rules then decide).

    Not scoped: every operator's answer applies the same rules; the rules themselves are
    never shown to operators, only their reason codes. The rules in force are few and read
    on every answer: they are remembered until one changes (:mod:`guichet.core.memo`).
    """
    targets = {
        Scope.COMMUNE: set(insees),
        Scope.PM: {pm for pm in pms if pm},
        Scope.BUILDING: set(buildings),
    }
    in_force = RULES.get(("in-force", today), lambda: _in_force(today))
    return [c for c in in_force if c.scope == Scope.ALL or c.value in targets.get(c.scope, ())]


def _in_force(today: date) -> list[Constraint]:
    zones = [
        Constraint("exclusion", z.scope, z.value, z.offer)
        for z in ExclusionZone.objects.order_by("pk")
    ]
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    freezes = [
        Constraint("freeze", f.scope, f.value, f.offer, f.starts_on, f.ends_on)
        for f in TemporaryFreeze.objects.filter(current).order_by("pk")
    ]
    return zones + freezes
