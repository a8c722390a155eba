"""Streamed CSV downloads of the back-office (French spreadsheet conventions)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

# A byte-order mark so that spreadsheet software opens the UTF-8 file with its accents.
BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection):
# the values come from uploaded files, so they are neutralised.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class _Echo:
    """A file-like object whose ``write`` returns the line for the streaming generator."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> str:
    """A cell's text, with a leading quote when a spreadsheet would take it for a formula."""
    if value is None:
        return ""
    text = str(value)
    if not text.startswith(_FORMULA_STARTS) or _PLAIN_NUMBER.match(text):
        return text
    return "'" + text


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A ``;``-separated UTF-8 CSV streamed row by row (memory flat in the number of rows)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow([str(column) for column in header])
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
