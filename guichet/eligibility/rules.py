"""The eligibility rules (ELI-01, ELI-02): pure functions over facts, no database.

The service reads the inventory and the Provider's rules, turns them into
:class:`BuildingFacts` and :class:`Constraint`, and asks :func:`judge` for one
:class:`Verdict` per building and offer; :func:`combine` makes the answer of an address
that holds several buildings. Every door renders the same verdicts.

Rule table — every row that applies gives its reason; the offer is *eligible* (FTTH:
the premises is *raccordable*) when none applies:

=============================  ===========================================  ==========================
Reason code                    When                                         Date given (``on``)
=============================  ===========================================  ==========================
``abandoned``                  building IPE state ``ABANDONNE``             —
``notDeployed``                building state not ``DEPLOYE`` (CIBLE,       forecast cabling date
                               SIGNE, EN COURS DE DEPLOIEMENT), or no PM,   (``DateCablageAdresse``)
                               or PM not ``DEPLOYE``; ``state`` says which  when in the future
``beforeCommercialOpening``    PM deployed but its commercial opening       the opening date
                               (first provision + 3 months) is in the       (unknown if the PM was
                               future or unknown                            never provided)
``temporaryFreeze``            ``Building.frozen_until`` not passed, or a   the day after the freeze
                               Provider freeze covering today (its offer    ends (none if open-ended)
                               or all offers; network, commune, PM or
                               building)
``exclusionZone``              a Provider exclusion zone covers the         —
                               building (its offer or all offers)
``noContract``                 the operator does not hold the wholesale     —
                               contract of the offer (FTTH access for
                               ``ftth-access``, FTTE for the FTTE offers)
=============================  ===========================================  ==========================

Address level (before any building is judged): ``unknownAddress`` when the place
resolves to nothing, ``ambiguousAddress`` (with the scored candidates) when it resolves
to several addresses; an address known to the inventory without any IPE line is
``notDeployed``. FTTE offers follow the FTTH network rules (DOMAIN.md §7: outside the
Provider's own zones, FTTE passive eligibility follows FTTH eligibility); they differ by
the Provider's per-offer zones and freezes and by the contract they need.

When eligible, ``since`` is the day the offer became available: the later of the
cabling date and the PM's commercial opening. When not eligible, ``available_from`` is
the day every blocking reason is expected to be lifted, when each of them has a date.
An address with several buildings is eligible when one of them is (``since``: the
earliest); otherwise it gives the union of its buildings' reasons.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from guichet.eligibility.choices import FTTE_OFFERS, REASON_ORDER, Offer, Reason, Scope
from guichet.network.choices import BuildingState, PmState


@dataclass(frozen=True)
class BuildingFacts:
    """What the rules need about one building (an IPE line), read from the inventory."""

    building_id: str
    state: str
    insee: str
    cabling_on: date | None = None
    pm_reference: str = ""
    pm_state: str = ""
    pm_commercial_opening_on: date | None = None
    frozen_until: date | None = None
    pbo_references: tuple[str, ...] = ()
    premises_count: int = 0


@dataclass(frozen=True)
class Constraint:
    """A Provider rule: an exclusion zone (no dates) or a temporary freeze (a date range)."""

    kind: str  # "exclusion" or "freeze"
    scope: str
    value: str = ""
    offer: str = ""  # "" covers every offer
    starts_on: date | None = None
    ends_on: date | None = None  # inclusive; None = until lifted

    def covers(self, facts: BuildingFacts, offer: str, today: date) -> bool:
        if self.offer and self.offer != offer:
            return False
        if self.starts_on and today < self.starts_on:
            return False
        if self.ends_on and today > self.ends_on:
            return False
        target = {
            Scope.ALL: self.value,
            Scope.COMMUNE: facts.insee,
            Scope.PM: facts.pm_reference,
            Scope.BUILDING: facts.building_id,
        }.get(self.scope)
        return target is not None and target == self.value


@dataclass(frozen=True)
class Why:
    """One reason of a ``notEligible`` answer."""

    code: str
    on: date | None = None  # when it is expected to be lifted
    state: str = ""  # building or PM state (``notDeployed``)
    scope: str = ""  # what a Provider rule covers (``exclusionZone``, ``temporaryFreeze``)


@dataclass(frozen=True)
class Verdict:
    """The answer for one offer, at one building or summed up for an address."""

    offer: str
    eligible: bool
    reasons: tuple[Why, ...] = ()
    since: date | None = None
    available_from: date | None = None
    building_id: str = ""
    pm_reference: str = ""
    pbo_references: tuple[str, ...] = ()
    buildings: tuple[Verdict, ...] = field(default=(), compare=False)


def _network_reasons(facts: BuildingFacts, today: date) -> list[Why]:
    if facts.state == BuildingState.ABANDONED:
        return [Why(Reason.ABANDONED, state=facts.state)]
    if facts.state != BuildingState.DEPLOYED:
        forecast = facts.cabling_on if facts.cabling_on and facts.cabling_on > today else None
        return [Why(Reason.NOT_DEPLOYED, on=forecast, state=facts.state)]
    if not facts.pm_reference or facts.pm_state != PmState.DEPLOYED:
        return [Why(Reason.NOT_DEPLOYED, state=facts.pm_state or "")]
    opening = facts.pm_commercial_opening_on
    if opening is None or opening > today:
        return [Why(Reason.BEFORE_COMMERCIAL_OPENING, on=opening)]
    return []


def _freeze_reasons(
    facts: BuildingFacts, offer: str, today: date, constraints: Iterable[Constraint]
) -> list[Why]:
    reasons = []
    if facts.frozen_until and facts.frozen_until >= today:
        reasons.append(
            Why(Reason.TEMPORARY_FREEZE, on=facts.frozen_until + timedelta(days=1), scope="ipe")
        )
    for rule in constraints:
        if rule.kind == "freeze" and rule.covers(facts, offer, today):
            lifted = rule.ends_on + timedelta(days=1) if rule.ends_on else None
            reasons.append(Why(Reason.TEMPORARY_FREEZE, on=lifted, scope=rule.scope))
    return reasons


def _exclusion_reasons(
    facts: BuildingFacts, offer: str, today: date, constraints: Iterable[Constraint]
) -> list[Why]:
    return [
        Why(Reason.EXCLUSION_ZONE, scope=rule.scope)
        for rule in constraints
        if rule.kind == "exclusion" and rule.covers(facts, offer, today)
    ]


def _available_from(reasons: Sequence[Why]) -> date | None:
    """The day every reason is lifted, when each has a date (the freezes may overlap)."""
    if not reasons or any(why.on is None for why in reasons):
        return None
    return max(why.on for why in reasons if why.on is not None)


def judge(
    facts: BuildingFacts,
    offer: str,
    *,
    today: date,
    constraints: Sequence[Constraint] = (),
    holds_contract: bool = True,
) -> Verdict:
    """The verdict of the rule table for ``offer`` at one building."""
    reasons = _network_reasons(facts, today)
    reasons += _freeze_reasons(facts, offer, today, constraints)
    reasons += _exclusion_reasons(facts, offer, today, constraints)
    if not holds_contract:
        reasons.append(Why(Reason.NO_CONTRACT))
    common = {
        "offer": offer,
        "building_id": facts.building_id,
        "pm_reference": facts.pm_reference,
        "pbo_references": facts.pbo_references,
    }
    if reasons:
        ordered = tuple(sorted(reasons, key=lambda why: REASON_ORDER[why.code]))
        return Verdict(
            eligible=False, reasons=ordered, available_from=_available_from(ordered), **common
        )
    dates = [d for d in (facts.cabling_on, facts.pm_commercial_opening_on) if d is not None]
    return Verdict(eligible=True, since=max(dates) if dates else None, **common)


def combine(offer: str, verdicts: Sequence[Verdict]) -> Verdict:
    """The answer of an address: eligible when one of its buildings is (several IPE lines)."""
    if len(verdicts) == 1:
        return verdicts[0]
    if not verdicts:
        return address_only(offer, Reason.NOT_DEPLOYED)
    eligible = [v for v in verdicts if v.eligible]
    if eligible:
        known = [v.since for v in eligible if v.since is not None]
        best = min(eligible, key=lambda v: v.since or date.max)
        return Verdict(
            offer=offer,
            eligible=True,
            since=min(known) if known else None,
            building_id=best.building_id,
            pm_reference=best.pm_reference,
            pbo_references=best.pbo_references,
            buildings=tuple(verdicts),
        )
    reasons: dict[tuple[str, str, str], Why] = {}
    for verdict in verdicts:
        for why in verdict.reasons:
            key = (why.code, why.state, why.scope)
            kept = reasons.get(key)
            if kept is None or (why.on is not None and (kept.on is None or why.on < kept.on)):
                reasons[key] = why
    soonest = [v.available_from for v in verdicts if v.available_from is not None]
    pms = {v.pm_reference for v in verdicts}
    return Verdict(
        offer=offer,
        eligible=False,
        reasons=tuple(sorted(reasons.values(), key=lambda why: REASON_ORDER[why.code])),
        available_from=min(soonest) if soonest else None,
        pm_reference=pms.pop() if len(pms) == 1 else "",
        buildings=tuple(verdicts),
    )


def address_only(offer: str, code: str) -> Verdict:
    """The answer when no building can be judged (unknown or ambiguous address, no IPE line)."""
    return Verdict(offer=offer, eligible=False, reasons=(Why(code),))


def contract_offer(offer: str) -> str:
    """The wholesale offer (operators.WholesaleOffer value) an offer needs to be ordered."""
    return "ftte" if offer in FTTE_OFFERS else "ftth"


__all__ = [
    "BuildingFacts",
    "Constraint",
    "Offer",
    "Verdict",
    "Why",
    "address_only",
    "combine",
    "contract_offer",
    "judge",
]
