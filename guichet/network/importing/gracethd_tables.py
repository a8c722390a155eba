"""Reading a GraceTHD "shpcsv" package: every table by name, from a CSV or a shapefile.

Real deliveries mix UTF-8 and Windows-1252, upper- and lower-case names, DBF typed values
(logicals, dates, ``*****`` numbers) and, sometimes, a ``.prj`` other than Lambert-93. This
module hides all of that: a table is a stream of :class:`Row` whose values are plain strings,
with the geometry in Lambert-93 when the table has one.
"""

from __future__ import annotations

import codecs
import csv
import logging
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import shapefile
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from guichet.network import errors
from guichet.network.importing.base import ImportAbort
from guichet.network.importing.files import count_rows, detect_encoding, read_csv

log = logging.getLogger(__name__)

L93 = 2154
WGS84 = 4326
# The v2 exchange rule: shapefile attributes are Windows-1252 unless a .cpg says otherwise.
DEFAULT_DBF_ENCODING = "cp1252"
_CHUNK = 1 << 20

Ring = list[tuple[float, float]]
Warn = Callable[[str, str, str], None]


@dataclass(slots=True)
class Row:
    """One record: its row number (header = row 1), its values as text, its geometry (L93)."""

    number: int
    values: dict[str, str]
    points: Ring | None = None
    parts: list[int] | None = None

    def get(self, column: str) -> str:
        """The raw text of a column ('' when absent)."""
        return self.values.get(column, "")

    def point(self) -> tuple[float, float] | None:
        """The first point of the geometry (a point layer's location)."""
        return self.points[0] if self.points else None

    def rings(self) -> list[Ring]:
        """The rings of a (multi)polygon geometry, holes included (even-odd rule)."""
        if not self.points:
            return []
        bounds = [*(self.parts or [0]), len(self.points)]
        return [self.points[a:b] for a, b in pairwise(bounds) if b > a]


def dbf_text(value: Any) -> str:
    """A DBF value as the text a CSV would carry (logicals 1/0, ISO dates, integers without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bytes):
        return value.decode("latin-1").strip()
    return str(value).strip()


def codec_of_cpg(text: str) -> str | None:
    """The Python codec a ``.cpg`` names (``UTF-8``, ``1252``, ``ANSI 1252``, ``8859_1``…)."""
    name = text.strip().upper().replace("ANSI", "").strip()
    if name in {"88591", "8859_1", "ISO88591", "ISO-8859-1", "LATIN1"}:
        return "latin-1"
    if name.isdigit():
        name = f"cp{name}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _dbf_decodes(path: Path, encoding: str) -> bool:
    """Whether every record of a DBF decodes with ``encoding`` (the header is binary, skipped)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        head = handle.read(32)
        if len(head) < 32:
            return True
        header_length = struct.unpack("<H", head[8:10])[0]
        handle.seek(header_length)
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk.replace(b"\x1a", b" "))
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


