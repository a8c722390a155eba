"""Reading the values real files contain: empty and ``*****`` NULLs, several date formats, O/N booleans."""

from __future__ import annotations

import re
from datetime import date, datetime

NULLS = frozenset({"", "*****", "NULL", "null", "?"})
PTO_RE = re.compile(r"^[A-Z0-9]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
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
