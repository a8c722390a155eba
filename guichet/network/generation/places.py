"""Where premises go: communes weighted by population, then addresses on their real street names."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from guichet.network.generation import geo
from guichet.network.generation.codes import BASE36, stable_fraction
from guichet.network.generation.reference import CommuneRef, Reference, StreetRef

# Premises one copy of the département holds before the generator adds synthetic communes.
DEPARTMENT_CAPACITY = 300_000
# Synthetic communes: numeric INSEE codes of départements that do not exist first (99 is
# "abroad" for births, never a commune of an address), then digit + A/B (the Corsican
# shape, which INSEE validators accept), then digit + any letter (tens of millions).
_SHAPES = ("99", "96", "00", "20")
SYNTHETIC_DEPARTMENTS = (
    *_SHAPES,
    *(digit + letter for digit in "9876543" for letter in "AB"),
    *(digit + letter for digit in "9876543" for letter in BASE36[12:]),
)
SYNTHETIC_KIND = "commune-synthetique"


@dataclass(frozen=True)
class CommunePlan:
    """One commune to fill: a real one, or a synthetic copy built on a real one's names."""

    insee: str
    name: str
    source: CommuneRef
    premises: int
    copy: int  # 0 for the real département

    @property
    def synthetic(self) -> bool:
        return self.copy > 0


