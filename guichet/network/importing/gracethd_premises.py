"""Premises (v2 ``t_suf``, v3 ``t_local``) with their PTO, PBO and a stable PTO reference.

The premises table is read twice: a first, silent pass counts premises per address and finds
their PM (the building row needs both), the second writes them once their building exists.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from guichet.network import errors
from guichet.network.choices import PremisesKind, PtoState
from guichet.network.importing.gracethd_common import Cells, Run, Seen
from guichet.network.importing.gracethd_store import Tally, batched, existing_by, upsert
from guichet.network.importing.gracethd_topology import ROOM_LOCAL_KINDS, Pto, Topology
from guichet.network.importing.values import is_pto_reference
from guichet.network.models import Premises

log = logging.getLogger(__name__)

V2_KINDS = frozenset(PremisesKind.values)
# l_local_type_log (v3, v3.0.1) → our premises use.
V3_KINDS = {
    "RES": PremisesKind.RESIDENTIAL,
    "FTTH": PremisesKind.RESIDENTIAL,
    "PRO": PremisesKind.PROFESSIONAL,
    "ENT": PremisesKind.ENTERPRISE,
    "PUB": PremisesKind.PUBLIC,
    "OPE": PremisesKind.OPERATOR,
    "OBJ": PremisesKind.TECHNICAL,
}
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(slots=True)
class PremisesRow:
    """A premises as both versions describe it."""

    code: str
    row: int
    address: str
    address_column: str
    node: str
    zone: str
    pbo: str
    values: dict[str, Any]


def table_of(run: Run) -> str:
    """The premises table of the package's version."""
    return "t_local" if run.version == 3 else "t_suf"


def premises_rows(run: Run, topo: Topology, *, report: bool) -> Iterator[PremisesRow]:
    """Validated premises rows; ``report=False`` for the first, counting pass."""
    table = table_of(run)
    prefix = "lc" if run.version == 3 else "sf"
    seen = Seen(run, table, f"{prefix}_code")
    for row in run.package.rows(table):
        run.tick()
        cells = Cells(run, table, row, report=report)
        premises = _v3(cells, topo) if run.version == 3 else _v2(cells, topo)
        if (
            premises is not None
            and cells.ok
            and seen.first(premises.code, row.number, report=report)
        ):
            yield premises
    topo.premises_codes = set(seen.rows)


def _v2(cells: Cells, topo: Topology) -> PremisesRow | None:
    kind = cells.raw("sf_type").upper()
    if kind not in V2_KINDS:
        cells.warn(
            errors.IMPORT_ROW_INVALID, "sf_type", kind, detail="type inconnu, résidentiel retenu"
        )
        kind = PremisesKind.RESIDENTIAL
    zone = cells.raw("sf_zp_code")
    if zone and zone not in topo.zpbo:
        cells.warn(errors.IMPORT_UNKNOWN_REFERENCE, "sf_zp_code", zone)
        zone = ""
    return PremisesRow(
        code=cells.code("sf_code"),
        row=cells.row.number,
        address=cells.raw("sf_ad_code"),
        address_column="sf_ad_code",
        node=cells.raw("sf_nd_code"),
        zone=zone,
        pbo="",
        values={
            "staircase": cells.text("sf_escal", 25),
            "floor": cells.text("sf_etage", 25),
            "kind": kind,
            "connection_state": cells.text("sf_racco", 2),
        },
    )


