"""Cables, fibres and positions (splices and connectors) of the package.

GraceTHD's ``fo_etat`` is the fibre's physical condition, not its commercial use: ``HS`` puts
it out of service, anything else leaves it available — and a state the platform gave it since
(reserved, in use) is never undone by a re-import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from guichet.network import errors
from guichet.network.choices import FibreState
from guichet.network.importing.gracethd_common import Cells, Run, Seen
from guichet.network.importing.gracethd_store import Tally, batched, upsert
from guichet.network.importing.gracethd_topology import Topology
from guichet.network.models import Cable, Fibre, Position

# States the platform sets (orders, e-Mutation): the inventory file does not know them.
PLATFORM_STATES = frozenset({FibreState.RESERVED, FibreState.IN_USE})


def write_cables(run: Run) -> dict[str, int]:
    """Cables of ``t_cable``. Returns code → id."""
    table = "t_cable"
    seen = Seen(run, table, "cb_code")
    ids: dict[str, int] = {}
    tally = Tally()

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for row in run.package.rows(table):
            run.tick()
            cells = Cells(run, table, row)
            code = cells.code("cb_code")
            values = {
                "label": cells.text("cb_etiquet", 254),
                "capacity": cells.integer("cb_capafo"),
                "function": cells.text("cb_typelog", 2),
                "fibres_per_tube": cells.integer("cb_modulo"),
            }
            if cells.ok and seen.first(code, row.number):
                yield code, values

    for batch in batched(rows()):
        ids.update(upsert(Cable, "code", dict(batch), tally=tally))
    run.counts["cables"] = tally.total
    return ids


def _cable_pbos(run: Run, topo: Topology) -> dict[str, str]:
    """The PBO each cable enters, when its fibres enter exactly one ('' when several)."""
    found: dict[str, str] = {}
    for row in run.package.rows("t_fibre"):
        pbo = topo.fibre_pbo.get(row.get("fo_code").strip())
        if pbo:
            cable = row.get("fo_cb_code").strip()
            found[cable] = pbo if found.get(cable, pbo) == pbo else ""
    return found


def _keep_platform_state(obj: Model, values: dict[str, Any]) -> dict[str, Any]:
    if values["state"] == FibreState.AVAILABLE and obj.state in PLATFORM_STATES:
        return values | {"state": obj.state}
    return values


def write_fibres(
    run: Run, topo: Topology, cable_ids: dict[str, int], pbo_ids: dict[str, int]
) -> None:
    """Fibres of ``t_fibre``; a fibre of the cable entering a PBO is that PBO's (e-Mutation)."""
    table = "t_fibre"
    cable_pbos = _cable_pbos(run, topo)
    seen = Seen(run, table, "fo_code")
    tally = Tally()

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for row in run.package.rows(table):
            run.tick()
            cells = Cells(run, table, row)
            code = cells.code("fo_code")
            cable = cells.raw("fo_cb_code")
            if cable not in cable_ids:
                cells.fail(errors.IMPORT_UNKNOWN_REFERENCE, "fo_cb_code", cable)
            out_of_service = cells.raw("fo_etat").upper() == "HS"
            pbo = topo.fibre_pbo.get(code) or cable_pbos.get(cable, "")
            values = {
                "cable_id": cable_ids.get(cable),
                "rank": cells.integer("fo_nincab"),
                "tube": cells.integer("fo_numtub"),
                "rank_in_tube": cells.integer("fo_nintub"),
                "color": cells.text("fo_color", 20),
                "state": FibreState.OUT_OF_SERVICE if out_of_service else FibreState.AVAILABLE,
                "pbo_id": pbo_ids.get(pbo),
            }
            if cells.ok and seen.first(code, row.number):
                yield code, values

    for batch in batched(rows()):
        upsert(Fibre, "code", dict(batch), tally=tally, merge=_keep_platform_state)
    run.counts["fibres"] = tally.total


@dataclass(slots=True)
class _Position:
    code: str
    row: int
    fibre_in: str
    fibre_out: str
    values: dict[str, Any]


def fibre_ids(codes: set[str]) -> dict[str, int]:
    """code → id of the fibres among ``codes`` (one query per thousand codes)."""
    ids: dict[str, int] = {}
    for chunk in batched(sorted(codes)):
        ids.update(Fibre.objects.filter(code__in=chunk).values_list("code", "id"))
    return ids


def write_positions(run: Run, topo: Topology) -> None:
    """Positions of ``t_position``: fibre in (NRO side) → fibre out (PTO side), and their box."""
    table = "t_position"
    seen = Seen(run, table, "ps_code")
    tally = Tally()

    def rows() -> Iterator[_Position]:
        for row in run.package.rows(table):
            run.tick()
            cells = Cells(run, table, row)
            code = cells.code("ps_code")
            cassette = cells.raw("ps_cs_code")
            values = {
                "number": cells.integer("ps_numero"),
                "container": cells.text("ps_cs_code" if cassette else "ps_ti_code", 254),
                "box_code": topo.cassettes.get(cassette, "")[:254],
                "function": cells.text("ps_fonct", 2),
                "preassigned_to": cells.text("ps_preaff", 254),
            }
            if cells.ok and seen.first(code, row.number):
                yield _Position(code, row.number, cells.raw("ps_1"), cells.raw("ps_2"), values)

    for batch in batched(rows()):
        ids = fibre_ids({f for p in batch for f in (p.fibre_in, p.fibre_out) if f})
        values: dict[str, dict[str, Any]] = {}
        for position in batch:
            unknown = [
                (column, code)
                for column, code in (("ps_1", position.fibre_in), ("ps_2", position.fibre_out))
                if code and code not in ids
            ]
            for column, code in unknown:
                run.error(errors.IMPORT_UNKNOWN_REFERENCE, table, position.row, column, code)
            if not unknown:
                values[position.code] = position.values | {
                    "fibre_in_id": ids.get(position.fibre_in),
                    "fibre_out_id": ids.get(position.fibre_out),
                }
        upsert(Position, "code", values, tally=tally)
    run.counts["positions"] = tally.total
