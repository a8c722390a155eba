"""Reading the reference tables of a package into a :class:`.Topology` (nothing written).

v2 sites/rooms are ``t_sitetech``/``t_ltech``; v3 ones are ``t_site`` and the network
``t_local`` rows (TEC, SRO, NRO…). Only the columns the resolution needs are kept.
"""

from __future__ import annotations

from guichet.network import errors
from guichet.network.importing.gracethd_common import Cells, Run, Seen
from guichet.network.importing.gracethd_tables import Row
from guichet.network.importing.gracethd_topology import (
    PBO_KINDS,
    PT_KINDS,
    ROOM_LOCAL_KINDS,
    Box,
    Feed,
    Pto,
    Room,
    Site,
    Topology,
    ZoneRow,
)


def load(run: Run) -> Topology:
    """Read the reference tables of the package into a :class:`Topology`."""
    topo = Topology(version=run.version)
    v3 = run.version == 3
    for row in run.package.rows("t_noeud"):
        point = row.point()
        if point is not None:
            topo.nodes[row.get("nd_code").strip()] = point
    for row in run.package.rows("t_ptech"):
        topo.ptech[row.get("pt_code").strip()] = (row.get("pt_nd_code").strip(), _ptech_label(row))
    for row in run.package.rows("t_site" if v3 else "t_sitetech"):
        site = Site(
            code=row.get("st_code").strip(),
            node=row.get("st_nd_code").strip(),
            kind=row.get("st_typelog").strip().upper(),
            name=row.get("st_nom").strip(),
            external=row.get("st_codeext").strip(),
            address=row.get("st_ad_code").strip(),
        )
        topo.sites[site.code] = site
    if v3:
        for row in run.package.rows("t_local"):
            kind = row.get("lc_typelog").strip().upper()
            if kind in ROOM_LOCAL_KINDS:
                topo.rooms[row.get("lc_code").strip()] = Room(
                    row.get("lc_code").strip(),
                    row.get("lc_st_code").strip(),
                    kind,
                    _room_label(row, "lc"),
                )
    else:
        for row in run.package.rows("t_ltech"):
            topo.rooms[row.get("lt_code").strip()] = Room(
                row.get("lt_code").strip(),
                row.get("lt_st_code").strip(),
                "",
                _room_label(row, "lt"),
            )
    for row in run.package.rows("t_baie"):
        topo.bays[row.get("ba_code").strip()] = row.get(
            "ba_lc_code" if v3 else "ba_lt_code"
        ).strip()
    for row in run.package.rows("t_tiroir"):
        label = row.get("ti_etiquet").strip() or row.get("ti_code").strip()
        topo.drawers[row.get("ti_code").strip()] = (row.get("ti_ba_code").strip(), label)
    for row in run.package.rows("t_cassette"):
        topo.cassettes[row.get("cs_code").strip()] = row.get("cs_bp_code").strip()
    for row in run.package.rows("t_organisme"):
        topo.organisations[row.get("or_code").strip()] = row.get("or_nom").strip()
    _load_boxes(run, topo)
    _load_zones(run, topo)
    topo.derive()
    _scan_positions(run, topo)
    return topo


def _ptech_label(row: Row) -> str:
    kind = PT_KINDS.get(row.get("pt_typephy").strip().upper(), "Point technique")
    name = row.get("pt_etiquet").strip() or row.get("pt_codeext").strip() or row.get("pt_code")
    nature = row.get("pt_nature").strip()
    return f"{kind} {name.strip()}" + (f" ({nature})" if nature else "")


def _room_label(row: Row, prefix: str) -> str:
    label = row.get(f"{prefix}_etiquet").strip() or row.get(f"{prefix}_code").strip()
    parts = [
        f"{name} {value}"
        for name, column in (("bât.", "bat"), ("esc.", "escal"), ("étage", "etage"))
        if (value := row.get(f"{prefix}_{column}").strip())
    ]
    return label + (f" ({', '.join(parts)})" if parts else "")


