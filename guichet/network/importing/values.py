"""Reading the values real files contain: empty and ``*****`` NULLs, several date formats, O/N
booleans; converters to bounded text, memoised for the columns that repeat a few values."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

NULLS = frozenset({"", "*****", "NULL", "null", "?"})
PTO_RE = re.compile(r"^[A-Z0-9]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
T = TypeVar("T")
_DATE_FORMATS = (
    "%Y%m%d",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%Y/%m/%d",
)


def text(value: str | None) -> str:
    """The stripped value, '' for every NULL spelling."""
    if value is None:
        return ""
    stripped = value.strip()
    return "" if stripped in NULLS else stripped


def parse_date(value: str | None) -> date | None:
    """yyyyMMdd (IPE), ISO (GraceTHD), dd/mm/yyyy (real v3 files), with or without a time."""
    raw = text(value)
    if not raw:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date non reconnue : {raw!r}")


def format_ipe_date(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def parse_int(value: str | None) -> int | None:
    raw = text(value)
    if not raw:
        return None
    try:
        return int(float(raw.replace(",", ".")))
    except ValueError as exc:
        raise ValueError(f"nombre entier attendu : {raw!r}") from exc


def parse_float(value: str | None) -> float | None:
    raw = text(value)
    if not raw:
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError as exc:
        raise ValueError(f"nombre attendu : {raw!r}") from exc


def parse_bool(value: str | None) -> bool | None:
    """O/N, OUI/NON, 1/0, T/F (DBF logicals), true/false."""
    raw = text(value).upper()
    if not raw:
        return None
    if raw in {"O", "OUI", "1", "T", "TRUE", "Y", "VRAI"}:
        return True
    if raw in {"N", "NON", "0", "F", "FALSE", "FAUX"}:
        return False
    raise ValueError(f"booléen attendu (O/N) : {raw!r}")


def is_pto_reference(value: str) -> bool:
    return bool(PTO_RE.match(value))


def cached(convert: Callable[[str | None], T]) -> Callable[[str | None], T]:
    """Memoise a converter: most IPE columns repeat a few values (states, dates, INSEE…)."""
    memo: dict[str | None, T] = {}

    def wrapper(value: str | None) -> T:
        try:
            return memo[value]
        except KeyError:
            result = convert(value)  # a ValueError is not remembered
            if len(memo) < 20_000:
                memo[value] = result
            return result

    return wrapper


def bounded_text(
    max_length: int, *, pattern: str = "", required: bool = False
) -> Callable[[str | None], str]:
    """A converter to a stripped string of at most ``max_length`` characters, matching ``pattern``."""
    regex = re.compile(pattern) if pattern else None

    def convert(value: str | None) -> str:
        raw = text(value)
        if not raw:
            if required:
                raise ValueError("valeur obligatoire")
            return raw
        if len(raw) > max_length:
            raise ValueError(f"{max_length} caractères au plus")
        if regex is not None and not regex.match(raw):
            raise ValueError(f"format inattendu : {raw!r}")
        return raw

    return convert
