"""Deployment life cycle of generated PMs and IPE lines: states and dates that agree with each other.

Everything is relative to ``as_of`` (the day the data describes), so that a PM in its
three-month notice period is still in it when the data is looked at.
"""

from __future__ import annotations

import enum
import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from guichet.network.choices import BuildingState, PmState
from guichet.network.models import COMMERCIAL_NOTICE


class Phase(enum.Enum):
    """Where a PM is in its life; finer than EtatPM because the dates matter to the e-services."""

    OPEN = "open"  # deployed, first provision more than 3 months ago: lines can be ordered
    NOTICE = "notice"  # deployed, first provision within the last 3 months: opening ahead
    INSTALLED = "installed"  # deployed, first provision planned (future)
    DEPLOYING = "deploying"
    PLANNED = "planned"
    ABANDONED = "abandoned"


PM_STATES = {
    Phase.OPEN: PmState.DEPLOYED,
    Phase.NOTICE: PmState.DEPLOYED,
    Phase.INSTALLED: PmState.DEPLOYED,
    Phase.DEPLOYING: PmState.DEPLOYING,
    Phase.PLANNED: PmState.PLANNED,
    Phase.ABANDONED: PmState.ABANDONED,
}

# (phase, weight) of a PM under a deployed NRO, and under an NRO still being built.
PHASES_DEPLOYED_NRO = (
    (Phase.OPEN, 70),
    (Phase.NOTICE, 9),
    (Phase.INSTALLED, 5),
    (Phase.DEPLOYING, 10),
    (Phase.PLANNED, 5),
    (Phase.ABANDONED, 1),
)
PHASES_DEPLOYING_NRO = ((Phase.DEPLOYING, 60), (Phase.PLANNED, 40))

# IPE line states by PM phase, for a house and for a block of flats (weights in ‰).
_DEPLOYED_HOUSE = (
    (BuildingState.DEPLOYED, 955),
    (BuildingState.DEPLOYING, 30),
    (BuildingState.TARGETED, 10),
    (BuildingState.ABANDONED, 5),
)
_DEPLOYED_BLOCK = (
    (BuildingState.DEPLOYED, 850),
    (BuildingState.DEPLOYING, 50),
    (BuildingState.SIGNED, 60),
    (BuildingState.TARGETED, 30),
    (BuildingState.ABANDONED, 10),
)
_BUILDING_HOUSE = ((BuildingState.DEPLOYING, 700), (BuildingState.TARGETED, 300))
_BUILDING_BLOCK = (
    (BuildingState.DEPLOYING, 400),
    (BuildingState.SIGNED, 350),
    (BuildingState.TARGETED, 250),
)
_PLANNED_HOUSE = ((BuildingState.TARGETED, 1000),)
_PLANNED_BLOCK = ((BuildingState.TARGETED, 850), (BuildingState.SIGNED, 150))
_ABANDONED = ((BuildingState.ABANDONED, 1),)
BUILDING_STATES = {
    Phase.OPEN: (_DEPLOYED_HOUSE, _DEPLOYED_BLOCK),
    Phase.NOTICE: (_DEPLOYED_HOUSE, _DEPLOYED_BLOCK),
    Phase.INSTALLED: (_BUILDING_HOUSE, _BUILDING_BLOCK),
    Phase.DEPLOYING: (_BUILDING_HOUSE, _BUILDING_BLOCK),
    Phase.PLANNED: (_PLANNED_HOUSE, _PLANNED_BLOCK),
    Phase.ABANDONED: (_ABANDONED, _ABANDONED),
}


# Cumulative weights of each table above, computed once (``pick`` runs millions of times).
_CUMULATIVE: dict[int, tuple[tuple[object, ...], list[int], tuple[object, ...]]] = {}


def pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    """A weighted choice with one ``random()`` call (``rng.choices`` would do the same, slower)."""
    table = _CUMULATIVE.get(id(weighted))
    if table is None or table[2] is not weighted:
        values = tuple(value for value, _ in weighted)
        table = (values, list(accumulate(weight for _, weight in weighted)), weighted)
        _CUMULATIVE[id(weighted)] = table
    values, cumulative, _ = table
    return values[bisect_right(cumulative, rng.random() * cumulative[-1])]


def days(n: int) -> timedelta:
    return timedelta(days=n)


@dataclass(frozen=True)
class PmDates:
    installed_on: date | None
    first_provision_on: date | None


def pm_dates(phase: Phase, as_of: date, rng: random.Random) -> PmDates:
    """DateInstallationPM and DatePremiereMADPM (forecasts while not deployed)."""
    if phase is Phase.OPEN:
        first = as_of - days(rng.randint(100, 7 * 365))
    elif phase is Phase.NOTICE:
        first = as_of - days(rng.randint(0, 85))
    elif phase is Phase.INSTALLED:
        first = as_of + days(rng.randint(1, 60))
    elif phase is Phase.DEPLOYING:
        installed = as_of + days(rng.randint(20, 270))
        return PmDates(installed, installed + days(rng.randint(14, 45)))
    elif phase is Phase.PLANNED:
        return PmDates(as_of + days(rng.randint(270, 720)), None)
    else:
        return PmDates(None, None)
    return PmDates(first - days(rng.randint(7, 60)), first)


def is_open(first_provision_on: date | None, as_of: date) -> bool:
    """Commercial opening (first provision + 3 months) reached: end users may be connected."""
    return first_provision_on is not None and first_provision_on + COMMERCIAL_NOTICE <= as_of


@dataclass(frozen=True)
class BuildingDates:
    cabling_on: date | None
    convention_signed_on: date | None
    modified_on: date


def building_dates(
    state: str, consent: bool, pm: PmDates, as_of: date, rng: random.Random
) -> BuildingDates:
    """DateCablageAdresse (actual or forecast), DateSignatureConvention, DateDerniereModification."""
    if state == BuildingState.DEPLOYED:
        first = pm.first_provision_on or as_of
        cabled = first + days(rng.randint(0, max(0, min(365, (as_of - first).days))))
        signed = cabled - days(rng.randint(30, 180)) if consent else None
        modified = cabled + days(rng.randint(0, max(0, min(60, (as_of - cabled).days))))
        return BuildingDates(cabled, signed, modified)
    if state == BuildingState.DEPLOYING:
        start = max(as_of, pm.first_provision_on or pm.installed_on or as_of)
        signed = as_of - days(rng.randint(20, 150)) if consent else None
        return BuildingDates(
            start + days(rng.randint(15, 180)), signed, as_of - days(rng.randint(0, 60))
        )
    if state == BuildingState.SIGNED:
        signed = as_of - days(rng.randint(10, 170))
        # The convention starts the legal six-month cabling deadline.
        return BuildingDates(signed + days(180), signed, signed)
    if state == BuildingState.ABANDONED:
        return BuildingDates(None, None, as_of - days(rng.randint(0, 85)))
    return BuildingDates(None, None, as_of - days(rng.randint(0, 365)))
