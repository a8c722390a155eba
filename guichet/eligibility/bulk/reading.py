"""The input file of a bulk eligibility job: layout found once, then one line → one query.

**Layout** (read from the header line, at upload):

- delimiter: ``;``, ``,`` or tab — the most frequent in the header (one column: none);
- encoding: UTF-8 (with or without BOM), else Windows-1252 when most non-ASCII lines of
  the first megabyte are not UTF-8; a single line that does not decode is an error line;
- columns, by name (case, accents, spaces and ``-`` ignored), either **one per key** —
  ``hexacle``, ``pto``, ``nd``, ``adresse`` (free text), ``code_insee`` + ``code_rivoli``
  + ``numero`` (+ ``complement``), ``hexacle_voie`` + ``numero``, ``id_immeuble``,
  ``id_ban`` — the first filled in the order of :class:`PlaceQuery` wins, or **typed**:
  ``type`` + ``valeur``, the type naming the key of each line (``hexacle``, ``pto``,
  ``nd``, ``adresse``, ``id_immeuble``, ``id_ban``);
- optional ``reference`` column: the client's own reference, echoed in the result.

Every line after the header is one input line, answered by one result line.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guichet.addresses.errors import QUERY_INVALID
from guichet.addresses.selectors import PlaceQuery
from guichet.core.errors import ErrorDef, GuichetError
from guichet.eligibility.bulk import errors

SNIFF_BYTES = 1 << 20
MAX_LINE_BYTES = 4096
DELIMITERS = (";", ",", "\t")

# Column name (normalised) → PlaceQuery field, or "reference" / "kind" / "value".
COLUMNS: dict[str, str] = {}
for _field, _names in {
    "hexacle": ("hexacle", "code_hexacle", "hexacle_numero"),
    "pto": ("pto", "reference_pto", "ref_pto", "pto_reference", "referencepto"),
    "nd": ("nd", "numero_designation", "numero_de_designation"),
    "text": ("adresse", "address", "adresse_libre", "texte"),
    "insee": ("code_insee", "insee", "codeinsee"),
    "rivoli": ("code_rivoli", "rivoli", "coderivoli"),
    "number": ("numero", "numero_voie", "num_voie", "number", "streetnr"),
    "suffix": ("complement", "complement_numero", "indice_repetition", "suffixe", "suffix"),
    "hexacle_street": ("hexacle_voie", "code_hexacle_voie"),
    "building_id": ("id_immeuble", "identifiant_immeuble", "identifiantimmeuble", "building_id"),
    "ban_id": ("id_ban", "identifiant_ban", "cle_interop", "ban_id"),
    "reference": ("reference", "ref", "reference_client", "ref_client", "external_id"),
    "kind": ("type", "type_cle", "type_de_cle", "key_kind"),
    "value": ("valeur", "cle", "value", "key"),
}.items():
    for _name in _names:
        COLUMNS[_name] = _field

# The key kinds a typed file may name (``type`` column) → PlaceQuery field.
KINDS = {
    "hexacle": "hexacle",
    "pto": "pto",
    "nd": "nd",
    "adresse": "text",
    "texte": "text",
    "id_immeuble": "building_id",
    "identifiant_immeuble": "building_id",
    "immeuble": "building_id",
    "id_ban": "ban_id",
    "ban": "ban_id",
    "cle_interop": "ban_id",
}
# The key columns, in PlaceQuery precedence: the first filled names the line's key.
PRECEDENCE = ("pto", "nd", "building_id", "hexacle", "ban_id", "hexacle_street", "insee", "text")
KEY_LABEL = {
    "pto": "pto",
    "nd": "nd",
    "building_id": "id_immeuble",
    "hexacle": "hexacle",
    "ban_id": "id_ban",
    "hexacle_street": "hexacle_voie",
    "insee": "insee_rivoli",
    "rivoli": "insee_rivoli",
    "text": "adresse",
}
NUMBER_RE = re.compile(r"^(\d{1,6})\s*([A-Za-z]*)$")


def normalise_name(name: str) -> str:
    """``Code INSEE`` → ``code_insee``; ``Numéro`` → ``numero``."""
    text = unicodedata.normalize("NFKD", name.strip().strip("\ufeff").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s\-.'/]+", "_", text).strip("_")


@dataclass(frozen=True)
class Layout:
    """How to read the file's lines (stored in ``BulkJob.options``)."""

    encoding: str
    delimiter: str
    columns: tuple[str, ...]  # the role of each column ("" = ignored)

    @property
    def typed(self) -> bool:
        return "kind" in self.columns

    def as_options(self) -> dict[str, Any]:
        return {"encoding": self.encoding, "delimiter": self.delimiter, "columns": self.columns}

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Layout:
        return cls(options["encoding"], options["delimiter"], tuple(options["columns"]))


@dataclass
class Line:
    """One input line read: its query, or the error that answers it."""

    number: int  # physical line number in the file (the header is line 1)
    reference: str = ""
    key_kind: str = ""
    key: str = ""
    query: PlaceQuery | None = None
    error: GuichetError | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _encoding(sample: bytes) -> str:
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    utf8 = cp1252 = 0
    for raw in sample.split(b"\n")[:-1] or sample.split(b"\n"):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            cp1252 += 1
    return "cp1252" if cp1252 > utf8 else "utf-8"


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ""


