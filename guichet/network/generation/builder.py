"""Builds the inventory of generated premises: NRO → PM → cables and PBO → fibres → routes → lines.

Streaming: a commune's addresses are produced one by one, rows are queued per table and
written every :data:`BATCH` premises, so memory stays flat whatever the size. Primary keys
are computed from the tables' current maximum, so that routes and fibres reference rows
not yet written (foreign keys are checked at commit on both SQLite and PostgreSQL).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from guichet.network.choices import (
    BuildingState,
    BuildingType,
    FibreState,
    LineState,
    PmState,
    PremisesKind,
    PtoState,
    ZoneType,
)
from guichet.network.generation import geo
from guichet.network.generation.codes import RunCodes
from guichet.network.generation.lifecycle import (
    BUILDING_STATES,
    PHASES_DEPLOYED_NRO,
    PHASES_DEPLOYING_NRO,
    PM_STATES,
    Phase,
    PmDates,
    building_dates,
    days,
    pick,
    pm_dates,
)
from guichet.network.generation.places import CommunePlan, Site, apartment_layout, postcode_for
from guichet.network.generation.reference import Reference
from guichet.network.generation.syndics import Syndic
from guichet.network.generation.writer import Table
from guichet.network.models import (
    COMMERCIAL_NOTICE,
    Address,
    Building,
    Cable,
    Fibre,
    Line,
    Nro,
    OpticalRoute,
    Pbo,
    Pm,
    Premises,
    RouteFibre,
)
from guichet.operators.models import Operator

BATCH = 5_000
PM_SIZE = (300, 800)  # premises behind a PM
NRO_SIZE = (15_000, 25_000)  # premises behind an NRO
HOUSES_PER_PBO = (6, 12)
HOUSE_PBO_CAPACITY = 12
CABLE_MAX = 144  # fibres of a distribution cable before the next one starts
CABLE_SIZES = (12, 24, 36, 48, 72, 96, 144, 288)
PM_CAPACITIES = (360, 576, 720, 1008, 1440)
MODULE_SIZE = 72  # positions per PM module (tiroir)
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
HOUSE_KINDS = (
    (PremisesKind.RESIDENTIAL, 895),
    (PremisesKind.PROFESSIONAL, 80),
    (PremisesKind.ENTERPRISE, 20),
    (PremisesKind.PUBLIC, 5),
)
LINE_STATES = ((LineState.ACTIVE, 93), (LineState.SUSPENDED, 3), (LineState.ORDERED, 4))
ND_SHARE = 0.45
PBO_NATURES = ("POTEAU", "CHAMBRE", "FACADE")

TABLE_COLUMNS: dict[type, tuple[str, ...]] = {
    Nro: ("id", "code", "reference", "name", "state", "insee", "longitude", "latitude"),
    Pm: (
        "id", "code", "reference", "nro_id", "state", "location_type", "installed_on",
        "first_provision_on", "capacity", "premises_count", "engineering", "zone_type", "insee",
        "address_text", "longitude", "latitude",
    ),
    Pbo: (
        "id", "code", "reference", "pm_id", "kind", "nature", "location", "capacity",
        "longitude", "latitude",
    ),
    Address: (
        "id", "hexacle", "hexacle_street", "ban_id", "insee", "rivoli", "number", "suffix",
        "street_type", "street_name", "locality", "postcode", "commune_name",
        "former_commune_insee", "former_commune_name", "x_l93", "y_l93", "longitude",
        "latitude", "zone_type",
    ),
    Building: (
        "id", "ipe_id", "address_id", "name", "building_type", "state", "pm_id",
        "premises_count", "cabling_on", "convention_signed_on", "manager_consent_needed",
        "manager", "source_modified_on",
    ),
    Premises: (
        "id", "code", "building_id", "staircase", "floor", "door", "kind", "pbo_id",
        "pto_reference", "pto_code", "pto_state", "connection_state",
    ),
    Cable: ("id", "code", "label", "capacity", "function", "fibres_per_tube"),
    Fibre: (
        "id", "code", "cable_id", "rank", "tube", "rank_in_tube", "color", "state", "dedicated",
        "pbo_id",
    ),
    OpticalRoute: (
        "id", "code", "premises_id", "pbo_id", "pm_id", "pbo_fibre_id", "pm_module",
        "pm_position", "connector_number", "connector_color",
    ),
    RouteFibre: ("id", "route_id", "fibre_id", "order"),
    Line: (
        "id", "reference", "operator_id", "operator_order_reference", "premises_id", "route_id",
        "state", "nd", "ordered_on", "activated_on",
    ),
}  # fmt: skip
# Parents first: the order rows are written in at each flush.
MODELS = tuple(TABLE_COLUMNS)


@dataclass
class _Nro:
    id: int
    state: str
    target: int
    premises: int = 0


@dataclass
class _Pm:
    id: int
    code: str
    reference: str
    nro: _Nro
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
        return self.phase is Phase.OPEN


@dataclass
class _Cable:
    id: int
    number: int
    label: str
    used: int = 0


@dataclass
class _Pbo:
    id: int
    number: int
    kind: str
    reference: str
    pm: _Pm
    cable: _Cable
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


class Builder:
    """Turns commune plans into rows, keeping only the open NRO, PM, cable and PBO in memory."""

    def __init__(
        self,
        *,
        reference: Reference,
        codes: RunCodes,
        rng: random.Random,
        first_ids: dict[type, int],
        operators: list[Operator],
        line_share: float,
        as_of: date,
        syndics: list[Syndic],
        now: object,
        on_flush: Callable[[int], None],
    ) -> None:
        self.reference = reference
        self.codes = codes
        self.rng = rng
        self.first_ids = dict(first_ids)
        self.ids = dict(first_ids)
        self.operators = operators
        self.line_share = line_share
        self.as_of = as_of
        self.syndics = syndics
        self.on_flush = on_flush
        self.tables = {model: Table(model, TABLE_COLUMNS[model], now) for model in MODELS}  # type: ignore[arg-type]
        self.addresses: list[list[object]] = []  # waiting for their Lambert-93 coordinates
        self.premises_done = 0
        self.counts = Counts()
        self.nro: _Nro | None = None
        self.pm: _Pm | None = None
        self.cable: _Cable | None = None
        self.house_pbo: _Pbo | None = None
        self.nro_number = 0
        self.lines = 0
        self.nds = 0
        # Per commune of the run (a commune is generated once per run).
        self.plan: CommunePlan | None = None
        self.postcodes: tuple[str, ...] = ()
        self.pm_numbers: dict[str, int] = {}
        self.pbo_number = 0
        self.hexacle_number = 0
        self.ipe_number = 0

    # --- identifiers -----------------------------------------------------------------
    def _id(self, model: type) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def _serial(self, model: type, row_id: int) -> int:
        """Rank of a row within this run (codes use it, so they do not depend on the ids)."""
        return row_id - self.first_ids[model] + 1

    # --- communes --------------------------------------------------------------------
    def start_commune(self, plan: CommunePlan) -> None:
        self.plan = plan
        self.postcodes = self.reference.postcodes[plan.source.insee]
        self.pbo_number = 0
        self.hexacle_number = 0
        self.ipe_number = 0
        # Villages share a PM with their neighbours until it is big enough.
        if self.pm is not None and self.pm.premises >= PM_SIZE[0]:
            self._close_pm()

    def end_commune(self) -> None:
        if self.house_pbo is not None:
            self._close_pbo(self.house_pbo)
        self._maybe_flush()

    # --- NRO, PM, cables, PBO --------------------------------------------------------
    def _open_nro(self) -> _Nro:
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
        return _Nro(nro_id, state, rng.randint(*NRO_SIZE))

    def _open_pm(self) -> _Pm:
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
        pm = _Pm(
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

    def _pm_for_building(self) -> _Pm:
        if self.pm is not None and self.pm.premises >= self.pm.target:
            self._close_pm()
        if self.pm is None:
            self.pm = self._open_pm()
        return self.pm

    def _open_cable(self, pm: _Pm) -> _Cable:
        pm.cables += 1
        cable_id = self._id(Cable)
        self.counts.add("cables")
        return _Cable(cable_id, self._serial(Cable, cable_id), f"{pm.reference}-CD{pm.cables:02d}")

    def _close_cable(self, cable: _Cable) -> None:
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
        self, fibre_id: int, cable: _Cable, rank: int, state: str, pbo_id: int | None
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

    def _open_pbo(self, pm: _Pm, site: Site, *, kind: str, capacity: int, target: int) -> _Pbo:
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
        pbo = _Pbo(
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

    def _close_pbo(self, pbo: _Pbo) -> None:
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

    def _pbo_for_house(self, pm: _Pm, site: Site) -> _Pbo:
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

    # --- addresses, buildings, premises ----------------------------------------------
    def add_site(self, site: Site) -> None:
        """One address with its buildings, premises, routes and lines."""
        plan = self.plan
        assert plan is not None
        street = site.street
        address_id = self._id(Address)
        self.hexacle_number += 1
        suffix_ban = {"B": "_bis", "T": "_ter"}.get(site.suffix, "")
        full_name = f"{street.street_type} {street.name}" if street.street_type else street.name
        postcode = postcode_for(plan, self.postcodes, street)
        self.addresses.append(
            [
                address_id,
                self.codes.hexacle(plan.insee, self.hexacle_number),
                self.codes.street_hexacle(plan.insee, site.street_index),
                f"{plan.insee}_{street.rivoli.lower()}_{site.number:05d}{suffix_ban}",
                plan.insee,
                street.rivoli,
                site.number,
                site.suffix,
                street.street_type,
                full_name,
                street.name if street.lieu_dit else "",
                postcode,
                plan.name,
                street.former_insee,
                street.former_name,
                None,
                None,
                round(site.lon, 6),
                round(site.lat, 6),
                ZoneType.ZMD,
            ]
        )
        self.counts.add("addresses")
        label = f"{site.number}{' ' + site.suffix if site.suffix else ''} {full_name}"
        for index, size in enumerate(site.buildings):
            name = "ABC"[index] if len(site.buildings) > 1 else ""
            self._add_building(site, address_id, name, size, f"{label}, {postcode} {plan.name}")
        self._maybe_flush()

    def _add_building(self, site: Site, address_id: int, name: str, size: int, text: str) -> None:
        plan = self.plan
        assert plan is not None
        rng = self.rng
        pm = self._pm_for_building()
        if not pm.address_text:
            pm.address_text = text[:250]
        house = site.is_house
        house_states, block_states = BUILDING_STATES[pm.phase]
        state = pick(rng, house_states if house else block_states)
        consent = not house  # a block of flats needs its syndic's agreement
        dates = building_dates(state, consent, pm.dates, self.as_of, rng)  # type: ignore[arg-type]
        building_id = self._id(Building)
        self.ipe_number += 1
        self.tables[Building].add(
            (
                building_id,
                self.codes.ipe_id(plan.insee, self.ipe_number),
                address_id,
                name,
                BuildingType.HOUSE if house else BuildingType.BLOCK,
                state,
                pm.id,
                size,
                dates.cabling_on,
                dates.convention_signed_on if consent else None,
                consent,
                self.syndics[building_id % len(self.syndics)].as_manager() if consent else {},
                dates.modified_on,
            )
        )
        self.counts.add("buildings")
        deployed = state == BuildingState.DEPLOYED
        can_have_lines = deployed and pm.open and bool(self.operators)
        if house:
            pbo = self._pbo_for_house(pm, site)
            layout = [("", "", "")]
        else:
            capacity = max(
                FIBRES_PER_TUBE, math.ceil(size * 1.1 / FIBRES_PER_TUBE) * FIBRES_PER_TUBE
            )
            pbo = self._open_pbo(pm, site, kind="BPI", capacity=capacity, target=size)
            layout = apartment_layout(size, rng)
        for staircase, floor, door in layout:
            if house:
                kind = pick(rng, HOUSE_KINDS)
            else:
                kind = (
                    PremisesKind.PROFESSIONAL
                    if floor == "0" and rng.random() < 0.2
                    else PremisesKind.RESIDENTIAL
                )
            with_line = can_have_lines and rng.random() < self.line_share
            pto_state = (
                PtoState.EXISTING
                if with_line or (deployed and rng.random() < 0.15)
                else PtoState.TO_BUILD
            )
            self._add_premises(
                pm, pbo, building_id, staircase, floor, door, kind, pto_state, with_line
            )
        if not house:
            self._close_pbo(pbo)

    def _add_premises(
        self,
        pm: _Pm,
        pbo: _Pbo,
        building_id: int,
        staircase: str,
        floor: str,
        door: str,
        kind: str,
        pto_state: str,
        with_line: bool,
    ) -> None:
        premises_id = self._id(Premises)
        serial = self._serial(Premises, premises_id)
        self.tables[Premises].add(
            (
                premises_id,
                self.codes.code("LC", serial),
                building_id,
                staircase,
                floor,
                door,
                kind,
                pbo.id,
                self.codes.pto_reference(serial),
                "",
                pto_state,
                "",
            )
        )
        fibre_id = pbo.fibre_id + len(pbo.occupied)
        pbo.occupied.append(with_line)
        route_id = self._id(OpticalRoute)
        position = pm.routes
        pm.routes += 1
        self.tables[OpticalRoute].add(
            (
                route_id,
                self.codes.code("RO", self._serial(OpticalRoute, route_id)),
                premises_id,
                pbo.id,
                pm.id,
                fibre_id,
                f"MOD{position // MODULE_SIZE + 1:02d}",
                str(position % MODULE_SIZE + 1),
                1,
                "",
            )
        )
        self.tables[RouteFibre].add((self._id(RouteFibre), route_id, fibre_id, 1))
        if with_line:
            self._add_line(pm, premises_id, route_id)
        pm.premises += 1
        pm.nro.premises += 1
        self.premises_done += 1

    def _add_line(self, pm: _Pm, premises_id: int, route_id: int) -> None:
        rng = self.rng
        operator = self.operators[rng.randrange(len(self.operators))]
        opening = pm.dates.first_provision_on + COMMERCIAL_NOTICE  # type: ignore[operator]
        ordered = opening + days(rng.randint(0, max(0, (self.as_of - opening).days)))
        state = pick(rng, LINE_STATES)
        if (self.as_of - ordered).days < 5:
            state = LineState.ORDERED
        activated = None
        if state != LineState.ORDERED:
            activated = ordered + days(rng.randint(5, max(5, min(30, (self.as_of - ordered).days))))
            activated = min(activated, self.as_of)
        nd = None
        if rng.random() < ND_SHARE:
            nd = self.codes.nd(self.nds)
            self.nds += 1
        line_id = self._id(Line)
        self.tables[Line].add(
            (
                line_id,
                self.codes.line_reference(self.lines),
                operator.pk,
                f"{operator.arcep_code}-{self.codes.tag}{self.lines:08d}",
                premises_id,
                route_id,
                state,
                nd,
                ordered,
                activated,
            )
        )
        self.lines += 1
        self.counts.add("lines")

    # --- writing ---------------------------------------------------------------------
    def _maybe_flush(self) -> None:
        if len(self.tables[Premises]) >= BATCH or len(self.tables[Fibre]) >= 2 * BATCH:
            self.flush()

    def flush(self) -> None:
        """Write every queued row, parents first, then report progress."""
        if self.addresses:
            xs, ys = geo.to_lambert93(
                [row[17] for row in self.addresses], [row[18] for row in self.addresses]
            )
            table = self.tables[Address]
            for row, x, y in zip(self.addresses, xs, ys, strict=True):
                row[15], row[16] = x, y
                table.add(tuple(row))
            self.addresses = []
        for model in MODELS:
            self.tables[model].flush()
        self.on_flush(self.premises_done)

    def finish(self) -> dict[str, int]:
        """Close what is open, write the rest; return the counts."""
        if self.house_pbo is not None:
            self._close_pbo(self.house_pbo)
        if self.pm is not None:
            self._close_pm()
        self.flush()
        self.counts.add("premises", self.premises_done)
        self.counts.add("fibres", self.tables[Fibre].written)
        return dict(sorted(self.counts.values.items()))