def synthetic_insee(copy: int, index: int, per_copy: int) -> str:
    """The INSEE code of the ``index``-th commune of synthetic ``copy`` (1-based)."""
    serial = (copy - 1) * per_copy + index
    department = SYNTHETIC_DEPARTMENTS[serial // 999]
    return f"{department}{serial % 999 + 1:03d}"


def _allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` proportionally to ``weights`` (largest remainders, ties by position)."""
    weight_sum = sum(weights)
    quotas = [total * weight / weight_sum for weight in weights]
    shares = [math.floor(quota) for quota in quotas]
    missing = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in order[:missing]:
        shares[i] += 1
    return shares


def plan_communes(reference: Reference, premises: int) -> Iterator[CommunePlan]:
    """Communes in generation order, with their share of ``premises`` (one copy at a time)."""
    copies = max(1, math.ceil(premises / DEPARTMENT_CAPACITY))
    communes = reference.current
    weights = [commune.population or 1 for commune in communes]
    for copy in range(copies):
        share = premises // copies + (copy < premises % copies)
        for index, (commune, count) in enumerate(
            zip(communes, _allocate(share, weights), strict=True)
        ):
            if not count:
                continue
            if copy == 0:
                yield CommunePlan(commune.insee, commune.name, commune, count, 0)
            else:
                insee = synthetic_insee(copy, index, len(communes))
                yield CommunePlan(insee, f"{commune.name}-{copy + 1}", commune, count, copy)


@dataclass
class Site:
    """One address to create: a number on a street, and the premises of each of its buildings."""

    street: StreetRef
    street_index: int
    number: int
    suffix: str
    buildings: list[int]  # premises per building: [1] for a house
    lon: float
    lat: float

    @property
    def is_house(self) -> bool:
        return self.buildings == [1]


@dataclass
class _StreetState:
    next_number: int
    last_number: int = 0
    last_suffix: str = ""


@dataclass
class CommuneSites:
    """Lays out a commune's premises on its streets: houses in runs along a street, blocks of flats."""

    plan: CommunePlan
    streets: tuple[StreetRef, ...]
    rng: random.Random
    existing_numbers: dict[str, int] = field(default_factory=dict)
    _states: dict[int, _StreetState] = field(default_factory=dict)
    _anchors: dict[int, tuple[float, float, float]] = field(default_factory=dict)

    def apartment_share(self) -> float:
        """Share of premises in blocks of flats: towns have more of them than villages."""
        population = self.plan.source.population or 0
        for threshold, share in ((30_000, 0.45), (10_000, 0.35), (3_000, 0.2), (1_000, 0.08)):
            if population >= threshold:
                return share
        return 0.02

    def _lieu_dit_share(self) -> float:
        population = self.plan.source.population or 0
        return 0.05 if population >= 10_000 else 0.15 if population >= 3_000 else 0.4

    def _block_size(self) -> int:
        draw = self.rng.random()
        if draw < 0.5:
            return self.rng.randint(2, 8)
        if draw < 0.8:
            return self.rng.randint(9, 24)
        if draw < 0.95:
            return self.rng.randint(25, 40)
        return self.rng.randint(41, 60)

    def _blocks(self) -> list[tuple[str, list[int]]]:
        """('flats', [sizes of the address's buildings]) and ('houses', [count]) in street order."""
        rng = self.rng
        total = self.plan.premises
        target = round(total * self.apartment_share())
        flats: list[int] = []
        while sum(flats) < target:
            size = min(self._block_size(), target - sum(flats))
            if size < 2:
                break
            flats.append(size)
        houses = total - sum(flats)
        blocks: list[tuple[str, list[int]]] = []
        i = 0
        while i < len(flats):
            # A residence sometimes has two or three buildings at one address (A, B, C).
            count = rng.choice((2, 3)) if rng.random() < 0.1 else 1
            blocks.append(("flats", flats[i : i + count]))
            i += count
        while houses:
            run = min(houses, rng.randint(3, 25))
            blocks.append(("houses", [run]))
            houses -= run
        rng.shuffle(blocks)
        return blocks

    def _state(self, index: int) -> _StreetState:
        state = self._states.get(index)
        if state is None:
            street = self.streets[index]
            start = self.existing_numbers.get(street.rivoli, 0) + 1
            state = _StreetState(
                next_number=start + (0 if street.lieu_dit else self.rng.randint(0, 1))
            )
            self._states[index] = state
        return state

    def _number(self, state: _StreetState, lieu_dit: bool) -> tuple[int, str]:
        """Next number on a street: gaps on streets, bis/ter now and then."""
        rng = self.rng
        if state.last_number and not lieu_dit:
            draw = rng.random()
            if draw < 0.03 and not state.last_suffix:
                state.last_suffix = "B"
                return state.last_number, "B"
            if draw < 0.035 and state.last_suffix == "B":
                state.last_suffix = "T"
                return state.last_number, "T"
        number = state.next_number
        state.next_number += 1 if lieu_dit else rng.choice((1, 2, 2, 3))
        state.last_number, state.last_suffix = number, ""
        return number, ""

    def _position(self, index: int, number: int, suffix: str) -> tuple[float, float]:
        street = self.streets[index]
        anchor = self._anchors.get(index)
        if anchor is None:
            anchor = self._anchors[index] = geo.street_anchor(self.plan.insee, street.rivoli)
        lon, lat, heading = anchor
        rng = self.rng
        if street.lieu_dit:
            # A hamlet: houses around its centre.
            east, north = rng.uniform(-120, 120), rng.uniform(-120, 120)
        else:
            along = (number * 7.0 + (3.0 if suffix else 0.0)) % 900.0
            side = 12.0 if number % 2 else -12.0
            east = along * math.cos(heading) - side * math.sin(heading) + rng.uniform(-4, 4)
            north = along * math.sin(heading) + side * math.cos(heading) + rng.uniform(-4, 4)
        return geo.offset(lon, lat, east, north)

    def used_streets(self) -> list[tuple[str, str, str, bool]]:
        """(rivoli, name, nature, lieu-dit) of the streets given addresses, in street order."""
        return [
            (street.rivoli, street.name, street.nature, street.lieu_dit)
            for index, street in enumerate(self.streets)
            if index in self._states
        ]

    def sites(self) -> Iterator[Site]:
        """Every address of the commune, in generation order."""
        rng = self.rng
        voies = [i for i, street in enumerate(self.streets) if not street.lieu_dit]
        lieux = [i for i, street in enumerate(self.streets) if street.lieu_dit]
        lieu_share = 0.0 if not lieux else 1.0 if not voies else self._lieu_dit_share()
        for kind, sizes in self._blocks():
            if kind == "flats":
                index = rng.choice(voies or lieux)
                state = self._state(index)
                number, suffix = self._number(state, self.streets[index].lieu_dit)
                lon, lat = self._position(index, number, suffix)
                yield Site(self.streets[index], index, number, suffix, sizes, lon, lat)
                continue
            remaining = sizes[0]
            while remaining:
                on_lieu_dit = rng.random() < lieu_share
                index = rng.choice(lieux if on_lieu_dit else voies)
                run = min(remaining, rng.randint(1, 8) if on_lieu_dit else remaining)
                state = self._state(index)
                for _ in range(run):
                    number, suffix = self._number(state, on_lieu_dit)
                    lon, lat = self._position(index, number, suffix)
                    yield Site(self.streets[index], index, number, suffix, [1], lon, lat)
                remaining -= run


def postcode_for(plan: CommunePlan, postcodes: tuple[str, ...], street: StreetRef) -> str:
    """The commune's postcode; with several, one chosen per former commune (else per street), stably."""
    if len(postcodes) == 1:
        return postcodes[0]
    key = street.former_insee or street.rivoli
    fraction, _, _ = stable_fraction("postcode", plan.source.insee, key)
    return postcodes[int(fraction * len(postcodes))]


def apartment_layout(size: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(staircase, floor, door) of each premises of a block of flats: up to 20 per staircase."""
    staircases = max(1, math.ceil(size / 20))
    per_floor = rng.randint(2, 4)
    layout: list[tuple[str, str, str]] = []
    for stair in range(staircases):
        count = size // staircases + (stair < size % staircases)
        letter = BASE36[10 + stair]
        for k in range(count):
            floor, door = divmod(k, per_floor)
            layout.append((letter, str(floor), f"{floor}{door + 1:02d}"))
    return layout
