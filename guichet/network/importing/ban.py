"""BAN import: the national address base file ``adresses-XX.csv`` (or ``.csv.gz``, ``.zip``).

One line is one address point, keyed by the BAN ``id`` (``Address.ban_id``): created, or
updated when a value changed, never duplicated. Columns (``;``, UTF-8): see
``shared/data/fr-79/README.md``; the RIVOLI code is the part of ``id_fantoir`` after the
INSEE code (``79191_0123`` → ``0123``); ``x``/``y`` are Lambert-93 in metropolitan France
(the overseas files use their local projection, so they are not kept as Lambert-93);
WGS84 is derived from them when ``lon``/``lat`` are missing. Streamed and written in
batches, like the IPE import.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

from guichet.network import errors
from guichet.network.importing.base import ImportContext
from guichet.network.importing.batches import (
    BATCH_SIZE,
    PkMarks,
    RowWriter,
    batched,
    changes,
    first_rows,
)
from guichet.network.importing.files import count_rows, plain_file, read_csv
from guichet.network.importing.ipe import LAMBERT93, WGS84, to_wgs84
from guichet.network.importing.values import bounded_text, cached, parse_float, parse_int, text
from guichet.network.models import Address

REQUIRED_COLUMNS = ("id", "numero", "nom_voie", "code_postal", "code_insee", "nom_commune")
_INSEE = r"^[0-9][0-9AB][0-9]{3}$"
# Column → (Address field, converter); only the columns present in the file are applied.
FIELDS: dict[str, tuple[str, Callable[[str | None], Any]]] = {
    "rep": ("suffix", cached(bounded_text(10))),
    "nom_voie": ("street_name", cached(bounded_text(200))),
    "nom_ld": ("locality", cached(bounded_text(200))),
    "code_postal": ("postcode", cached(bounded_text(5, pattern=r"^[0-9]{5}$"))),
    "code_insee": ("insee", cached(bounded_text(5, pattern=_INSEE, required=True))),
    "nom_commune": ("commune_name", cached(bounded_text(100))),
    "code_insee_ancienne_commune": (
        "former_commune_insee",
        cached(bounded_text(5, pattern=_INSEE)),
    ),
    "nom_ancienne_commune": ("former_commune_name", cached(bounded_text(100))),
}
_ban_id = bounded_text(50, required=True)
_FANTOIR = re.compile(r"^([0-9][0-9AB][0-9]{3})_?([0-9A-Z]{4})$")
READ = ("id", "ban_id", "created_at", "number", "rivoli", "x_l93", "y_l93", "longitude", "latitude")
READ += tuple(name for name, _ in FIELDS.values())
COUNT_NAMES = ("rows", "rejected", "addresses_created", "addresses_updated")


def rivoli(id_fantoir: str | None) -> str:
    """The RIVOLI code of a BAN ``id_fantoir`` (``79191_0123`` → ``0123``), '' when empty."""
    raw = text(id_fantoir).upper()
    if not raw:
        return ""
    match = _FANTOIR.match(raw)
    if match is None:
        raise ValueError(f"identifiant FANTOIR attendu (INSEE_RIVOLI) : {raw!r}")
    return match.group(2)


def _number(value: str | None) -> int | None:
    number = parse_int(value)
    if number is not None and number < 0:
        raise ValueError("numéro positif attendu")
    return number


class BanImport:
    """The state of one BAN import across its batches."""

    def __init__(self, ctx: ImportContext, table: str, header: list[str]) -> None:
        self.ctx = ctx
        self.table = table
        self.columns = frozenset(header)
        self.spec = [(c, name, convert) for c, (name, convert) in FIELDS.items() if c in header]
        self.counts: Counter[str] = Counter()
        self.seen = PkMarks()
        self.late_duplicates: list[tuple[int, str]] = []
        self.stamp = timezone.now()  # created_at of the rows this import creates
        self.writer = RowWriter(Address)

    def _invalid(self, row: int, column: str, value: str | None, detail: str) -> None:
        self.ctx.error(
            errors.IMPORT_ROW_INVALID,
            table=self.table,
            row=row,
            column=column,
            value=value or "",
            detail=detail,
        )

    def _float(self, row: int, raw: dict[str, str], column: str) -> tuple[bool, float | None]:
        try:
            return True, parse_float(raw.get(column))
        except ValueError as exc:
            self._invalid(row, column, raw.get(column), str(exc))
            return False, None

    def parse(self, row: int, raw: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
        """(BAN id, address values), or None after reporting each bad value (NET-003)."""
        ok = True
        values: dict[str, Any] = {}
        try:
            ban_id = _ban_id(raw.get("id"))
        except ValueError as exc:
            self._invalid(row, "id", raw.get("id"), str(exc))
            ban_id, ok = "", False
        for column, name, convert in self.spec:
            try:
                values[name] = convert(raw.get(column))
            except ValueError as exc:
                self._invalid(row, column, raw.get(column), str(exc))
                ok = False
        for column, name, convert in (
            ("numero", "number", _number),
            ("id_fantoir", "rivoli", rivoli),
        ):
            if column in self.columns:
                try:
                    values[name] = convert(raw.get(column))
                except ValueError as exc:
                    self._invalid(row, column, raw.get(column), str(exc))
                    ok = False
        floats = {}
        for column in ("x", "y", "lon", "lat"):
            valid, floats[column] = self._float(row, raw, column)
            ok = ok and valid
        if not ok:
            return None
        x, y, lon, lat = floats["x"], floats["y"], floats["lon"], floats["lat"]
        metropolitan = not values.get("insee", "").startswith("97")
        try:
            if lon is not None and lat is not None:
                values["longitude"], values["latitude"] = to_wgs84(WGS84, lon, lat)
            elif x is not None and y is not None and metropolitan:
                values["longitude"], values["latitude"] = to_wgs84(LAMBERT93, x, y)
        except ValueError as exc:
            self._invalid(row, "lon", raw.get("lon"), str(exc))
            return None
        if {"x", "y"} <= self.columns:
            values["x_l93"], values["y_l93"] = (x, y) if metropolitan else (None, None)
        return ban_id, values

    def apply(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        """Check, then write one batch of lines."""
        wanted: dict[str, tuple[int, dict[str, Any]]] = {}
        repeated: list[tuple[int, str]] = []
        for row, raw in chunk:
            parsed = self.parse(row, raw)
            if parsed is None:
                self.counts["rejected"] += 1
            elif parsed[0] in wanted:
                repeated.append((row, parsed[0]))
            else:
                wanted[parsed[0]] = (row, parsed[1])
        found = {
            a["ban_id"]: a for a in Address.objects.filter(ban_id__in=list(wanted)).values(*READ)
        }
        for ban_id, address in found.items():
            if address["created_at"] == self.stamp or address["id"] in self.seen:
                self.late_duplicates.append((wanted.pop(ban_id)[0], ban_id))
                self.counts["rejected"] += 1
            else:
                self.seen.add(address["id"])
        for row, ban_id in repeated:
            if ban_id in wanted:
                self._duplicate(row, ban_id, wanted[ban_id][0])
            else:
                self.late_duplicates.append((row, ban_id))
                self.counts["rejected"] += 1
        created: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        names: set[str] = set()
        for ban_id, (_, values) in wanted.items():
            current = found.get(ban_id)
            if current is None:
                created.append(values | {"ban_id": ban_id})
            elif changed := changes(current, values):
                names.update(changed)
                updated.append(current | values)
        self.writer.insert(created, self.stamp)
        self.writer.update(updated, names, self.stamp)
        self.counts["addresses_created"] += len(created)
        self.counts["addresses_updated"] += len(updated)
        self.counts["rows"] += len(wanted)

    def _duplicate(self, row: int, ban_id: str, first_row: int) -> None:
        self.counts["rejected"] += 1
        self.ctx.error(
            errors.IMPORT_DUPLICATE_ID,
            table=self.table,
            row=row,
            column="id",
            value=ban_id,
            first_row=first_row,
        )

    def finish(self, path: Path) -> dict[str, int]:
        """Report duplicates across batches (a second pass over the file); the counts."""
        if self.late_duplicates:
            _, rows = read_csv(path, required=())
            wanted = {ban_id for _, ban_id in self.late_duplicates}
            first = first_rows(rows, lambda raw: text(raw.get("id")), wanted)
            for row, ban_id in self.late_duplicates:
                self.counts["rejected"] -= 1  # counted again by _duplicate
                self._duplicate(row, ban_id, first.get(ban_id, 0))
        return {name: self.counts[name] for name in COUNT_NAMES}


def import_ban(ctx: ImportContext, path: Path) -> dict[str, int]:
    """Import a BAN ``adresses-XX.csv[.gz]`` file into addresses (by BAN id); the counts."""
    with plain_file(path) as csv_path:
        header, rows = read_csv(csv_path, required=REQUIRED_COLUMNS, table=path.name)
        total = count_rows(csv_path)
        ctx.progress(0, total, force=True)
        state = BanImport(ctx, path.name, header)
        done = 0
        for chunk in batched(rows, BATCH_SIZE):
            state.apply(chunk)
            done += len(chunk)
            ctx.progress(done, total)
        counts = state.finish(csv_path)
    ctx.progress(done, total, force=True)
    return counts
