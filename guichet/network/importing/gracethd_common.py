"""What every stage of the GraceTHD import shares: the run (reporting, progress) and typed cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from guichet.core.errors import ErrorDef
from guichet.network import errors
from guichet.network.importing.base import ImportContext
from guichet.network.importing.gracethd_tables import Package, Row
from guichet.network.importing.values import parse_bool, parse_date, parse_int, text


@dataclass
class Run:
    """One import of one package: where to report, how far we are, what was written."""

    ctx: ImportContext
    package: Package
    version: int
    total: int = 0
    done: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def tick(self) -> None:
        """One more row read (the context flushes progress every thousand)."""
        self.done += 1
        self.ctx.progress(self.done, self.total or None)

    def error(
        self, error: ErrorDef, table: str, row: int | None, column: str, value: Any, **params: Any
    ) -> None:
        """A rejected row."""
        self.ctx.error(error, table=table, row=row, column=column, value=value, **params)

    def warning(
        self, error: ErrorDef, table: str, row: int | None, column: str, value: Any, **params: Any
    ) -> None:
        """An accepted row with a remark."""
        self.ctx.warning(error, table=table, row=row, column=column, value=value, **params)


class Cells:
    """Typed access to one row, reporting each bad cell (NET-003) and remembering the row failed.

    With ``report=False`` nothing is reported (a first, counting pass over a table whose
    problems the second pass reports).
    """

    def __init__(self, run: Run, table: str, row: Row, *, report: bool = True) -> None:
        self.run = run
        self.table = table
        self.row = row
        self.report = report
        self.ok = True

    def raw(self, column: str) -> str:
        """The cleaned text ('' for every NULL spelling)."""
        return text(self.row.get(column))

    def fail(self, error: ErrorDef, column: str, value: Any, **params: Any) -> None:
        """Reject the row."""
        self.ok = False
        if self.report:
            self.run.error(error, self.table, self.row.number, column, value, **params)

    def warn(self, error: ErrorDef, column: str, value: Any, **params: Any) -> None:
        """Accept the row with a remark."""
        if self.report:
            self.run.warning(error, self.table, self.row.number, column, value, **params)

    def invalid(self, column: str, value: Any, detail: str) -> None:
        """Reject the row for a bad value (NET-003)."""
        self.fail(errors.IMPORT_ROW_INVALID, column, value, detail=detail)

    def code(self, column: str, max_length: int = 254) -> str:
        """A mandatory identifier: never truncated."""
        value = self.raw(column)
        if not value:
            self.invalid(column, value, "identifiant obligatoire")
        elif len(value) > max_length:
            self.invalid(column, value, f"plus de {max_length} caractères")
        return value

    def text(self, column: str, max_length: int, *, strict: bool = False) -> str:
        """A label, cut to ``max_length`` with a warning (or rejected when ``strict``)."""
        value = self.raw(column)
        if len(value) > max_length:
            if strict:
                self.invalid(column, value, f"plus de {max_length} caractères")
                return ""
            self.warn(
                errors.IMPORT_ROW_INVALID,
                column,
                value,
                detail=f"tronqué à {max_length} caractères",
            )
            return value[:max_length]
        return value

    def integer(self, column: str, *, minimum: int | None = 0) -> int | None:
        """A whole number (``*****`` and blanks are NULL)."""
        try:
            value = parse_int(self.row.get(column))
        except ValueError as exc:
            self.invalid(column, self.row.get(column), str(exc))
            return None
        if value is not None and minimum is not None and value < minimum:
            self.invalid(column, value, f"nombre inférieur à {minimum}")
            return None
        return value

    def date(self, column: str) -> date | None:
        """ISO or dd/mm/yyyy, with or without a time."""
        try:
            return parse_date(self.row.get(column))
        except ValueError as exc:
            self.invalid(column, self.row.get(column), str(exc))
            return None

    def boolean(self, column: str) -> bool | None:
        """0/1, T/F (DBF logicals), true/false; ``?`` is NULL."""
        try:
            return parse_bool(self.row.get(column))
        except ValueError as exc:
            self.invalid(column, self.row.get(column), str(exc))
            return None


class Seen:
    """Identifiers already read in one table, to report duplicates with the first row (NET-004)."""

    def __init__(self, run: Run, table: str, column: str) -> None:
        self.run = run
        self.table = table
        self.column = column
        self.rows: dict[str, int] = {}

    def first(self, code: str, row: int, *, report: bool = True) -> bool:
        """True the first time ``code`` is seen; else report the duplicate and return False."""
        first_row = self.rows.setdefault(code, row)
        if first_row == row:
            return True
        if report:
            self.run.error(
                errors.IMPORT_DUPLICATE_ID,
                self.table,
                row,
                self.column,
                code,
                first_row=first_row,
            )
        return False
