"""Builds the inventory of generated premises: addresses, IPE lines, premises with their PTO,
routes and lines, on the topology of :mod:`.topology`.

Streaming: a commune's addresses are produced one by one, rows are queued per table and
written every :data:`BATCH` premises, so memory stays flat whatever the size. Primary keys
are computed from the tables' current maximum, so that routes and fibres reference rows
not yet written (foreign keys are checked at commit on both SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from guichet.network.choices import (
    BuildingState,
    BuildingType,
    LineState,
    PremisesKind,
    PtoState,
    ZoneType,
)
from guichet.network.generation import geo
from guichet.network.generation.codes import RunCodes
from guichet.network.generation.lifecycle import BUILDING_STATES, building_dates, days, pick
from guichet.network.generation.places import CommunePlan, Site, apartment_layout, postcode_for
from guichet.network.generation.reference import Reference
from guichet.network.generation.syndics import Syndic
from guichet.network.generation.tables import MODELS
from guichet.network.generation.topology import (
    FIBRES_PER_TUBE,
    PM_SIZE,
    OpenPbo,
    OpenPm,
    Topology,
)
from guichet.network.models import (
    COMMERCIAL_NOTICE,
    Address,
    Building,
    Fibre,
    Line,
    OpticalRoute,
    Premises,
    RouteFibre,
)

if TYPE_CHECKING:  # another domain: only its type is named here
    from guichet.operators.models import Operator

BATCH = 5_000
MODULE_SIZE = 72  # positions per PM module (tiroir)
HOUSE_KINDS = (
    (PremisesKind.RESIDENTIAL, 895),
    (PremisesKind.PROFESSIONAL, 80),
    (PremisesKind.ENTERPRISE, 20),
    (PremisesKind.PUBLIC, 5),
)
LINE_STATES = ((LineState.ACTIVE, 93), (LineState.SUSPENDED, 3), (LineState.ORDERED, 4))
ND_SHARE = 0.45
BAN_SUFFIXES = {"B": "_bis", "T": "_ter"}
EMPTY_JSON = "{}"


class Builder(Topology):
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
        super().__init__(codes=codes, rng=rng, first_ids=first_ids, as_of=as_of, now=now)
        self.reference = reference
        self.operators = operators
        self.line_share = line_share
        # Building.manager values, serialised once (JSON columns accept the text as it is).
        self.managers = [json.dumps(s.as_manager(), ensure_ascii=False) for s in syndics]
        self.on_flush = on_flush
        self.addresses: list[list[object]] = []  # waiting for their Lambert-93 coordinates
        self.premises_done = 0
        self.lines = 0
        self.nds = 0
        # Per commune of the run (a commune is generated once per run).
        self.postcodes: tuple[str, ...] = ()
        self.hexacle_number = 0
        self.ipe_number = 0
        self.streets: dict[int, tuple[str, str, str, str]] = {}

    # --- communes --------------------------------------------------------------------
    def start_commune(self, plan: CommunePlan) -> None:
        self.plan = plan
        self.postcodes = self.reference.postcodes[plan.source.insee]
        self.pbo_number = 0
        self.hexacle_number = 0
        self.ipe_number = 0
        self.streets = {}
        # Villages share a PM with their neighbours until it is big enough.
        if self.pm is not None and self.pm.premises >= PM_SIZE[0]:
            self._close_pm()

    def end_commune(self) -> None:
        if self.house_pbo is not None:
            self._close_pbo(self.house_pbo)
        self._maybe_flush()

    # --- addresses, buildings, premises ----------------------------------------------
    def _street(self, site: Site) -> tuple[str, str, str, str]:
        """Hexaclé voie, BAN id prefix, full name and postcode of a street (computed once)."""
        known = self.streets.get(site.street_index)
        if known is None:
            plan, street = self.plan, site.street
            assert plan is not None
            known = (
                self.codes.street_hexacle(plan.insee, site.street_index),
                f"{plan.insee}_{street.rivoli.lower()}_",
                f"{street.street_type} {street.name}" if street.street_type else street.name,
                postcode_for(plan, self.postcodes, street),
            )
            self.streets[site.street_index] = known
        return known

    def add_site(self, site: Site) -> None:
        """One address with its buildings, premises, routes and lines."""
        plan = self.plan
        assert plan is not None
        street = site.street
        address_id = self._id(Address)
        self.hexacle_number += 1
        suffix_ban = BAN_SUFFIXES.get(site.suffix, "")
        street_hexacle, ban_prefix, full_name, postcode = self._street(site)
        self.addresses.append(
            [
                address_id,
                self.codes.hexacle(plan.insee, self.hexacle_number),
                street_hexacle,
                f"{ban_prefix}{site.number:05d}{suffix_ban}",
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
                self.managers[building_id % len(self.managers)] if consent else EMPTY_JSON,
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
        pm: OpenPm,
        pbo: OpenPbo,
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

    def _add_line(self, pm: OpenPm, premises_id: int, route_id: int) -> None:
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
