"""The generated network's topology: NRO → PM → distribution cables → PBO/BPI → fibres.

Only the open NRO, PM, cable and PBO are kept in memory; each is written when it closes
(its counts and capacity are known then). Fibres of a PBO are numbered when it opens, so
that the routes of its premises can point at them before they are written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from guichet.network.choices import FibreState, PmState, ZoneType
from guichet.network.generation import geo
from guichet.network.generation.codes import RunCodes
from guichet.network.generation.lifecycle import (
    PHASES_DEPLOYED_NRO,
    PHASES_DEPLOYING_NRO,
    PM_STATES,
    Phase,
    PmDates,
    pick,
    pm_dates,
)
from guichet.network.generation.places import CommunePlan, Site
from guichet.network.generation.tables import MODELS, TABLE_COLUMNS
from guichet.network.generation.writer import Table
from guichet.network.models import Cable, Fibre, Nro, Pbo, Pm

PM_SIZE = (300, 800)  # premises behind a PM
NRO_SIZE = (15_000, 25_000)  # premises behind an NRO
HOUSES_PER_PBO = (6, 12)
HOUSE_PBO_CAPACITY = 12
CABLE_MAX = 144  # fibres of a distribution cable before the next one starts
CABLE_SIZES = (12, 24, 36, 48, 72, 96, 144, 288)
PM_CAPACITIES = (360, 576, 720, 1008, 1440)
FIBRES_PER_TUBE = 12
FIBRE_COLOURS = (
    "rouge",
    "bleu",
    "vert",
    "jaune",
    "violet",
    "blanc",
    "orange",
    "gris",
    "marron",
    "noir",
    "turquoise",
    "rose",
)
PBO_NATURES = ("POTEAU", "CHAMBRE", "FACADE")


@dataclass
class OpenNro:
    """The NRO premises are being attached to; ``target`` premises before the next one."""

    id: int
    state: str
    target: int
    premises: int = 0


@dataclass
class OpenPm:
    """The PM being filled: written when full (its premises count and capacity known then)."""

    id: int
    code: str
    reference: str
    nro: OpenNro
    phase: Phase
    dates: PmDates
    insee: str
    lon: float
    lat: float
    target: int
    location_type: str
    premises: int = 0
    routes: int = 0
    cables: int = 0
    address_text: str = ""

    @property
    def open(self) -> bool:
        """Commercially open: lines may exist behind it."""
        return self.phase is Phase.OPEN


@dataclass
class OpenCable:
    """The PM's distribution cable being laid: ``used`` fibres reserved by its PBOs so far."""

    id: int
    number: int
    label: str
    used: int = 0


@dataclass
class OpenPbo:
    """A PBO (or a block's BPI) taking premises; ``occupied`` says which of its fibres carry a line."""

    id: int
    number: int
    kind: str
    reference: str
    pm: OpenPm
    cable: OpenCable
    capacity: int
    target: int
    fibre_id: int  # id of the PBO's first fibre
    fibre_rank: int  # rank of that fibre in the cable
    street_index: int
    lon: float
    lat: float
    location: str
    occupied: list[bool] = field(default_factory=list)


@dataclass
class Counts:
    """How many rows of each kind the run created (the job's counts)."""

    values: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int = 1) -> None:
        self.values[name] = self.values.get(name, 0) + count