def _v3(cells: Cells, topo: Topology) -> PremisesRow | None:
    raw_kind = cells.raw("lc_typelog").upper()
    if raw_kind in ROOM_LOCAL_KINDS:
        return None
    kind = V3_KINDS.get(raw_kind)
    if kind is None:
        cells.warn(
            errors.IMPORT_ROW_INVALID,
            "lc_typelog",
            raw_kind,
            detail="type inconnu, résidentiel retenu",
        )
        kind = PremisesKind.RESIDENTIAL
    site = topo.sites.get(cells.raw("lc_st_code"))
    if site is None:
        cells.fail(errors.IMPORT_UNKNOWN_REFERENCE, "lc_st_code", cells.raw("lc_st_code"))
        return None
    pbo = cells.raw("lc_bp_codf") or cells.raw("lc_bp_codp")
    if pbo and pbo not in topo.boxes:
        column = "lc_bp_codf" if cells.raw("lc_bp_codf") else "lc_bp_codp"
        cells.warn(errors.IMPORT_UNKNOWN_REFERENCE, column, pbo)
        pbo = ""
    # The model has one "staircase" level: building and staircase are kept together there.
    staircase = "-".join(part for part in (cells.raw("lc_bat"), cells.raw("lc_escal")) if part)
    if len(staircase) > 25:
        cells.warn(
            errors.IMPORT_ROW_INVALID, "lc_escal", staircase, detail="tronqué à 25 caractères"
        )
    return PremisesRow(
        code=cells.code("lc_code"),
        row=cells.row.number,
        address=site.address,
        address_column="st_ad_code",
        node=site.node,
        zone="",
        pbo=pbo,
        values={
            "staircase": staircase[:25],
            "floor": cells.text("lc_etage", 25),
            "kind": kind,
            "connection_state": "",
        },
    )


def place(topo: Topology, premises: PremisesRow) -> tuple[str | None, str | None]:
    """(PBO, PM) of a premises; a position pre-assigned to it names its PBO as a last resort."""
    pbo, pm = topo.place(premises.node, premises.zone, premises.pbo)
    if pbo is None and premises.code in topo.preassigned_pbo:
        pbo = topo.preassigned_pbo[premises.code]
        pm = pm or topo.pbo_pm.get(pbo)
    return pbo, pm


def count_by_address(run: Run, topo: Topology) -> dict[str, tuple[int, str | None]]:
    """First pass: premises per address and the PM they hang from (for the building rows)."""
    per_address: dict[str, tuple[int, str | None]] = {}
    for premises in premises_rows(run, topo, report=False):
        count, pm = per_address.get(premises.address, (0, None))
        per_address[premises.address] = (count + 1, pm or place(topo, premises)[1])
    return per_address


def write_premises(
    run: Run, topo: Topology, buildings: dict[str, int], pbo_ids: dict[str, int]
) -> dict[str, int]:
    """Second pass: write the premises and their PTO. Returns premises code → id."""
    table = table_of(run)
    _report_orphan_ptos(run, topo)
    references = References(run)
    ids: dict[str, int] = {}
    tally = Tally()
    ptos = 0

    def rows() -> Iterator[PremisesRow]:
        for premises in premises_rows(run, topo, report=True):
            if premises.address not in buildings:
                run.error(
                    errors.IMPORT_UNKNOWN_REFERENCE,
                    table,
                    premises.row,
                    premises.address_column,
                    premises.address,
                )
                continue
            yield premises

    for batch in batched(rows()):
        existing = existing_by(Premises, "code", [p.code for p in batch])
        assigned = references.assign(batch, topo.ptos, existing)
        values: dict[str, dict[str, Any]] = {}
        for premises in batch:
            pbo, _pm = place(topo, premises)
            if pbo is None:
                run.warning(
                    errors.IMPORT_UNKNOWN_REFERENCE,
                    table,
                    premises.row,
                    "sf_zp_code" if run.version == 2 else "lc_bp_codf",
                    "",
                )
            values[premises.code] = premises.values | {
                "building_id": buildings[premises.address],
                "pbo_id": pbo_ids.get(pbo or ""),
            }
            pto = topo.ptos.get(premises.code)
            if pto is not None and premises.code in assigned:
                ptos += 1
                values[premises.code] |= {
                    "pto_code": pto.code,
                    "pto_state": PtoState.EXISTING,
                    "pto_reference": assigned[premises.code],
                }
        ids.update(upsert(Premises, "code", values, tally=tally, existing=existing))
    run.counts["premises"] = tally.total
    run.counts["ptos"] = ptos
    return ids


def _report_orphan_ptos(run: Run, topo: Topology) -> None:
    """A PTO whose premises is not in the file (NET-006)."""
    column = "bp_lc_code" if run.version == 3 else "bp_sf_code"
    for premises, pto in topo.ptos.items():
        if premises not in topo.premises_codes:
            run.error(errors.IMPORT_UNKNOWN_REFERENCE, "t_ebp", pto.row, column, premises)


