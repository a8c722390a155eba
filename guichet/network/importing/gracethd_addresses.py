"""Addresses and their building (one IPE line per address) from ``t_adresse``.

An address is found again by its GraceTHD code, else by its BAN id or hexaclé when another
import (BAN, IPE) created it first: the keys then sit side by side on one row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from guichet.network import errors
from guichet.network.choices import (
    GRACETHD_BUILDING_STATES,
    BuildingState,
    BuildingType,
    ZoneType,
)
from guichet.network.importing.gracethd_common import Cells, Run, Seen
from guichet.network.importing.gracethd_store import Tally, batched, existing_by, upsert
from guichet.network.importing.gracethd_tables import Row, to_wgs84
from guichet.network.importing.gracethd_topology import Topology
from guichet.network.importing.values import parse_float
from guichet.network.models import HEXACLE, Address, Building

TABLE = "t_adresse"
BUILDING_TYPES = {"P": BuildingType.HOUSE, "I": BuildingType.BLOCK}
ZONE_TYPES = frozenset(ZoneType.values)
# Raw columns kept on the building for what the model has no field for (yet).
EXTRA_COLUMNS = (
    "ad_ietat",
    "ad_racc",
    "ad_nblhab",
    "ad_nblpro",
    "ad_nblres",
    "ad_idatcom",
    "ad_imneuf",
    "ad_idatimn",
    "ad_prop",
    "ad_section",
    "ad_idpar",
)


@dataclass(slots=True)
class _Entry:
    code: str
    row: int
    batcode: str
    pm: str | None
    address: dict[str, Any]
    building: dict[str, Any]
    point: tuple[float, float] | None


def rivoli_of(*candidates: str) -> str:
    """The 4-character RIVOLI code from ``ad_rivoli`` or a FANTOIR id of any usual length."""
    for value in candidates:
        value = value.strip().upper()
        if len(value) in (4, 5):
            return value[:4]
        if len(value) in (9, 10):  # INSEE + RIVOLI [+ key]
            return value[5:9]
        if len(value) == 11:  # département + direction + commune + RIVOLI + key
            return value[6:10]
    return ""


def _optional_key(cells: Cells, column: str, max_length: int, valid: bool = True) -> str | None:
    value = cells.raw(column).upper() if column == "ad_hexacle" else cells.raw(column)
    if not value:
        return None
    if len(value) > max_length or not valid:
        cells.warn(errors.IMPORT_ROW_INVALID, column, value, detail="identifiant ignoré")
        return None
    return value


def _entry(cells: Cells, row: Row, topo: Topology, premises: tuple[int, str | None]) -> _Entry:
    code = cells.code("ad_code")
    hexacle = cells.raw("ad_hexacle").upper()
    point = row.point()
    if point is None:
        try:
            x, y = parse_float(row.get("ad_x_ban")), parse_float(row.get("ad_y_ban"))
        except ValueError:
            x = y = None
        point = (x, y) if x is not None and y is not None else None
    zone_type = cells.raw("ad_typzone")
    if zone_type and zone_type not in ZONE_TYPES:
        cells.warn(errors.IMPORT_ROW_INVALID, "ad_typzone", zone_type, detail="type de zone ignoré")
        zone_type = ""
    postcode = cells.raw("ad_postal")
    if len(postcode) > 5:
        cells.invalid("ad_postal", postcode, "code postal de plus de 5 caractères")
    insee = cells.raw("ad_insee")
    if len(insee) > 5:
        cells.invalid("ad_insee", insee, "code INSEE de plus de 5 caractères")
    address = {
        "hexacle": _optional_key(cells, "ad_hexacle", 10, bool(HEXACLE.regex.match(hexacle))),
        "hexacle_street": _optional_key(cells, "ad_hexaclv", 10) or "",
        "ban_id": _optional_key(cells, "ad_ban_id", 50),
        "insee": insee,
        "rivoli": rivoli_of(cells.raw("ad_rivoli"), cells.raw("ad_fantoir")),
        "number": cells.integer("ad_numero"),
        "suffix": cells.text("ad_rep", 10),
        "street_name": cells.text("ad_nomvoie", 200),
        "locality": cells.text("ad_nom_ld", 200),
        "postcode": postcode,
        "commune_name": cells.text("ad_commune", 100),
        "zone_type": zone_type,
    }
    building = _building(cells, topo, premises[0])
    return _Entry(code, row.number, cells.raw("ad_batcode"), premises[1], address, building, point)


def _building(cells: Cells, topo: Topology, premises_count: int) -> dict[str, Any]:
    raw_state = cells.raw("ad_ietat").upper()
    if cells.raw("ad_abddate"):
        state = BuildingState.ABANDONED
    elif raw_state in GRACETHD_BUILDING_STATES:
        state = GRACETHD_BUILDING_STATES[raw_state]
    else:
        state = BuildingState.TARGETED
        detail = "état absent" if not raw_state else "état inconnu"
        cells.warn(
            errors.IMPORT_ROW_INVALID, "ad_ietat", raw_state, detail=f"{detail}, CIBLE retenu"
        )
    values: dict[str, Any] = {
        "name": cells.text("ad_nombat", 60),
        "building_type": BUILDING_TYPES.get(cells.raw("ad_itypeim").upper(), ""),
        "state": state,
        "cabling_on": cells.date("ad_idatcab"),
        "convention_signed_on": cells.date("ad_idatsgn"),
        "manager_consent_needed": bool(cells.boolean("ad_iaccgst")),
        "source_modified_on": cells.date("ad_majdate"),
        "premises_count": premises_count,
        "extra": {
            "gracethd": {
                column: value
                for column in ("ad_code", *EXTRA_COLUMNS)
                if (value := cells.raw(column))
            }
        },
    }
    manager = cells.raw("ad_gest")
    if manager:
        values["manager"] = {"code": manager, "name": topo.organisations.get(manager, "")}
    return values


def write_addresses(
    run: Run,
    topo: Topology,
    per_address: dict[str, tuple[int, str | None]],
    pm_ids: dict[str, int],
) -> dict[str, int]:
    """Addresses and buildings of ``t_adresse``; returns address code → building id."""
    seen = Seen(run, TABLE, "ad_code")
    first_rows: dict[str, int] = {}
    buildings: dict[str, int] = {}
    address_tally, building_tally = Tally(), Tally()

    def entries() -> Iterator[_Entry]:
        for row in run.package.rows(TABLE):
            run.tick()
            cells = Cells(run, TABLE, row)
            entry = _entry(cells, row, topo, per_address.get(cells.raw("ad_code"), (0, None)))
            if cells.ok and seen.first(entry.code, row.number):
                yield entry

    for batch in batched(entries()):
        _drop_repeated_keys(run, batch, first_rows)
        known = _known_addresses(batch)
        _drop_keys_held_elsewhere(run, batch, known)
        lonlat = iter(to_wgs84([e.point for e in batch if e.point is not None]))
        for entry in batch:
            x, y = entry.point or (None, None)
            lon, lat = next(lonlat) if entry.point else (None, None)
            entry.address |= {"x_l93": x, "y_l93": y, "longitude": lon, "latitude": lat}
        address_ids = upsert(
            Address,
            "source_code",
            {e.code: e.address for e in batch},
            tally=address_tally,
            existing=known,
        )
        rows: dict[str, dict[str, Any]] = {}
        codes: dict[str, str] = {}
        for entry in batch:
            ipe_id = _ipe_id(run, entry, first_rows)
            if ipe_id is None:
                continue
            codes[ipe_id] = entry.code
            rows[ipe_id] = entry.building | {
                "address_id": address_ids[entry.code],
                "pm_id": pm_ids.get(entry.pm or _pm_around(topo, entry.point)),
            }
        building_ids = upsert(Building, "ipe_id", rows, tally=building_tally, merge=_merge_extra)
        buildings.update({codes[ipe_id]: pk for ipe_id, pk in building_ids.items()})
    run.counts["addresses"] = address_tally.total
    run.counts["buildings"] = building_tally.total
    return buildings


def _pm_around(topo: Topology, point: tuple[float, float] | None) -> str:
    """The PM area holding an address without premises (IPE lists every building of a PM)."""
    found = topo.zsro_index.first(*point) if point is not None else None
    return found or topo.only_pm


def _ipe_id(run: Run, entry: _Entry, first_rows: dict[str, int]) -> str | None:
    """``ad_batcode`` (the operator's building id) when usable, else ``ad_code``; None if neither."""
    for candidate, column in ((entry.batcode, "ad_batcode"), (entry.code, "ad_code")):
        if not candidate:
            continue
        first = first_rows.setdefault(f"ipe:{candidate}", entry.row)
        if len(candidate) <= 30 and first == entry.row:
            return candidate
        run.warning(
            errors.IMPORT_ROW_INVALID,
            TABLE,
            entry.row,
            column,
            candidate,
            detail="identifiant d'immeuble de plus de 30 caractères ou déjà pris",
        )
    run.error(
        errors.IMPORT_ROW_INVALID,
        TABLE,
        entry.row,
        "ad_code",
        entry.code,
        detail="aucun identifiant d'immeuble utilisable (30 caractères au plus)",
    )
    return None


def _merge_extra(obj: Model, values: dict[str, Any]) -> dict[str, Any]:
    """Keep what other importers stored in ``extra``; GraceTHD owns its ``gracethd`` key."""
    extra = dict(obj.extra or {})
    extra["gracethd"] = values["extra"]["gracethd"]
    return values | {"extra": extra}


def _known_addresses(batch: list[_Entry]) -> dict[str, Model]:
    """Addresses of the batch already in the inventory: by code, else by BAN id or hexaclé."""
    known = existing_by(Address, "source_code", [e.code for e in batch])
    for key in ("ban_id", "hexacle"):
        wanted = {e.address[key]: e for e in batch if e.code not in known and e.address[key]}
        if not wanted:
            continue
        for address in Address.objects.filter(**{f"{key}__in": list(wanted)}, source_code=None):
            entry = wanted[getattr(address, key)]
            if entry.code not in known:
                known[entry.code] = address
                entry.address["source_code"] = entry.code
    return known


def _drop_repeated_keys(run: Run, batch: list[_Entry], first_rows: dict[str, int]) -> None:
    """A BAN id or hexaclé met twice in the file stays on its first address only."""
    for key, column in (("ban_id", "ad_ban_id"), ("hexacle", "ad_hexacle")):
        for entry in batch:
            value = entry.address[key]
            if value:
                first = first_rows.setdefault(f"{key}:{value}", entry.row)
                if first != entry.row:
                    run.warning(
                        errors.IMPORT_DUPLICATE_ID, TABLE, entry.row, column, value, first_row=first
                    )
                    entry.address[key] = None


def _drop_keys_held_elsewhere(run: Run, batch: list[_Entry], known: dict[str, Model]) -> None:
    """A BAN id or hexaclé another address of the inventory holds is not moved (unique keys)."""
    for key, column in (("ban_id", "ad_ban_id"), ("hexacle", "ad_hexacle")):
        values = [e.address[key] for e in batch if e.address[key]]
        if not values:
            continue
        holders = dict(Address.objects.filter(**{f"{key}__in": values}).values_list(key, "pk"))
        for entry in batch:
            value = entry.address[key]
            mine = known[entry.code].pk if entry.code in known else None
            if value and value in holders and holders[value] != mine:
                run.warning(
                    errors.IMPORT_ROW_INVALID,
                    TABLE,
                    entry.row,
                    column,
                    value,
                    detail="déjà porté par une autre adresse de l'inventaire, ignoré",
                )
                entry.address[key] = None