def _load_boxes(run: Run, topo: Topology) -> None:
    """PBOs and PTOs of ``t_ebp`` (other boxes only matter through their cassettes)."""
    table = "t_ebp"
    premises_column = "bp_lc_code" if run.version == 3 else "bp_sf_code"
    seen = Seen(run, table, "bp_code")
    for row in run.package.rows(table):
        run.tick()
        cells = Cells(run, table, row)
        code = cells.code("bp_code")
        if not cells.ok or not seen.first(code, row.number):
            continue
        kind = cells.raw("bp_typelog").upper()
        if kind == "PTO":
            premises = cells.raw(premises_column)
            if not premises:
                cells.warn(errors.IMPORT_UNKNOWN_REFERENCE, premises_column, "")
                continue
            if premises in topo.ptos:
                cells.warn(
                    errors.IMPORT_DUPLICATE_ID,
                    premises_column,
                    premises,
                    first_row=topo.ptos[premises].row,
                )
                continue
            topo.ptos[premises] = Pto(code, cells.raw("bp_linecod"), row.number)
            topo.pto_boxes[code] = premises
        elif kind in PBO_KINDS:
            reference = cells.raw("bp_codeext") or cells.raw("bp_etiquet") or code
            if len(reference) > 100:
                cells.invalid("bp_codeext", reference, "référence PBO de plus de 100 caractères")
            box = Box(
                code=code,
                row=row.number,
                reference=reference,
                kind=kind,
                nature=cells.text("bp_typephy", 30),
                ptech=cells.raw("bp_pt_code"),
                room=cells.raw("bp_lc_code" if run.version == 3 else "bp_lt_code"),
            )
            if cells.ok:
                topo.boxes[code] = box


def _load_zones(run: Run, topo: Topology) -> None:
    v3 = run.version == 3
    layers = (
        ("t_zpbo", "zp", topo.zpbo, topo.zpbo_index, "zp_zs_code", "zp_bp_code", ""),
        (
            "t_zsro",
            "zs",
            topo.zsro,
            topo.zsro_index,
            "zs_zn_code",
            "",
            "zs_lc_code" if v3 else "zs_lt_code",
        ),
        ("t_znro", "zn", topo.znro, topo.znro_index, "", "", "zn_lc_code" if v3 else "zn_lt_code"),
    )
    for table, prefix, rows, index, parent, box, room in layers:
        seen = Seen(run, table, f"{prefix}_code")
        for row in run.package.rows(table):
            code = row.get(f"{prefix}_code").strip()
            if not code or not seen.first(code, row.number):
                continue
            zone = ZoneRow(
                row=row,
                code=code,
                node=row.get(f"{prefix}_nd_code").strip(),
                parent=row.get(parent).strip() if parent else "",
                box=row.get(box).strip() if box else "",
                room=row.get(room).strip() if room else "",
            )
            rows[code] = zone
            index.add(code, row.rings())
            # Polygons are only needed for the index; the row keeps its values.
            row.points = None


def _scan_positions(run: Run, topo: Topology) -> None:
    """Per fibre, the position feeding it; fibres entering PBOs; routes pre-assigned to premises."""
    for row in run.package.rows("t_position"):
        run.tick()
        fibre_in, fibre_out = row.get("ps_1").strip(), row.get("ps_2").strip()
        box = topo.cassettes.get(row.get("ps_cs_code").strip(), "")
        pbo = box if box in topo.boxes else ""
        drawer = row.get("ps_ti_code").strip()
        preassigned = row.get("ps_preaff").strip()
        if fibre_out:
            topo.feeds.setdefault(
                fibre_out,
                Feed(
                    fibre_in=fibre_in,
                    position=row.get("ps_code").strip(),
                    pbo=pbo,
                    pm=topo.drawer_pm(drawer) if drawer else "",
                    drawer=drawer,
                    number=row.get("ps_numero").strip(),
                    preassigned=preassigned,
                ),
            )
        if pbo and fibre_in:
            topo.fibre_pbo.setdefault(fibre_in, pbo)
        if pbo and preassigned:
            topo.preassigned_pbo.setdefault(preassigned, pbo)
        if preassigned and fibre_out:
            topo.preassigned_fibres[preassigned].append((fibre_in, fibre_out))
        if box in topo.pto_boxes and fibre_in:
            topo.pto_fibres.setdefault(fibre_in, topo.pto_boxes[box])
