"""Opening real files: compressed or not, encodings tried in turn, CSV headers checked, rows streamed."""

from __future__ import annotations

import codecs
import csv
import gzip
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from guichet.network import errors
from guichet.network.importing.base import ImportAbort

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_CHUNK = 1 << 20


def detect_encoding(path: Path, candidates: Iterable[str] = ENCODINGS) -> str:
    """The first encoding that decodes the whole file (streamed, constant memory)."""
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportAbort(errors.IMPORT_FILE_UNREADABLE, table=path.name, detail="encodage inconnu")


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (lines minus the header), for the progress bar."""
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(_CHUNK), b""))
    return max(lines - 1, 0)


def read_csv(
    path: Path,
    *,
    required: Iterable[str],
    table: str | None = None,
    delimiter: str = ";",
    encoding: str | None = None,
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and a stream of ``(row number, row)``; row numbers count the header as 1.

    Raises :class:`ImportAbort` when required columns are missing, before any row is read.
    """
    name = table or path.name
    if not path.exists():
        raise ImportAbort(
            errors.IMPORT_FILE_UNREADABLE, table=name, detail=f"{path.name} introuvable"
        )
    encoding = encoding or detect_encoding(path)
    handle = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        handle.close()
        raise ImportAbort(
            errors.IMPORT_FILE_UNREADABLE, table=name, detail="fichier vide"
        ) from None
    except csv.Error as exc:
        handle.close()
        raise ImportAbort(errors.IMPORT_FILE_UNREADABLE, table=name, detail=str(exc)) from exc
    missing = [column for column in required if column not in header]
    if missing:
        handle.close()
        raise ImportAbort(errors.IMPORT_MISSING_COLUMNS, table=name, columns=", ".join(missing))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        with handle:
            try:
                for values in reader:
                    if not any(value.strip() for value in values):
                        continue
                    yield reader.line_num, dict(zip(header, values, strict=False))
            except csv.Error as exc:
                raise ImportAbort(
                    errors.IMPORT_FILE_UNREADABLE,
                    table=name,
                    detail=f"ligne {reader.line_num} : {exc}",
                ) from exc

    return header, rows()


@contextmanager
def plain_file(path: Path) -> Iterator[Path]:
    """The CSV itself, or the one inside a ``.gz`` or ``.zip`` (copied to a temporary folder).

    Real IPE and BAN files travel compressed; the copy lets :func:`files.read_csv` try its
    encodings and count the rows as for a plain file, in constant memory.
    """
    if not path.is_file():
        raise ImportAbort(
            errors.IMPORT_FILE_UNREADABLE, table=path.name, detail=f"{path.name} introuvable"
        )
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic[:2] != b"\x1f\x8b" and magic != b"PK\x03\x04":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="guichet-import-") as folder:
        if magic[:2] == b"\x1f\x8b":
            target = Path(folder) / (path.name.removesuffix(".gz") or "data.csv")
            with gzip.open(path, "rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy, 1 << 20)
        else:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
                if len(members) != 1:
                    raise ImportAbort(
                        errors.IMPORT_UNKNOWN_FORMAT,
                        table=path.name,
                        detail=f"une archive zip avec un seul fichier .csv est attendue ({len(members)} trouvé(s))",
                    )
                target = Path(folder) / Path(members[0].filename).name
                with archive.open(members[0]) as source, target.open("wb") as copy:
                    shutil.copyfileobj(source, copy, 1 << 20)
        yield target
