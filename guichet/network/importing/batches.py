"""Writing big tables in batches: accumulate lines, tell what changed, write with one statement.

What the IPE, BAN and FANTOIR importers share. Lines are handled :data:`BATCH_SIZE` at a
time; :func:`changes` keeps unchanged rows out of the writes; :class:`RowWriter` inserts
(``executemany``, or ``COPY`` on PostgreSQL) and updates plain rows far faster than the
ORM's bulk methods; :class:`PkMarks` remembers the rows met by earlier batches in a bitmap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from django.db import connection, models

BATCH_SIZE = 2_000
# Coordinate differences this small are not changes: 1e-7° (about 1 cm, the precision
# derived WGS84 points are rounded to), 1 cm in Lambert-93.
FLOAT_TOLERANCE = {"longitude": 1e-7, "latitude": 1e-7, "x_l93": 0.01, "y_l93": 0.01}

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class PkMarks:
    """Primary keys met during one import, one bit each: a sparse bitmap, flat in memory.

    It tells a line that repeats an identifier of an earlier batch (the row already
    written or found) without keeping every identifier of the file in memory.
    """

    _SHIFT = 16

    def __init__(self) -> None:
        self._pages: dict[int, bytearray] = {}

    def add(self, pk: int) -> None:
        """Remember ``pk``."""
        page = self._pages.setdefault(pk >> self._SHIFT, bytearray(1 << (self._SHIFT - 3)))
        offset = pk & ((1 << self._SHIFT) - 1)
        page[offset >> 3] |= 1 << (offset & 7)

    def __contains__(self, pk: object) -> bool:
        if not isinstance(pk, int):
            return False
        page = self._pages.get(pk >> self._SHIFT)
        offset = pk & ((1 << self._SHIFT) - 1)
        return page is not None and bool(page[offset >> 3] & (1 << (offset & 7)))


def first_rows(
    rows: Iterable[tuple[int, T]], key: Callable[[T], str], wanted: set[str]
) -> dict[str, int]:
    """Row number of the first occurrence of each ``wanted`` key (a second pass, errors only)."""
    found: dict[str, int] = {}
    for row, item in rows:
        value = key(item)
        if value in wanted and value not in found:
            found[value] = row
            if len(found) == len(wanted):
                break
    return found


def changes(current: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """Names of the ``values`` that differ from ``current`` (floats: within a centimetre)."""
    changed = []
    for name, value in values.items():
        old = current[name]
        if old == value:
            continue
        tolerance = FLOAT_TOLERANCE.get(name)
        if tolerance and old is not None and value is not None and abs(old - value) <= tolerance:
            continue
        changed.append(name)
    return changed


def assign(obj: models.Model, values: dict[str, Any]) -> bool:
    """Set ``values`` on a model instance; whether anything really changed."""
    names = changes(obj.__dict__, values)
    for name in names:
        setattr(obj, name, values[name])
    return bool(names)


class RowWriter:
    """INSERT and UPDATE of plain rows with ``executemany``, for the big tables.

    Django's ``bulk_create``/``bulk_update`` prepare every value through several layers
    (and ``bulk_update`` builds one ``CASE`` per field): about half of a 250,000-line
    import. Here each value goes through its backend adapter only when it needs one
    (dates, JSON), and one statement is prepared per batch.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.table = connection.ops.quote_name(model._meta.db_table)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.adapters: dict[str, Callable[[Any], Any]] = {}
        for f in fields:
            if isinstance(f, models.JSONField):
                self.adapters[f.attname] = partial(
                    connection.ops.adapt_json_value, encoder=f.encoder
                )
            elif isinstance(f, models.DateTimeField):
                self.adapters[f.attname] = connection.ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                self.adapters[f.attname] = connection.ops.adapt_datefield_value

    def _rows(
        self, names: list[str], rows: Iterable[Mapping[str, Any]], fixed: Mapping[str, Any]
    ) -> list[list[Any]]:
        """Parameters of each row; ``fixed`` values are already adapted (the time stamps)."""
        adapters = [None if n in fixed else self.adapters.get(n) for n in names]
        pairs = list(zip(names, adapters, strict=True))
        return [
            [
                fixed[n] if n in fixed else (row[n] if a is None or row[n] is None else a(row[n]))
                for n, a in pairs
            ]
            for row in rows
        ]

    def _stamps(self, stamp: datetime, *names: str) -> dict[str, Any]:
        at = connection.ops.adapt_datetimefield_value(stamp)
        return {name: at for name in names if name in self.defaults}

    def insert(self, rows: list[dict[str, Any]], stamp: datetime) -> None:
        """Insert new rows (model defaults for the fields they omit)."""
        if not rows:
            return
        names = list(self.defaults)
        columns = ", ".join(connection.ops.quote_name(n) for n in names)
        fixed = self._stamps(stamp, "created_at", "updated_at")
        params = self._rows(names, (self.defaults | row for row in rows), fixed)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: several times faster than one INSERT per row on PostgreSQL.
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
                return
            placeholders = ", ".join(["%s"] * len(names))
            # Identifiers come from the model's meta, quoted; every value is a parameter.
            sql = f"INSERT INTO {self.table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, params)

    def update(self, rows: list[dict[str, Any]], names: set[str], stamp: datetime) -> None:
        """Write the fields ``names`` of rows that carry their ``id`` and every value of ``names``."""
        if not rows:
            return
        fixed = self._stamps(stamp, "updated_at")
        fields = [*sorted(names - fixed.keys()), *fixed, "id"]
        assignments = ", ".join(f"{connection.ops.quote_name(n)} = %s" for n in fields[:-1])
        sql = f"UPDATE {self.table} SET {assignments} WHERE id = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, self._rows(fields, rows, fixed))
