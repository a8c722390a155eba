"""The Provider's eligibility rules: exclusion zones and temporary freezes, journaled."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction

from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.eligibility import selectors
from guichet.eligibility.choices import Offer, Scope
from guichet.eligibility.errors import RULE_INVALID, RULE_TARGET_UNKNOWN, UNKNOWN_OFFER
from guichet.eligibility.models import ExclusionZone, TemporaryFreeze
from guichet.network import selectors as network

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def _check_rule(actor: Principal, *, offer: str, scope: str, value: str) -> str:
    """``value`` cleaned for ``scope``; refuses what could never match (a typo in a target)."""
    selectors.exclusion_zones_for(actor)  # Provider only (ELI-012)
    if offer and offer not in Offer.values:
        raise GuichetError(UNKNOWN_OFFER, field="offer", offer=offer, known=", ".join(Offer.values))
    if scope not in Scope.values:
        raise GuichetError(RULE_INVALID, field="scope", detail=f"portée inconnue : {scope}")
    value = (value or "").strip()
    if scope == Scope.ALL:
        if value:
            raise GuichetError(
                RULE_INVALID, field="value", detail="pas de cible pour tout le réseau"
            )
        return value
    if not value:
        raise GuichetError(RULE_INVALID, field="value", detail="cible obligatoire")
    if scope == Scope.COMMUNE and not INSEE_RE.match(value):
        raise GuichetError(RULE_INVALID, field="value", detail="code INSEE à 5 caractères")
    if (
        scope == Scope.PM
        and not network.inventory_buildings(actor).filter(pm__reference=value).exists()
    ):
        raise GuichetError(RULE_TARGET_UNKNOWN, field="value", detail=f"PM {value}")
    if (
        scope == Scope.BUILDING
        and not network.inventory_buildings(actor).filter(ipe_id=value).exists()
    ):
        raise GuichetError(RULE_TARGET_UNKNOWN, field="value", detail=f"immeuble {value}")
    return value


@transaction.atomic
def create_exclusion_zone(
    *, actor: Principal, scope: str, value: str = "", offer: str = "", reason: str = ""
) -> ExclusionZone:
    """Exclude a commune, a PM or a building (or the network) from one offer or all."""
    value = _check_rule(actor, offer=offer, scope=scope, value=value)
    if ExclusionZone.objects.filter(offer=offer, scope=scope, value=value).exists():
        raise GuichetError(RULE_INVALID, field="value", detail="cette zone existe déjà")
    zone = ExclusionZone.objects.create(offer=offer, scope=scope, value=value, reason=reason)
    record(actor, "eligibility.exclusion_zone.create", target=zone, after=snapshot(zone))
    return zone


@transaction.atomic
def delete_exclusion_zone(*, actor: Principal, zone: ExclusionZone) -> None:
    """Lift an exclusion zone."""
    selectors.exclusion_zones_for(actor)
    before = snapshot(zone)
    record(actor, "eligibility.exclusion_zone.delete", target=zone, before=before)
    zone.delete()


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise GuichetError(RULE_INVALID, field="ends_on", detail="la fin précède le début")


@transaction.atomic
def create_freeze(
    *,
    actor: Principal,
    scope: str,
    starts_on: date,
    ends_on: date | None = None,
    value: str = "",
    offer: str = "",
    reason: str = "",
) -> TemporaryFreeze:
    """Freeze new orders on a scope from ``starts_on`` to ``ends_on`` (inclusive; open-ended)."""
    value = _check_rule(actor, offer=offer, scope=scope, value=value)
    _check_dates(starts_on, ends_on)
    freeze = TemporaryFreeze.objects.create(
        offer=offer, scope=scope, value=value, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    record(actor, "eligibility.freeze.create", target=freeze, after=snapshot(freeze))
    return freeze


@transaction.atomic
def change_freeze_end(
    *, actor: Principal, freeze: TemporaryFreeze, ends_on: date | None
) -> TemporaryFreeze:
    """Move the end of a freeze (lift it early, extend it, or leave it open-ended)."""
    selectors.freezes_for(actor)
    _check_dates(freeze.starts_on, ends_on)
    before = snapshot(freeze, ["ends_on"])
    freeze.ends_on = ends_on
    freeze.save(update_fields=["ends_on", "updated_at"])
    record(
        actor,
        "eligibility.freeze.update",
        target=freeze,
        before=before,
        after=snapshot(freeze, ["ends_on"]),
    )
    return freeze


@transaction.atomic
def delete_freeze(*, actor: Principal, freeze: TemporaryFreeze) -> None:
    """Remove a freeze (entered by mistake; to end one, change its end date)."""
    selectors.freezes_for(actor)
    record(actor, "eligibility.freeze.delete", target=freeze, before=snapshot(freeze))
    freeze.delete()
