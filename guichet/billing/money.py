"""Amounts and periods: one rounding rule, stated once.

Every invoice line is computed exactly (``Decimal``) then rounded to the cent with
ROUND_HALF_UP; its VAT is the rounded HT × rate, rounded the same way; TTC = HT + VAT.
Totals are the sums of the rounded lines, so a reader can add up the PDF by hand.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

CENT = Decimal("0.01")
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to the cent, half up (1.005 → 1.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_rate() -> Decimal:
    """The VAT rate in percent (``GUICHET_VAT_RATE``, 20 by default)."""
    try:
        rate = Decimal(str(settings.GUICHET_VAT_RATE))
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - settings checked at start
        raise ValueError(f"GUICHET_VAT_RATE={settings.GUICHET_VAT_RATE!r} is not a number") from exc
    return rate


@dataclass(frozen=True)
class Amounts:
    ht: Decimal
    vat: Decimal
    ttc: Decimal


def line_amounts(exact_ht: Decimal, rate: Decimal) -> Amounts:
    """HT rounded to the cent, then VAT on the rounded HT, then TTC."""
    ht = cents(exact_ht)
    vat = cents(ht * rate / HUNDRED)
    return Amounts(ht=ht, vat=vat, ttc=ht + vat)


def month_bounds(month: date) -> tuple[date, date]:
    """First and last day of the month of ``month``."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def days_in(first: date, last: date) -> int:
    """Calendar days from ``first`` to ``last`` inclusive."""
    return (last - first).days + 1


def overlap(
    start: date, end_exclusive: date | None, first: date, last: date
) -> tuple[date, date] | None:
    """The days of [start, end_exclusive) that fall within [first, last], or None."""
    begin = max(start, first)
    finish = last if end_exclusive is None else min(last, end_exclusive - timedelta(days=1))
    return (begin, finish) if begin <= finish else None


def parse_month(value: str) -> date | None:
    """``YYYY-MM`` → the first day of that month; None when malformed."""
    try:
        year, month = value.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


def format_eur(value: Decimal) -> str:
    """French format: 1 234,56 € (narrow no-break space as thousands separator)."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(cents(value)):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NARROW_NBSP.join(groups) + "," + fraction + NBSP + "€"