class Package:
    """The files of one unpacked package, found by table name whatever their case."""

    def __init__(self, root: Path, warn: Warn | None = None) -> None:
        self.root = root
        self.files = {path.name.lower(): path for path in root.iterdir() if path.is_file()}
        self._warn = warn or (lambda table, value, detail: None)
        self._encodings: dict[Path, str] = {}
        self._to_l93: dict[str, Callable[[float, float], tuple[float, float]] | None] = {}

    # -- which tables are there -------------------------------------------------------------

    def _file(self, table: str, extension: str) -> Path | None:
        return self.files.get(f"{table}.{extension}")

    def has(self, table: str) -> bool:
        """Whether the package holds ``table`` as CSV, shapefile or bare DBF."""
        return any(self._file(table, ext) for ext in ("csv", "shp", "dbf"))

    def _spatial(self, table: str) -> bool:
        # A layer delivered as a shapefile wins over a CSV export of the same table.
        return self._file(table, "dbf") is not None

    # -- headers and counts -----------------------------------------------------------------

    def _csv(self, table: str) -> Path:
        path = self._file(table, "csv")
        if path is None:
            raise ImportAbort(
                errors.IMPORT_FILE_UNREADABLE, table=table, detail=f"{table}.csv introuvable"
            )
        return path

    def _csv_encoding(self, path: Path) -> str:
        if path not in self._encodings:
            self._encodings[path] = detect_encoding(path)
        return self._encodings[path]

    def columns(self, table: str) -> list[str]:
        """The column names of a table, lower-cased."""
        if self._spatial(table):
            with self._dbf_reader(table) as reader:
                return [field.name.lower() for field in reader.fields[1:]]
        path = self._csv(table)
        with path.open(encoding=self._csv_encoding(path), newline="") as handle:
            header = next(csv.reader(handle, delimiter=";"), [])
        return [column.strip().lower() for column in header]

    def require(self, table: str, columns: Iterable[str]) -> None:
        """Abort the import (NET-001/NET-002) when the table or one of its columns is missing."""
        if not self.has(table):
            raise ImportAbort(
                errors.IMPORT_FILE_UNREADABLE,
                table=table,
                detail=f"{table}.csv / {table}.shp introuvable",
            )
        present = set(self.columns(table))
        missing = [column for column in columns if column not in present]
        if missing:
            raise ImportAbort(
                errors.IMPORT_MISSING_COLUMNS, table=table, columns=", ".join(missing)
            )

    def count(self, table: str) -> int:
        """Rows of a table (for the progress bar), 0 when absent."""
        if not self.has(table):
            return 0
        if self._spatial(table):
            with self._dbf_reader(table) as reader:
                return len(reader)
        return count_rows(self._csv(table))

    # -- rows -------------------------------------------------------------------------------

    def rows(self, table: str) -> Iterator[Row]:
        """Stream the rows of a table (nothing when the table is absent)."""
        if not self.has(table):
            return iter(())
        if self._spatial(table):
            return self._shape_rows(table)
        return self._csv_rows(table)

    def _csv_rows(self, table: str) -> Iterator[Row]:
        path = self._csv(table)
        header, rows = read_csv(path, required=(), table=table, encoding=self._csv_encoding(path))
        lower = [column.lower() for column in header]
        rename = lower != header
        for number, values in rows:
            if rename:
                values = dict(zip(lower, values.values(), strict=False))
            yield Row(number, values)

    def _dbf_encoding(self, table: str, dbf: Path) -> str:
        if dbf in self._encodings:
            return self._encodings[dbf]
        cpg = self._file(table, "cpg")
        declared = DEFAULT_DBF_ENCODING
        if cpg is not None:
            declared = codec_of_cpg(cpg.read_text("ascii", errors="replace")) or declared
        encoding = next(
            enc for enc in (declared, "utf-8", "cp1252", "latin-1") if _dbf_decodes(dbf, enc)
        )
        if encoding != declared:
            self._warn(table, declared, f"attributs illisibles en {declared}, lus en {encoding}")
        self._encodings[dbf] = encoding
        return encoding

    def _dbf_reader(self, table: str) -> shapefile.Reader:
        dbf = self._file(table, "dbf")
        assert dbf is not None
        shp, shx = self._file(table, "shp"), self._file(table, "shx")
        return shapefile.Reader(
            dbf=dbf.open("rb"),
            shp=shp.open("rb") if shp else None,
            shx=shx.open("rb") if shx else None,
            encoding=self._dbf_encoding(table, dbf),
        )

    def _shape_rows(self, table: str) -> Iterator[Row]:
        to_l93 = self.transformer_to_l93(table)
        with self._dbf_reader(table) as reader:
            names = [field.name.lower() for field in reader.fields[1:]]
            has_shapes = reader.shp is not None
            records = reader.iterShapeRecords() if has_shapes else reader.iterRecords()
            for index, item in enumerate(records):
                record = item.record if has_shapes else item
                values = {name: dbf_text(value) for name, value in zip(names, record, strict=False)}
                points: Ring | None = None
                parts: list[int] | None = None
                if has_shapes and item.shape.points:
                    points = [(float(x), float(y)) for x, y, *_ in item.shape.points]
                    if to_l93 is not None:
                        points = [to_l93(x, y) for x, y in points]
                    parts = list(getattr(item.shape, "parts", [0]))
                # Records are numbered as a spreadsheet shows them: the header is row 1.
                yield Row(index + 2, values, points, parts)

    # -- coordinates ------------------------------------------------------------------------

    def transformer_to_l93(
        self, table: str
    ) -> Callable[[float, float], tuple[float, float]] | None:
        """None when the layer is already Lambert-93 (the rule), else a reprojection to it."""
        if table in self._to_l93:
            return self._to_l93[table]
        prj = self._file(table, "prj")
        to_l93 = None
        if prj is not None:
            try:
                crs = CRS.from_wkt(prj.read_text("latin-1"))
            except CRSError:
                self._warn(table, prj.name, "projection illisible, Lambert-93 supposé")
                crs = None
            if crs is not None and crs.to_epsg() != L93:
                transformer = Transformer.from_crs(crs, L93, always_xy=True)
                to_l93 = transformer.transform
        self._to_l93[table] = to_l93
        return to_l93


_TO_WGS84: Transformer | None = None


def to_wgs84(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Lambert-93 points → (longitude, latitude), in one call for the whole batch."""
    global _TO_WGS84
    if not points:
        return []
    if _TO_WGS84 is None:
        _TO_WGS84 = Transformer.from_crs(L93, WGS84, always_xy=True)
    lons, lats = _TO_WGS84.transform([p[0] for p in points], [p[1] for p in points])
    return [(round(lon, 7), round(lat, 7)) for lon, lat in zip(lons, lats, strict=True)]
