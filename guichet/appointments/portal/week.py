"""The week view of free slots (operators' booking and rescheduling, planners' moves): Monday
to Saturday, each day with its windows; previous/next week within the bookable days."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from guichet.appointments.services import FreeSlot

DAYS_SHOWN = 6  # Monday → Saturday: no appointment on Sundays (business calendar)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(value: str | None, default: date) -> date:
    """The Monday of the week ``value`` (an ISO day) falls in; ``default``'s when missing/bad."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        day = default
    return monday_of(day)


@dataclass(frozen=True)
class Day:
    day: date
    slots: list[FreeSlot] = field(default_factory=list)
    open: bool = True  # within the bookable days


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[Day]
    previous: date | None
    next: date | None

    @property
    def last(self) -> date:
        return self.monday + timedelta(days=DAYS_SHOWN - 1)

    @property
    def count(self) -> int:
        return sum(1 for d in self.days for s in d.slots if s.available)


def week_of(
    monday: date,
    slots: Iterable[FreeSlot],
    *,
    first: date,
    last: date,
    current: FreeSlot | None = None,
) -> Week:
    """Group ``slots`` by day for the week of ``monday``; navigation stays in [first, last].
    ``current`` (an appointment's own slot, full or not) is shown in its place."""
    slots = list(slots)
    if current is not None and current.id not in {s.id for s in slots}:
        slots = sorted([*slots, current], key=lambda s: (s.starts_at, s.ends_at))
    by_day: dict[date, list[FreeSlot]] = {}
    for slot in slots:
        by_day.setdefault(timezone.localtime(slot.starts_at).date(), []).append(slot)
    days = [monday + timedelta(days=n) for n in range(DAYS_SHOWN)]
    previous = monday - timedelta(days=7)
    following = monday + timedelta(days=7)
    return Week(
        monday=monday,
        days=[Day(d, by_day.get(d, []), first <= d <= last) for d in days],
        previous=previous if previous >= monday_of(first) else None,
        next=following if following <= last else None,
    )
