"""Batched inserts of generated rows, without building a model instance per row.

Generating millions of rows through ``Model(...)`` + ``bulk_create`` spends most of its time
in model and field machinery; here rows are plain tuples in a fixed column order, written
with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), in the caller's transaction.
Columns left out take the field's default; ``created_at``/``updated_at`` take "now".
Primary keys are given by the caller (see :func:`next_ids`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

TIMESTAMPS = ("created_at", "updated_at")


class Table:
    """Pending rows of one model, with the SQL that writes them."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], now: datetime) -> None:
        self.model = model
        self.columns = list(columns)
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = [name for name in self.columns if name not in fields]
        if unknown:
            raise ValueError(f"{model.__name__}: unknown columns {unknown}")
        self.sqlite = connection.vendor == "sqlite"
        extra = [name for name in fields if name not in self.columns]
        constants: list[Any] = []
        for name in extra:
            field = fields[name]
            if name in TIMESTAMPS:
                constants.append(self._adapt_datetime(now))
            elif field.has_default() or field.null:
                constants.append(self._adapt(field, field.get_default()))
            else:
                raise ValueError(f"{model.__name__}.{name} has no default: give it a value")
        self.constants = tuple(constants)
        self.all_columns = self.columns + extra
        # Dates and JSON are converted at write time; everything else goes as it is.
        self.converters = [
            index
            for index, name in enumerate(self.columns)
            if isinstance(fields[name], models.DateField | models.JSONField)
        ]
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.column_sql = ", ".join(quote(name) for name in self.all_columns)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def _adapt_datetime(self, value: datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(value) if self.sqlite else value

    def _adapt(self, field: models.Field, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(field, models.JSONField):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(field, models.DateTimeField):
            return self._adapt_datetime(value)
        if isinstance(field, models.DateField) and self.sqlite:
            return value.isoformat()
        return value

    def add(self, row: tuple[Any, ...]) -> None:
        """Queue one row (values in ``columns`` order)."""
        self.rows.append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def flush(self) -> int:
        """Write the queued rows; return how many."""
        if not self.rows:
            return 0
        rows = self.rows
        if self.converters:
            converted = []
            for row in rows:
                values = list(row)
                for index in self.converters:
                    value = values[index]
                    if value is not None:
                        if isinstance(value, dict | list):  # str: already JSON
                            values[index] = json.dumps(value, ensure_ascii=False)
                        elif self.sqlite and isinstance(value, date):
                            values[index] = value.isoformat()
                converted.append(tuple(values))
            rows = converted
        constants = self.constants
        with connection.cursor() as cursor:
            if self.sqlite:
                # Constant columns go into the statement itself: no per-row tuple copy.
                marks = ", ".join(["%s"] * len(self.columns) + [_literal(v) for v in constants])
                cursor.executemany(
                    # Table and column names come from the model, values are parameters.
                    f"INSERT INTO {self.table} ({self.column_sql}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
            else:
                raw = cursor.cursor
                with raw.copy(f"COPY {self.table} ({self.column_sql}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + constants)
        count = len(rows)
        self.written += count
        self.rows = []
        return count


def _literal(value: Any) -> str:
    """An SQL literal for one of our own constants (timestamps, defaults), for SQLite."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # "%" would be read as a placeholder by the DB-API layer.
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def next_ids(*model_classes: type[models.Model]) -> dict[type[models.Model], int]:
    """The first free primary key of each model (call inside the writing transaction)."""
    return {
        model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in model_classes
    }


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """Move PostgreSQL's id sequences past the keys given explicitly (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def now() -> datetime:
    return timezone.now()