def layout_of(path: Path) -> Layout:
    """The file's layout from its first megabyte, or ELI-030 / ELI-032."""
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    encoding = _encoding(sample)
    first = sample.split(b"\n", 1)[0].rstrip(b"\r")
    if not first.strip():
        raise GuichetError(errors.FILE_EMPTY)
    try:
        header = first.decode(encoding)
    except UnicodeDecodeError:
        header = first.decode("cp1252", errors="replace")
    delimiter = _delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter)) if delimiter else [header]
    columns = tuple(COLUMNS.get(normalise_name(name), "") for name in names)
    keys = set(columns) - {"", "reference", "number", "suffix"}
    known = ", ".join(sorted({k for k, v in COLUMNS.items() if v not in ("reference",)}))
    if not keys:
        raise GuichetError(
            errors.HEADER_UNKNOWN, field="file", detail=header[:200] or "(vide)", known=known
        )
    if ("kind" in keys) != ("value" in keys):
        raise GuichetError(
            errors.HEADER_UNKNOWN,
            field="file",
            detail="les colonnes type et valeur vont ensemble",
            known=known,
        )
    if ("insee" in keys) != ("rivoli" in keys):
        raise GuichetError(
            errors.HEADER_UNKNOWN,
            field="file",
            detail="les colonnes code_insee et code_rivoli vont ensemble",
            known=known,
        )
    return Layout(encoding, delimiter, columns)


def count_lines(path: Path) -> int:
    """Lines after the header (a last line without newline counts; the final newline does not)."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def _error(line: Line, error: ErrorDef, **params: Any) -> Line:
    line.error = GuichetError(error, **params)
    return line


def _number(line: Line, value: str, suffix: str) -> tuple[int | None, str] | None:
    if not value:
        return None, suffix
    match = NUMBER_RE.match(value.strip())
    if match is None:
        _error(line, QUERY_INVALID, field="number", detail="le numéro est un nombre")
        return None
    return int(match.group(1)), suffix or match.group(2)


def _query(line: Line, values: dict[str, str]) -> Line:
    """The line's query from its key columns (PlaceQuery precedence), or its error."""
    kind = next(
        (k for k in PRECEDENCE if values.get(k) or (k == "insee" and values.get("rivoli"))), ""
    )
    line.key_kind = KEY_LABEL.get(kind, "")
    if not kind:
        return line  # resolve() answers the empty query (ADR-001)
    if kind in ("hexacle_street", "insee"):
        number = _number(line, values.get("number", ""), values.get("suffix", ""))
        if number is None:
            return line
        parts = (
            [values.get(k, "") for k in ("hexacle_street",)]
            if kind == "hexacle_street"
            else [
                values.get("insee", ""),
                values.get("rivoli", ""),
            ]
        )
        line.key = " ".join(
            p for p in [*parts, values.get("number", ""), values.get("suffix", "")] if p
        )
        if kind == "hexacle_street":
            line.query = PlaceQuery(
                hexacle_street=values["hexacle_street"], number=number[0], suffix=number[1]
            )
        else:
            line.query = PlaceQuery(
                insee=values.get("insee", ""),
                rivoli=values.get("rivoli", ""),
                number=number[0],
                suffix=number[1],
            )
        return line
    line.key = values[kind]
    line.query = PlaceQuery(**{kind: values[kind]})
    return line


def read_lines(layout: Layout, raws: Iterable[tuple[int, bytes]]) -> list[Line]:
    """One :class:`Line` per raw input line, in order (errors are lines too)."""
    out: list[Line] = []
    columns = layout.columns
    width = len(columns)
    delimiter = layout.delimiter
    for number, raw in raws:
        line = Line(number)
        out.append(line)
        raw = raw.rstrip(b"\r\n")
        if len(raw) > MAX_LINE_BYTES:
            _error(line, errors.LINE_TOO_LONG, limit=MAX_LINE_BYTES)
            continue
        try:
            text, readable = raw.decode(layout.encoding), True
        except UnicodeDecodeError:  # answered as an error, its reference still echoed
            text, readable = raw.decode(layout.encoding, errors="replace"), False
        if not text.strip():
            _error(line, errors.LINE_EMPTY)
            continue
        cells = next(csv.reader((text,), delimiter=delimiter)) if delimiter else [text]
        values = {}
        for role, cell in zip(columns, cells[:width], strict=False):
            if role:
                values[role] = cell.strip()
        line.reference = values.get("reference", "")[:100]
        if not readable:
            _error(line, errors.LINE_ENCODING, encoding=layout.encoding)
            continue
        if layout.typed:
            kind_name = normalise_name(values.get("kind", ""))
            field_name = KINDS.get(kind_name)
            line.key = values.get("value", "")
            line.key_kind = kind_name
            if field_name is None:
                _error(
                    line,
                    errors.LINE_KEY_KIND,
                    kind=values.get("kind", "") or "(vide)",
                    known=", ".join(sorted(KINDS)),
                )
                continue
            line.key_kind = KEY_LABEL[field_name]
            line.query = PlaceQuery(**{field_name: line.key}) if line.key else None
            continue
        _query(line, values)
    return out
