"""Which windows the technicians can take, computed from the current schedule (RDV-01).

Pure functions over plain values: the services load the planning, these decide. A window is
offered on a business day (GEN-04: no Sunday, no public holiday) when a technician covering
the place, with the skill, works the whole window that weekday, is not absent during it, and
has room left both in the window and in the day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from guichet.core.calendar import PARIS, get_calendar

SLOT_ID_RE = re.compile(r"^(\d{8})T(\d{4})-(\d{4})$")


@dataclass(frozen=True)
class TemplateView:
    pk: int
    starts_at: time
    ends_at: time
    capacity: int


@dataclass(frozen=True)
class TechnicianView:
    pk: int
    daily_capacity: int
    hours: Mapping[int, Sequence[tuple[time, time]]]  # weekday → ranges
    absences: Sequence[tuple[datetime, datetime]] = ()


@dataclass(frozen=True)
class Load:
    """What is already booked: per (technician, template, day) and per (technician, day)."""

    slots: Mapping[tuple[int, int, date], tuple[int, int]] = field(default_factory=dict)
    days: Mapping[tuple[int, date], tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Window:
    """One window of one day and the technicians who can still take it (most room first)."""

    day: date
    template: TemplateView
    starts_at: datetime
    ends_at: datetime
    technicians: tuple[tuple[int, int], ...]  # (technician pk, room left)

    @property
    def slot_id(self) -> str:
        return slot_id(self.day, self.template.starts_at, self.template.ends_at)

    @property
    def available(self) -> int:
        return sum(room for _, room in self.technicians)


def slot_id(day: date, start: time, end: time) -> str:
    """The public id of a window: ``20260316T0800-1000`` (Interop's ``idCreneau``)."""
    return f"{day:%Y%m%d}T{start:%H%M}-{end:%H%M}"


def parse_slot_id(value: str) -> tuple[date, time, time] | None:
    """(day, start, end) of a public slot id, or None when malformed."""
    match = SLOT_ID_RE.match((value or "").strip())
    if not match:
        return None
    try:
        day = datetime.strptime(match[1], "%Y%m%d").date()
        start = datetime.strptime(match[2], "%H%M").time()
        end = datetime.strptime(match[3], "%H%M").time()
    except ValueError:
        return None
    return (day, start, end) if start < end else None


def at(day: date, moment: time) -> datetime:
    """A wall-clock time of a day in Europe/Paris."""
    return datetime.combine(day, moment, tzinfo=PARIS)


def bookable_days(today: date, *, lead_business_days: int, horizon_days: int) -> tuple[date, date]:
    """[first, last] days an Operator may book: ``lead`` business days after today, up to the
    horizon (calendar days after today)."""
    return (
        get_calendar().add_business_days(today, lead_business_days),
        today + timedelta(days=horizon_days),
    )


def business_days(first: date, last: date) -> list[date]:
    calendar = get_calendar()
    days, day = [], first
    while day <= last:
        if calendar.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _works(tech: TechnicianView, day: date, template: TemplateView) -> bool:
    return any(
        start <= template.starts_at and template.ends_at <= end
        for start, end in tech.hours.get(day.weekday(), ())
    )


def _absent(tech: TechnicianView, starts: datetime, ends: datetime) -> bool:
    return any(a_start < ends and starts < a_end for a_start, a_end in tech.absences)


def room(tech: TechnicianView, template: TemplateView, day: date, load: Load) -> int:
    """Places left for ``tech`` in ``template``'s window on ``day`` (window and day limits)."""
    slot_capacity, slot_booked = load.slots.get((tech.pk, template.pk, day), (template.capacity, 0))
    day_capacity, day_booked = load.days.get((tech.pk, day), (tech.daily_capacity, 0))
    return max(0, min(slot_capacity - slot_booked, day_capacity - day_booked))


def windows(
    *,
    days: Iterable[date],
    templates: Sequence[TemplateView],
    technicians: Sequence[TechnicianView],
    load: Load,
    not_before: datetime,
) -> list[Window]:
    """Every window with room left, in time order; ``not_before`` drops windows already begun."""
    found = []
    for day in days:
        for template in templates:
            starts, ends = at(day, template.starts_at), at(day, template.ends_at)
            if starts < not_before:
                continue
            takers = [
                (tech.pk, room(tech, template, day, load))
                for tech in technicians
                if _works(tech, day, template) and not _absent(tech, starts, ends)
            ]
            takers = [(pk, left) for pk, left in takers if left > 0]
            if takers:
                takers.sort(key=lambda item: (-item[1], item[0]))
                found.append(Window(day, template, starts, ends, tuple(takers)))
    found.sort(key=lambda w: (w.starts_at, w.ends_at))
    return found
