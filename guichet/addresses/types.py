"""The vocabulary of address resolution: what a caller asks, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

from guichet.network.models import Address, Premises

Status = Literal["found", "ambiguous", "unknown"]
FOUND: Status = "found"
AMBIGUOUS: Status = "ambiguous"
UNKNOWN: Status = "unknown"


@dataclass(frozen=True)
class PlaceQuery:
    """What a caller gives to name a place; exactly one way of naming it is used.

    Precedence when several are given: PTO, ND, building id, hexaclé, BAN id,
    hexaclé voie + number, INSEE + RIVOLI + number, coordinates, free text.
    """

    text: str = ""
    hexacle: str = ""
    hexacle_street: str = ""
    number: int | None = None
    suffix: str = ""
    ban_id: str = ""
    building_id: str = ""  # IdentifiantImmeuble (IPE)
    insee: str = ""
    rivoli: str = ""
    pto: str = ""
    nd: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in ("", None) for f in fields(self))


@dataclass(frozen=True)
class Candidate:
    """One address a query may name, with how sure we are (``score``) and by which key."""

    address: Address
    score: float  # 0..1, 1 for an exact key
    matched_by: str  # "pto", "nd", "building", "hexacle", "ban", "hexacle_street",
    # "rivoli", "coordinates", "text"; "street" for an autocomplete street suggestion
    # (no number typed yet: ``address`` is the street's first address)
    premises: Premises | None = None  # when the key names one premises (PTO, ND)
    building_id: str = ""  # when the key names one building
    distance_m: float | None = None  # coordinate queries


@dataclass(frozen=True)
class Resolution:
    """The answer: ``found`` (one candidate), ``ambiguous`` (several, best first) or ``unknown``."""

    status: Status
    candidates: list[Candidate] = field(default_factory=list)
    matched_by: str = ""

    @property
    def candidate(self) -> Candidate | None:
        return self.candidates[0] if self.status == FOUND else None

    @property
    def address(self) -> Address | None:
        return self.candidate.address if self.candidate else None