def pto_prefix() -> str:
    """The two-character operator prefix of the PTO references this platform assigns."""
    prefix = str(getattr(settings, "GUICHET_PTO_PREFIX", "DS")).upper()
    if len(prefix) != 2 or not prefix.isalnum() or not prefix.isascii():
        log.warning("GUICHET_PTO_PREFIX %r is not 2 letters or digits: DS used", prefix)
        return "DS"
    return prefix


def derived_reference(pto_code: str, prefix: str, attempt: int = 0) -> str:
    """A conforming reference from the PTO code: ``prefix`` + 8 base-36 characters of a hash."""
    seed = pto_code if attempt == 0 else f"{pto_code}#{attempt}"
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % 36**8
    chars = ""
    for _ in range(8):
        number, digit = divmod(number, 36)
        chars = _BASE36[digit] + chars
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


class References:
    """PTO references of one import: the file's when conforming, else kept, else derived."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.prefix = pto_prefix()
        self.holders: dict[str, tuple[str, int]] = {}
        self.column = "bp_linecod"

    def assign(
        self, batch: list[PremisesRow], ptos: dict[str, Pto], existing: dict[str, Any]
    ) -> dict[str, str]:
        """premises code → reference for the premises of the batch that have a PTO."""
        assigned: dict[str, str] = {}
        explicit: dict[str, str] = {}
        to_derive: dict[str, Pto] = {}
        for premises in batch:
            pto = ptos.get(premises.code)
            if pto is None:
                continue
            line = pto.line_code.strip().upper()
            if is_pto_reference(line):
                explicit[premises.code] = line
                continue
            self.run.warning(errors.IMPORT_BAD_PTO, "t_ebp", pto.row, self.column, pto.line_code)
            kept = getattr(existing.get(premises.code), "pto_reference", None)
            if kept and self._free(kept, premises.code):
                self._hold(kept, premises.code, pto.row)
                assigned[premises.code] = kept
            else:
                to_derive[premises.code] = pto
        taken = self._taken_in_db(explicit)
        for code, reference in explicit.items():
            pto = ptos[code]
            if reference in taken:
                self.run.error(
                    errors.IMPORT_ROW_INVALID,
                    "t_ebp",
                    pto.row,
                    self.column,
                    reference,
                    detail=f"référence déjà attribuée au local {taken[reference]}",
                )
            elif not self._free(reference, code):
                self.run.error(
                    errors.IMPORT_DUPLICATE_ID,
                    "t_ebp",
                    pto.row,
                    self.column,
                    reference,
                    first_row=self.holders[reference][1],
                )
            else:
                self._hold(reference, code, pto.row)
                assigned[code] = reference
        assigned.update(self._derive(to_derive))
        return assigned

    def _free(self, reference: str, premises: str) -> bool:
        holder = self.holders.get(reference)
        return holder is None or holder[0] == premises

    def _hold(self, reference: str, premises: str, row: int) -> None:
        self.holders[reference] = (premises, row)

    def _taken_in_db(self, wanted: dict[str, str]) -> dict[str, str]:
        """reference → code of another premises that already holds it."""
        if not wanted:
            return {}
        return dict(
            Premises.objects.filter(pto_reference__in=list(wanted.values()))
            .exclude(code__in=list(wanted))
            .values_list("pto_reference", "code")
        )

    def _derive(self, ptos: dict[str, Pto]) -> dict[str, str]:
        """Hash-derived references; a collision (≈ never) retries with the next attempt number."""
        assigned: dict[str, str] = {}
        attempts = dict.fromkeys(ptos, 0)
        while attempts:
            wanted = {
                code: derived_reference(ptos[code].code, self.prefix, n)
                for code, n in attempts.items()
            }
            taken = self._taken_in_db(wanted)
            retry: dict[str, int] = {}
            for code in sorted(wanted):
                reference = wanted[code]
                if reference in taken or not self._free(reference, code):
                    retry[code] = attempts[code] + 1
                else:
                    self._hold(reference, code, ptos[code].row)
                    assigned[code] = reference
            attempts = retry
        return assigned
