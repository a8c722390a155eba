"""NRO, PM and PBO rows, from the zones (``t_znro``/``t_zsro``), sites and boxes of the package."""

from __future__ import annotations

from typing import Any

from guichet.network import errors
from guichet.network.choices import GRACETHD_PM_STATES, PmState
from guichet.network.importing.gracethd_common import Cells, Run
from guichet.network.importing.gracethd_store import Tally, upsert
from guichet.network.importing.gracethd_tables import to_wgs84
from guichet.network.importing.gracethd_topology import Topology
from guichet.network.models import Nro, Pbo, Pm


def _lonlat(topo: Topology, node: str) -> dict[str, float | None]:
    point = topo.point(node)
    if point is None:
        return {"longitude": None, "latitude": None}
    lon, lat = to_wgs84([point])[0]
    return {"longitude": lon, "latitude": lat}


def _state(cells: Cells, column: str, abandoned_column: str) -> str:
    """PL/EC/DP/AB → PM/NRO state; an abandon date wins; unknown codes are reported, not fatal."""
    if cells.raw(abandoned_column):
        return PmState.ABANDONED
    raw = cells.raw(column).upper()
    if raw and raw not in GRACETHD_PM_STATES:
        cells.warn(
            errors.IMPORT_ROW_INVALID, column, raw, detail="état inconnu, « en cours » retenu"
        )
    return GRACETHD_PM_STATES.get(raw, PmState.DEPLOYING)


def write_nros(run: Run, topo: Topology) -> dict[str, int]:
    """NROs: ``t_znro`` rows, and NRO sites no zone points to. Returns code → id."""
    rows: dict[str, dict[str, Any]] = {}
    site_of_zone = {zone: site for site, zone in topo.nro_sites.items()}
    for code in topo.nro_codes():
        zone = topo.znro.get(code)
        if zone is not None:
            cells = Cells(run, "t_znro", zone.row)
            site = topo.sites.get(site_of_zone.get(code, ""))
            node = zone.node or (site.node if site else "")
            values = {
                "reference": cells.text("zn_nroref", 30, strict=True),
                "name": (site.name if site else "") or cells.text("zn_nom", 100),
                "state": _state(cells, "zn_etat", "zn_abddate"),
            }
            if not cells.ok:
                continue
        else:
            site = topo.sites.get(code) or topo.sites.get(topo.rooms[code].site)
            node = site.node if site else ""
            values = {
                "reference": ((site.external or site.name) if site else "")[:30],
                "name": (site.name if site else "")[:100],
            }
        rows[code] = values | _lonlat(topo, node)
    tally = Tally()
    ids = upsert(Nro, "code", rows, tally=tally)
    run.counts["nros"] = tally.total
    return ids


def write_pms(run: Run, topo: Topology, nro_ids: dict[str, int]) -> dict[str, int]:
    """PMs: ``t_zsro`` rows, and PM sites (SRO/SROL/SROS) no zone points to. Returns code → id."""
    rows: dict[str, dict[str, Any]] = {}
    references: dict[str, tuple[str, int | None]] = {}
    site_of_zone = {zone: site for site, zone in topo.pm_by_site.items()}
    for code in [*topo.zsro, *topo.pm_sites]:
        zone = topo.zsro.get(code)
        site = topo.sites.get(site_of_zone.get(code, "") or topo.pm_sites.get(code, ""))
        site_reference = (site.name or site.external or site.code) if site else ""
        values: dict[str, Any] = {}
        table, row, column = "t_sitetech", None, "st_nom"
        reference = site_reference or code
        if zone is not None:
            cells = Cells(run, "t_zsro", zone.row)
            reference = cells.raw("zs_refpm") or reference
            values = {
                "state": _state(cells, "zs_etatpm", "zs_abddate"),
                "installed_on": cells.date("zs_dateins"),
                "first_provision_on": cells.date("zs_datemad"),
                "capacity": cells.integer("zs_capamax"),
                "premises_count": cells.integer("zs_nblogmt"),
                "location_type": cells.text("zs_typeemp", 30),
                "engineering": cells.text("zs_typeing", 10),
            }
            if not cells.ok:
                continue
            table, row, column = "t_zsro", zone.row.number, "zs_refpm"
        if len(reference) > 20:
            run.error(
                errors.IMPORT_ROW_INVALID,
                table,
                row,
                column,
                reference,
                detail="référence PM de plus de 20 caractères",
            )
            continue
        if reference in references:
            run.error(
                errors.IMPORT_DUPLICATE_ID,
                table,
                row,
                column,
                reference,
                first_row=references[reference][1],
            )
            continue
        references[reference] = (code, row)
        values["reference"] = reference
        values["nro_id"] = nro_ids.get(topo.pm_nro.get(code, ""))
        rows[code] = values | _lonlat(topo, topo.pm_node(code))
    # A reference is unique in the inventory: refuse one that another PM already holds.
    taken = dict(
        Pm.objects.filter(reference__in=list(references))
        .exclude(code__in=list(rows))
        .values_list("reference", "code")
    )
    for reference, other in taken.items():
        code, row = references[reference]
        run.error(
            errors.IMPORT_ROW_INVALID,
            "t_zsro",
            row,
            "zs_refpm",
            reference,
            detail=f"référence déjà portée par le PM {other}",
        )
        rows.pop(code, None)
    tally = Tally()
    ids = upsert(Pm, "code", rows, tally=tally)
    run.counts["pms"] = tally.total
    return ids


def write_pbos(run: Run, topo: Topology, pm_ids: dict[str, int]) -> dict[str, int]:
    """PBOs (and BPIs) of ``t_ebp``, located by their technical point or room. Returns code → id."""
    capacities: dict[str, int] = {}
    for zone_code, pbo in topo.zone_pbo.items():
        cells = Cells(run, "t_zpbo", topo.zpbo[zone_code].row, report=False)
        capacity = cells.integer("zp_capamax")
        if capacity is not None:
            capacities.setdefault(pbo, capacity)
    rows: dict[str, dict[str, Any]] = {}
    for code, box in topo.boxes.items():
        node = topo.box_node(box)
        if not node:
            column = "bp_pt_code" if box.ptech or not box.room else "bp_lt_code"
            run.warning(
                errors.IMPORT_UNKNOWN_REFERENCE,
                "t_ebp",
                box.row,
                column,
                box.ptech or box.room,
            )
        rows[code] = {
            "reference": box.reference,
            "kind": box.kind,
            "nature": box.nature,
            "location": topo.box_location(box)[:2048],
            "capacity": capacities.get(code),
            "pm_id": pm_ids.get(topo.pbo_pm.get(code, "")),
        } | _lonlat(topo, node)
    tally = Tally()
    ids = upsert(Pbo, "code", rows, tally=tally)
    run.counts["pbos"] = tally.total
    return ids
