"""TAO structure of an address: buildings → staircases → floors → premises (read side, TAO-01).

``build_structure(actor, resolution)`` groups the premises of the resolved address (or of
the one building a building id, PTO or ND names) the way an FTTH order needs them
(``Batiment``/``Escalier``/``Etage``/``Porte``, DOMAIN.md §3.1 and §8), each with its PTO
and whether a live line uses it — "yours, line <ref>" only to the line's own operator,
never which other operator. Three queries whatever the building's size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.addresses.selectors import Resolution
from guichet.core.context import Principal
from guichet.network import selectors as network
from guichet.network.models import Address, Building, Premises


class Occupancy(models.TextChoices):
    """Whether a live line uses a premises, as the caller may know it."""

    FREE = "free", _("Libre")
    IN_USE = "inUse", _("Occupé par une ligne")
    YOURS = "inUseByYou", _("Occupé par votre ligne")


class LevelType(models.TextChoices):
    """TMF673 ``levelType`` of a floor."""

    BASEMENT = "basement", _("Sous-sol")
    GROUND = "groundFloor", _("Rez-de-chaussée")
    FLOOR = "floor", _("Étage")


@dataclass(frozen=True)
class TaoPremises:
    """One premises (logement / local) and its PTO."""

    id: int
    door: str
    kind: str
    pto_reference: str
    pto_state: str
    occupancy: str
    line_reference: str  # only the caller's own line (any line for the Provider)
    pbo_reference: str
    requested: bool  # the premises the query named (PTO, ND)


@dataclass(frozen=True)
class TaoFloor:
    """Étage: the raw value as the inventory holds it, and its TMF673 level."""

    name: str
    level_type: str
    level_number: str
    premises: list[TaoPremises]


@dataclass(frozen=True)
class TaoStaircase:
    """Escalier ("" when the building has none)."""

    name: str
    floors: list[TaoFloor]


@dataclass(frozen=True)
class TaoBuilding:
    """Bâtiment: one IPE line (IdentifiantImmeuble) with its PM and the PBOs serving it."""

    ipe_id: str
    name: str
    building_type: str
    state: str
    pm_reference: str
    pm_state: str
    pbo_references: list[str]
    premises_count: int
    staircases: list[TaoStaircase]


@dataclass(frozen=True)
class TaoStructure:
    """What TAO answers about one address."""

    address: Address
    buildings: list[TaoBuilding] = field(default_factory=list)
    requested_premises_id: int | None = None

    def premises(self) -> list[TaoPremises]:
        """Every premises, in structure order."""
        return [
            premises
            for building in self.buildings
            for staircase in building.staircases
            for floor in staircase.floors
            for premises in floor.premises
        ]


# --- Natural order ---------------------------------------------------------------------------

_DIGITS = re.compile(r"(\d+)")
_GROUND = re.compile(r"^(RDC|RDJ|REZ.*|R|0+|RC|PLAIN[- ]?PIED)$")
_BASEMENT = re.compile(r"^(?:SS|S|SOUS[- ]?SOL|SOUSSOL|B|-)\s*[-]?(\d*)$")
_NUMBERED = re.compile(r"^(?:R\s*\+\s*|ETAGE\s*|ÉTAGE\s*|E)?(\d+)\s*(?:E|ER|EME|ÈME|ERE|ÈRE|°)?$")


def natural_key(value: str) -> tuple[object, ...]:
    """ "A2" before "A10"; "" (no staircase, no door) first."""
    parts = _DIGITS.split(value.strip().upper())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p != "")


def level_of(floor: str) -> tuple[str, str, int | None]:
    """(TMF673 levelType, levelNumber, signed level) of an inventory floor value.

    Basements are negative and come first, then the ground floor (RDC = 0), then floors in
    numeric order; a value we cannot read keeps its text as ``levelNumber`` and sorts last.
    """
    raw = floor.strip().upper()
    if not raw:
        return "", "", None
    if _GROUND.match(raw):
        return LevelType.GROUND, "0", 0
    if raw.startswith("-") and raw[1:].isdigit():
        return LevelType.BASEMENT, raw[1:], -int(raw[1:])
    basement = _BASEMENT.match(raw)
    if basement and raw not in {"B", "S"}:
        depth = int(basement.group(1) or 1)
        return LevelType.BASEMENT, str(depth), -depth
    numbered = _NUMBERED.match(raw)
    if numbered:
        level = int(numbered.group(1))
        return (LevelType.GROUND, "0", 0) if level == 0 else (LevelType.FLOOR, str(level), level)
    return LevelType.FLOOR, floor.strip(), None


def floor_key(floor: str) -> tuple[object, ...]:
    _, _, level = level_of(floor)
    if not floor.strip():
        return (0, 0, ())
    return (1, level, ()) if level is not None else (2, 0, natural_key(floor))


# --- The builder -----------------------------------------------------------------------------


def _occupancy(actor: Principal, state: network.Occupancy | None) -> tuple[str, str]:
    if state is None or not state.in_use:
        return Occupancy.FREE, ""
    if actor.is_provider:
        return Occupancy.IN_USE, state.line_reference
    if state.mine:
        return Occupancy.YOURS, state.line_reference
    return Occupancy.IN_USE, ""


def _buildings(actor: Principal, resolution: Resolution) -> list[Building]:
    candidate = resolution.candidate
    assert candidate is not None
    buildings = network.inventory_buildings(actor).select_related(None).select_related("pm")
    if candidate.premises is not None:
        return list(buildings.filter(pk=candidate.premises.building_id))
    if candidate.building_id:
        return list(buildings.filter(ipe_id=candidate.building_id))
    return list(buildings.filter(address_id=candidate.address.pk))


def _staircases(
    actor: Principal,
    premises: list[Premises],
    occupied: dict[int, network.Occupancy],
    requested_id: int | None,
) -> list[TaoStaircase]:
    tree: dict[str, dict[str, list[TaoPremises]]] = defaultdict(lambda: defaultdict(list))
    for p in premises:
        occupancy, line = _occupancy(actor, occupied.get(p.pk))
        tree[p.staircase][p.floor].append(
            TaoPremises(
                id=p.pk,
                door=p.door,
                kind=p.kind,
                pto_reference=p.pto_reference or "",
                pto_state=p.pto_state,
                occupancy=str(occupancy),
                line_reference=line,
                pbo_reference=p.pbo.reference if p.pbo else "",
                requested=p.pk == requested_id,
            )
        )
    staircases = []
    for staircase in sorted(tree, key=natural_key):
        floors = []
        for floor in sorted(tree[staircase], key=floor_key):
            level_type, level_number, _ = level_of(floor)
            doors = sorted(
                tree[staircase][floor], key=lambda d: (natural_key(d.door), d.pto_reference, d.id)
            )
            floors.append(TaoFloor(floor, str(level_type), level_number, doors))
        staircases.append(TaoStaircase(staircase, floors))
    return staircases


def build_structure(actor: Principal, resolution: Resolution) -> TaoStructure:
    """The TAO structure of a ``found`` resolution (three queries, whatever the size)."""
    candidate = resolution.candidate
    if candidate is None:
        raise ValueError("build_structure needs a found resolution")
    requested_id = candidate.premises.pk if candidate.premises is not None else None
    buildings = _buildings(actor, resolution)
    premises = list(
        network.inventory_premises(actor)
        .select_related(None)
        .select_related("pbo")
        .filter(building_id__in=[b.pk for b in buildings])
    )
    occupied = network.occupancy(actor, [p.pk for p in premises])
    by_building: dict[int, list[Premises]] = defaultdict(list)
    for p in premises:
        by_building[p.building_id].append(p)
    answer = []
    for building in sorted(buildings, key=lambda b: (natural_key(b.name), b.ipe_id)):
        own = by_building[building.pk]
        pbos = sorted({p.pbo.reference for p in own if p.pbo}, key=natural_key)
        answer.append(
            TaoBuilding(
                ipe_id=building.ipe_id,
                name=building.name,
                building_type=building.building_type,
                state=building.state,
                pm_reference=building.pm.reference if building.pm else "",
                pm_state=building.pm.state if building.pm else "",
                pbo_references=pbos,
                premises_count=len(own),
                staircases=_staircases(actor, own, occupied, requested_id),
            )
        )
    return TaoStructure(candidate.address, answer, requested_id)