class Topology:
    """Opens and closes NRO, PM, cables and PBO as premises come, and queues their rows."""

    def __init__(
        self,
        *,
        codes: RunCodes,
        rng: random.Random,
        first_ids: dict[type, int],
        as_of: date,
        now: object,
    ) -> None:
        self.codes = codes
        self.rng = rng
        self.as_of = as_of
        self.first_ids = dict(first_ids)
        self.ids = dict(first_ids)
        self.tables = {model: Table(model, TABLE_COLUMNS[model], now) for model in MODELS}  # type: ignore[arg-type]
        self.counts = Counts()
        self.plan: CommunePlan | None = None
        self.nro: OpenNro | None = None
        self.pm: OpenPm | None = None
        self.cable: OpenCable | None = None
        self.house_pbo: OpenPbo | None = None
        self.nro_number = 0
        self.pm_numbers: dict[str, int] = {}
        self.pbo_number = 0  # per commune

    # --- identifiers -----------------------------------------------------------------
    def _id(self, model: type) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def _serial(self, model: type, row_id: int) -> int:
        """Rank of a row within this run (codes use it, so they do not depend on the ids)."""
        return row_id - self.first_ids[model] + 1

    def _open_nro(self) -> OpenNro:
        assert self.plan is not None
        rng = self.rng
        self.nro_number += 1
        nro_id = self._id(Nro)
        # The first NRO is always in service, so that small runs have deployed premises.
        state = (
            PmState.DEPLOYED if self.nro_number == 1 or rng.random() < 0.9 else PmState.DEPLOYING
        )
        lon, lat = geo.commune_centre(self.plan.insee)
        self.tables[Nro].add(
            (
                nro_id,
                self.codes.code("NR", self._serial(Nro, nro_id)),
                f"{self.plan.insee[:2]}NRO{self.nro_number:03d}{self.codes.suffix}",
                f"NRO {self.plan.name}",
                state,
                self.plan.insee,
                round(lon, 6),
                round(lat, 6),
            )
        )
        self.counts.add("nro")
        return OpenNro(nro_id, state, rng.randint(*NRO_SIZE))

    def _open_pm(self) -> OpenPm:
        assert self.plan is not None
        rng = self.rng
        if self.nro is None or self.nro.premises >= self.nro.target:
            self.nro = self._open_nro()
        insee = self.plan.insee
        number = self.pm_numbers.get(insee, 0) + 1
        self.pm_numbers[insee] = number
        pm_id = self._id(Pm)
        if pm_id == self.first_ids[Pm]:
            phase = Phase.OPEN  # small runs (tests, demo) always have lines to show
        elif self.nro.state == PmState.DEPLOYED:
            phase = pick(rng, PHASES_DEPLOYED_NRO)  # type: ignore[assignment]
        else:
            phase = pick(rng, PHASES_DEPLOYING_NRO)  # type: ignore[assignment]
        lon, lat = geo.commune_centre(insee)
        lon, lat = geo.offset(lon, lat, rng.uniform(-600, 600), rng.uniform(-600, 600))
        pm = OpenPm(
            id=pm_id,
            code=self.codes.code("PM", self._serial(Pm, pm_id)),
            reference=f"DSNU-PM-{insee}-{self.codes.suffix}{number:02d}",
            nro=self.nro,
            phase=phase,
            dates=pm_dates(phase, self.as_of, rng),
            insee=insee,
            lon=round(lon, 6),
            lat=round(lat, 6),
            target=rng.randint(*PM_SIZE),
            location_type="PME-Shelter" if rng.random() < 0.1 else "PME-Armoire de rue",
        )
        self.counts.add("pm")
        return pm

    def _close_pm(self) -> None:
        pm = self.pm
        assert pm is not None
        if self.house_pbo is not None:
            self._close_pbo(self.house_pbo)
        if self.cable is not None:
            self._close_cable(self.cable)
        capacity = next((c for c in PM_CAPACITIES if c >= pm.premises), pm.premises)
        self.tables[Pm].add(
            (
                pm.id,
                pm.code,
                pm.reference,
                pm.nro.id,
                PM_STATES[pm.phase],
                pm.location_type,
                pm.dates.installed_on,
                pm.dates.first_provision_on,
                capacity,
                pm.premises,
                "mono",
                ZoneType.ZMD,
                pm.insee,
                pm.address_text,
                pm.lon,
                pm.lat,
            )
        )
        self.pm = None

    def _pm_for_building(self) -> OpenPm:
        if self.pm is not None and self.pm.premises >= self.pm.target:
            self._close_pm()
        if self.pm is None:
            self.pm = self._open_pm()
        return self.pm

    def _open_cable(self, pm: OpenPm) -> OpenCable:
        pm.cables += 1
        cable_id = self._id(Cable)
        self.counts.add("cables")
        return OpenCable(
            cable_id, self._serial(Cable, cable_id), f"{pm.reference}-CD{pm.cables:02d}"
        )

    def _close_cable(self, cable: OpenCable) -> None:
        capacity = next((c for c in CABLE_SIZES if c >= cable.used), cable.used)
        # Spare fibres at the end of the cable: no PBO yet, a few out of service.
        for rank in range(cable.used + 1, capacity + 1):
            state = FibreState.OUT_OF_SERVICE if self.rng.random() < 0.01 else FibreState.AVAILABLE
            self._fibre(self._id(Fibre), cable, rank, state, None)
        self.tables[Cable].add(
            (
                cable.id,
                self.codes.code("CB", cable.number),
                cable.label,
                capacity,
                "DI",
                FIBRES_PER_TUBE,
            )
        )
        self.cable = None

    def _fibre(
        self, fibre_id: int, cable: OpenCable, rank: int, state: str, pbo_id: int | None
    ) -> None:
        tube, in_tube = divmod(rank - 1, FIBRES_PER_TUBE)
        self.tables[Fibre].add(
            (
                fibre_id,
                self.codes.code("FO", self._serial(Fibre, fibre_id)),
                cable.id,
                rank,
                tube + 1,
                in_tube + 1,
                FIBRE_COLOURS[in_tube],
                state,
                False,
                pbo_id,
            )
        )

    def _open_pbo(
        self, pm: OpenPm, site: Site, *, kind: str, capacity: int, target: int
    ) -> OpenPbo:
        assert self.plan is not None
        cable = self.cable
        if cable is None or cable.used + capacity > CABLE_MAX:
            if cable is not None:
                self._close_cable(cable)
            cable = self.cable = self._open_cable(pm)
        self.pbo_number += 1
        pbo_id = self._id(Pbo)
        first_fibre = self.ids[Fibre]
        self.ids[Fibre] += capacity
        pbo = OpenPbo(
            id=pbo_id,
            number=self._serial(Pbo, pbo_id),
            kind=kind,
            reference=f"{kind}-{self.plan.insee}-{self.codes.suffix}{self.pbo_number:04d}",
            pm=pm,
            cable=cable,
            capacity=capacity,
            target=target,
            fibre_id=first_fibre,
            fibre_rank=cable.used + 1,
            street_index=site.street_index,
            lon=round(site.lon, 6),
            lat=round(site.lat, 6),
            location=f"{site.number} {site.street.street_type} {site.street.name}".replace(
                "  ", " "
            ),
        )
        cable.used += capacity
        self.counts.add("pbo")
        return pbo

    def _close_pbo(self, pbo: OpenPbo) -> None:
        for offset in range(pbo.capacity):
            used = offset < len(pbo.occupied) and pbo.occupied[offset]
            state = FibreState.IN_USE if used else FibreState.AVAILABLE
            self._fibre(pbo.fibre_id + offset, pbo.cable, pbo.fibre_rank + offset, state, pbo.id)
        if pbo.kind == "BPI":
            nature, location = "COLONNE MONTANTE", f"{pbo.location}, gaine technique RDC"
        else:
            nature, location = PBO_NATURES[pbo.number % len(PBO_NATURES)], pbo.location
        self.tables[Pbo].add(
            (
                pbo.id,
                self.codes.code("BP", pbo.number),
                pbo.reference,
                pbo.pm.id,
                pbo.kind,
                nature,
                location,
                pbo.capacity,
                pbo.lon,
                pbo.lat,
            )
        )
        if pbo is self.house_pbo:
            self.house_pbo = None

    def _pbo_for_house(self, pm: OpenPm, site: Site) -> OpenPbo:
        pbo = self.house_pbo
        if pbo is not None and (
            len(pbo.occupied) >= pbo.target
            or pbo.pm is not pm
            # A PBO serves one street, unless it would stay nearly empty.
            or (pbo.street_index != site.street_index and len(pbo.occupied) >= 4)
        ):
            self._close_pbo(pbo)
            pbo = None
        if pbo is None:
            pbo = self.house_pbo = self._open_pbo(
                pm,
                site,
                kind="PBO",
                capacity=HOUSE_PBO_CAPACITY,
                target=self.rng.randint(*HOUSES_PER_PBO),
            )
        return pbo
