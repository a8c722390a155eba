"""Business days and hours (rule GEN-04, « Jours et Heures Ouvrables »).

Monday to Saturday, excluding French public holidays, 08:00–18:00 Europe/Paris.
Every delay expressed in business days or hours goes through this module so that
deadlines, reminders and SLA measurements agree to the minute. Opening hours are
wall-clock local times: a business day always lasts ``closing - opening``, DST or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

PARIS = ZoneInfo("Europe/Paris")
SUNDAY = 6
Hours = int | float | timedelta
_D = TypeVar("_D", date, datetime)

# Tickets and deployments name Alsace-Moselle either way; some holidays releases
# accept only one of the two codes.
_ALSACE_MOSELLE = {"57": "6AE", "6AE": "57"}


@lru_cache(maxsize=64)
def normalize_subdivision(value: str | None) -> str | None:
    """The ``holidays.France`` subdivision code for ``value``; None means metropolitan."""
    code = (value or "").strip()
    if not code:
        return None
    supported = set(holidays.France.subdivisions)
    aliases: dict[str, str] = getattr(holidays.France, "subdivisions_aliases", {})
    for candidate in (code, code.upper()):
        if candidate in supported:
            return candidate
        if candidate in aliases:
            return aliases[candidate]
    alternate = _ALSACE_MOSELLE.get(code.upper())
    if alternate in supported:
        return alternate
    raise ValueError(f"unknown French holidays subdivision {value!r}")


@lru_cache(maxsize=256)
def _holiday_dates(subdivision: str | None, year: int) -> frozenset[date]:
    # holidays rebuilds a whole year per instance; the same few years are asked constantly.
    return frozenset(holidays.France(subdiv=subdivision, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours, time zone and holiday subdivision of the business calendar.

    ``subdivision=None`` reads ``GUICHET_HOLIDAYS_SUBDIVISION`` at each call, so that
    settings overrides (tests, per-deployment config) apply without re-importing.
    ``subdivision=""`` forces metropolitan France.
    """

    subdivision: str | None = None
    opening: time = time(8)
    closing: time = time(18)
    timezone: tzinfo = PARIS

    def __post_init__(self) -> None:
        if not self.opening < self.closing:
            raise ValueError("opening time must be before closing time")
        if self.subdivision is not None:
            # Fail at construction on a typo rather than on the first deadline computed.
            object.__setattr__(self, "subdivision", normalize_subdivision(self.subdivision) or "")

    @property
    def day_length(self) -> timedelta:
        """Business time in one business day (10 h by default)."""
        return datetime.combine(date.min, self.closing) - datetime.combine(date.min, self.opening)

    def public_holidays(self, year: int) -> frozenset[date]:
        """Public holidays of ``year`` for this calendar's subdivision."""
        return _holiday_dates(self._subdivision(), year)

    def is_business_day(self, d: date) -> bool:
        """Monday to Saturday and not a public holiday (aware datetimes use their local date)."""
        return self._day_test()(self._as_date(d))

    def is_business_time(self, dt: datetime) -> bool:
        """``dt`` falls on a business day within [opening, closing) local time."""
        local = self._local(dt)
        return self.is_business_day(local.date()) and self.opening <= local.time() < self.closing

    def add_business_days(self, d: _D, n: int) -> _D:
        """The n-th business day after ``d`` (before it if n < 0); ``d`` itself if n == 0.

        A datetime keeps its local wall-clock time and comes back in the calendar time zone.
        """
        if isinstance(d, datetime):
            local = self._local(d)
            day = self.add_business_days(local.date(), n)
            return datetime.combine(day, local.time(), tzinfo=self.timezone)
        is_open = self._day_test()
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            d += step
            if is_open(d):
                remaining -= 1
        return d

    def business_days_between(self, start: date, end: date) -> int:
        """Number of business days d with start < d <= end (0 if end <= start)."""
        start, end = self._as_date(start), self._as_date(end)
        return self._count(start + timedelta(days=1), end + timedelta(days=1))

    def next_business_opening(self, dt: datetime) -> datetime:
        """``dt`` itself if it is business time, else the next opening instant (local time)."""
        local = self._local(dt)
        if self.is_business_time(local):
            return local
        day = local.date()
        if not (self.is_business_day(day) and local.time() < self.opening):
            day = self.add_business_days(day, 1)
        return datetime.combine(day, self.opening, tzinfo=self.timezone)

    def add_business_hours(self, dt: datetime, hours: Hours) -> datetime:
        """``dt`` plus ``hours`` of business time, counted from the next opening if closed."""
        remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if remaining < timedelta(0):
            raise ValueError("business hours to add must be >= 0")
        start = self.next_business_opening(dt).replace(tzinfo=None)
        day = start.date()
        left_today = datetime.combine(day, self.closing) - start
        if remaining <= left_today:
            return (start + remaining).replace(tzinfo=self.timezone)
        whole_days, rest = divmod(remaining - left_today, self.day_length)
        if not rest:
            # Ending exactly at closing time belongs to that day, not to the next opening.
            whole_days, rest = whole_days - 1, self.day_length
        target = self.add_business_days(day, whole_days + 1)
        return (datetime.combine(target, self.opening) + rest).replace(tzinfo=self.timezone)

    def business_hours_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time elapsed from ``start`` to ``end`` (zero if end <= start)."""
        s, e = self._local(start), self._local(end)
        if e <= s:
            return timedelta(0)
        # Wall-clock arithmetic: opening hours are local times, whatever the UTC offset.
        s, e = s.replace(tzinfo=None), e.replace(tzinfo=None)
        is_open = self._day_test()

        def clip(moment: datetime) -> datetime:
            opening = datetime.combine(moment.date(), self.opening)
            return min(max(moment, opening), datetime.combine(moment.date(), self.closing))

        if s.date() == e.date():
            return max(clip(e) - clip(s), timedelta(0)) if is_open(s.date()) else timedelta(0)
        total = timedelta(0)
        if is_open(s.date()):
            total += datetime.combine(s.date(), self.closing) - clip(s)
        if is_open(e.date()):
            total += clip(e) - datetime.combine(e.date(), self.opening)
        whole_days = self._count(s.date() + timedelta(days=1), e.date())
        return total + whole_days * self.day_length

    # -- internals ---------------------------------------------------------------------

    def _subdivision(self) -> str | None:
        if self.subdivision is None:
            configured = getattr(settings, "GUICHET_HOLIDAYS_SUBDIVISION", "")
            return normalize_subdivision(configured)
        return self.subdivision or None

    def _day_test(self) -> Callable[[date], bool]:
        # Resolve the setting once per computation, not once per day walked.
        subdivision = self._subdivision()

        def is_open(d: date) -> bool:
            return d.weekday() != SUNDAY and d not in _holiday_dates(subdivision, d.year)

        return is_open

    def _count(self, start: date, end: date) -> int:
        """Business days in [start, end), by whole weeks rather than day by day."""
        days = (end - start).days
        if days <= 0:
            return 0
        weeks, extra = divmod(days, 7)
        count = weeks * 6
        count += sum((start + timedelta(days=i)).weekday() != SUNDAY for i in range(extra))
        subdivision = self._subdivision()
        for year in range(start.year, end.year + 1):
            for holiday in _holiday_dates(subdivision, year):
                if start <= holiday < end and holiday.weekday() != SUNDAY:
                    count -= 1
        return count

    def _local(self, dt: datetime) -> datetime:
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError(f"naive datetime {dt!r}: business time needs an aware datetime")
        return dt.astimezone(self.timezone)

    def _as_date(self, d: date) -> date:
        return self._local(d).date() if isinstance(d, datetime) else d


DEFAULT_CALENDAR = BusinessCalendar()
_Cal = BusinessCalendar | None
_Sub = str | None


def get_calendar(calendar: _Cal = None, subdivision: _Sub = None) -> BusinessCalendar:
    """``calendar``, else one for ``subdivision``, else the settings-driven default."""
    if calendar is not None:
        return calendar
    if subdivision is not None:
        return BusinessCalendar(subdivision=subdivision)
    return DEFAULT_CALENDAR


def is_business_day(d: date, *, calendar: _Cal = None, subdivision: _Sub = None) -> bool:
    """Monday to Saturday and not a French public holiday."""
    return get_calendar(calendar, subdivision).is_business_day(d)


def is_business_time(dt: datetime, *, calendar: _Cal = None, subdivision: _Sub = None) -> bool:
    """Business day, 08:00 <= local time < 18:00 Europe/Paris; naive datetimes rejected."""
    return get_calendar(calendar, subdivision).is_business_time(dt)


def add_business_days(d: _D, n: int, *, calendar: _Cal = None, subdivision: _Sub = None) -> _D:
    """The n-th business day after ``d`` (before if n < 0), keeping a datetime's wall clock."""
    return get_calendar(calendar, subdivision).add_business_days(d, n)


def business_days_between(
    start: date, end: date, *, calendar: _Cal = None, subdivision: _Sub = None
) -> int:
    """Number of business days d with start < d <= end (0 if end <= start)."""
    return get_calendar(calendar, subdivision).business_days_between(start, end)


def next_business_opening(
    dt: datetime, *, calendar: _Cal = None, subdivision: _Sub = None
) -> datetime:
    """``dt`` if it is business time, else the next business opening (Europe/Paris)."""
    return get_calendar(calendar, subdivision).next_business_opening(dt)


def add_business_hours(
    dt: datetime, hours: Hours, *, calendar: _Cal = None, subdivision: _Sub = None
) -> datetime:
    """``dt`` plus ``hours`` of business time, as an aware Europe/Paris datetime."""
    return get_calendar(calendar, subdivision).add_business_hours(dt, hours)


def business_hours_between(
    start: datetime, end: datetime, *, calendar: _Cal = None, subdivision: _Sub = None
) -> timedelta:
    """Business time elapsed between two aware instants (zero if end <= start)."""
    return get_calendar(calendar, subdivision).business_hours_between(start, end)
