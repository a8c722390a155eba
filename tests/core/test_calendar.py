"""GEN-04: business days and hours (Monday–Saturday, French holidays, 08:00–18:00 Paris)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from guichet.core import calendar as cal
from guichet.core.calendar import (
    BusinessCalendar,
    add_business_days,
    add_business_hours,
    business_days_between,
    business_hours_between,
    is_business_day,
    is_business_time,
    next_business_opening,
    normalize_subdivision,
)

PARIS = ZoneInfo("Europe/Paris")
METROPOLITAN = BusinessCalendar(subdivision="")
ALSACE = BusinessCalendar(subdivision="57")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def hours(h: float) -> timedelta:
    return timedelta(hours=h)


@pytest.fixture(autouse=True)
def _metropolitan(settings):
    settings.GUICHET_HOLIDAYS_SUBDIVISION = ""


# -- business days --------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension, a Thursday
        date(2026, 7, 14),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ],
)
def test_gen_04_public_holidays_are_not_business_days(day: date) -> None:
    assert not is_business_day(day)


def test_gen_04_whit_monday_follows_the_holidays_package() -> None:
    # Whit Monday is a "journée de solidarité" in many firms; holidays.France lists it.
    assert date(2026, 5, 25) in holidays.France(years=2026)
    assert not is_business_day(date(2026, 5, 25))


def test_gen_04_saturdays_are_business_days_sundays_are_not() -> None:
    assert is_business_day(date(2026, 5, 16))  # Saturday
    assert not is_business_day(date(2026, 5, 17))  # Sunday
    assert is_business_day(date(2026, 5, 18))  # Monday


@pytest.mark.parametrize("day", [date(2026, 4, 3), date(2026, 12, 26)])
def test_gen_04_alsace_moselle_holidays_only_with_subdivision(settings, day: date) -> None:
    assert is_business_day(day)
    assert not is_business_day(day, subdivision="57")
    assert not is_business_day(day, subdivision="6AE")
    assert not is_business_day(day, calendar=ALSACE)
    settings.GUICHET_HOLIDAYS_SUBDIVISION = "6AE"
    assert not is_business_day(day)
    assert is_business_day(day, calendar=METROPOLITAN)
    settings.GUICHET_HOLIDAYS_SUBDIVISION = "57"
    assert not is_business_day(day)


def test_gen_04_subdivision_spellings_are_normalised() -> None:
    assert normalize_subdivision("") is None
    assert normalize_subdivision(None) is None
    assert normalize_subdivision(" 57 ") in {"57", "6AE"}
    assert normalize_subdivision("6ae") in {"57", "6AE"}
    with pytest.raises(ValueError):
        BusinessCalendar(subdivision="Atlantis")


def test_gen_04_aware_datetime_uses_its_paris_date() -> None:
    # 23:30 UTC on Wednesday 13 May is already Ascension Thursday in Paris.
    assert not is_business_day(datetime(2026, 5, 13, 23, 30, tzinfo=UTC))
    assert is_business_day(datetime(2026, 5, 13, 21, 30, tzinfo=UTC))


def test_gen_04_add_business_days_across_ascension() -> None:
    assert add_business_days(date(2026, 5, 13), 1) == date(2026, 5, 15)
    assert add_business_days(date(2026, 5, 15), -1) == date(2026, 5, 13)


def test_gen_04_add_business_days_across_christmas_and_sunday() -> None:
    # Thu 24 → (Fri 25 holiday) Sat 26 → (Sun 27) Mon 28.
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 26)
    assert add_business_days(date(2026, 12, 24), 2) == date(2026, 12, 28)
    assert add_business_days(date(2026, 12, 24), 2, calendar=ALSACE) == date(2026, 12, 29)
    assert add_business_days(date(2026, 5, 16), 1) == date(2026, 5, 18)
    assert add_business_days(date(2026, 5, 17), 0) == date(2026, 5, 17)
    assert add_business_days(date(2026, 5, 17), 1) == date(2026, 5, 18)


def test_gen_04_add_business_days_keeps_paris_wall_clock_across_dst() -> None:
    result = add_business_days(paris(2026, 3, 28, 9, 30), 1)
    assert result == paris(2026, 3, 30, 9, 30)
    assert result.utcoffset() == hours(2)
    from_utc = add_business_days(datetime(2026, 10, 24, 7, 30, tzinfo=UTC), 1)  # 09:30 +02:00
    assert (from_utc.hour, from_utc.minute, from_utc.utcoffset()) == (9, 30, hours(1))
    assert from_utc.date() == date(2026, 10, 26)


def test_gen_04_business_days_between() -> None:
    assert business_days_between(date(2026, 5, 13), date(2026, 5, 15)) == 1
    assert business_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 2
    assert business_days_between(date(2026, 12, 28), date(2026, 12, 24)) == 0
    # 2026: 365 days − 52 Sundays − 10 holidays (All Saints' Day is a Sunday) = 303.
    assert business_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 303


# -- business hours -------------------------------------------------------------------


def test_gen_04_business_time_window() -> None:
    assert is_business_time(paris(2026, 5, 15, 8, 0))
    assert is_business_time(paris(2026, 5, 15, 17, 59))
    assert not is_business_time(paris(2026, 5, 15, 18, 0))
    assert not is_business_time(paris(2026, 5, 15, 7, 59))
    assert not is_business_time(paris(2026, 5, 14, 10, 0))  # Ascension
    assert not is_business_time(paris(2026, 5, 17, 10, 0))  # Sunday
    assert is_business_time(datetime(2026, 5, 16, 6, 0, tzinfo=UTC))  # Saturday 08:00 Paris


def test_gen_04_naive_datetimes_are_rejected() -> None:
    naive = datetime(2026, 5, 15, 10, 0)
    with pytest.raises(ValueError):
        is_business_time(naive)
    with pytest.raises(ValueError):
        add_business_hours(naive, 1)
    with pytest.raises(ValueError):
        business_hours_between(naive, paris(2026, 5, 16, 10))
    with pytest.raises(ValueError):
        next_business_opening(naive)
    with pytest.raises(ValueError):
        add_business_days(naive, 1)


def test_gen_04_next_business_opening() -> None:
    assert next_business_opening(paris(2026, 5, 15, 10, 0)) == paris(2026, 5, 15, 10, 0)
    assert next_business_opening(paris(2026, 5, 15, 6, 0)) == paris(2026, 5, 15, 8, 0)
    assert next_business_opening(paris(2026, 5, 13, 18, 0)) == paris(2026, 5, 15, 8, 0)
    assert next_business_opening(paris(2026, 5, 16, 19, 0)) == paris(2026, 5, 18, 8, 0)


def test_gen_04_add_business_hours_friday_to_saturday() -> None:
    assert add_business_hours(paris(2026, 5, 15, 17, 0), 3) == paris(2026, 5, 16, 10, 0)


def test_gen_04_add_business_hours_skips_sunday() -> None:
    assert add_business_hours(paris(2026, 5, 16, 17, 0), 2) == paris(2026, 5, 18, 9, 0)


def test_gen_04_add_business_hours_accepts_float_and_timedelta() -> None:
    start = paris(2026, 5, 15, 8, 0)
    assert add_business_hours(start, 1.5) == paris(2026, 5, 15, 9, 30)
    assert add_business_hours(start, timedelta(minutes=90)) == paris(2026, 5, 15, 9, 30)
    assert add_business_hours(start, 10) == paris(2026, 5, 15, 18, 0)
    assert add_business_hours(start, 0) == start
    with pytest.raises(ValueError):
        add_business_hours(start, -1)


def test_gen_04_add_business_hours_starts_at_next_opening() -> None:
    assert add_business_hours(paris(2026, 5, 13, 20, 0), 1) == paris(2026, 5, 15, 9, 0)
    assert add_business_hours(paris(2026, 12, 24, 19, 0), 11) == paris(2026, 12, 28, 9, 0)


def test_gen_04_add_business_hours_across_spring_dst() -> None:
    result = add_business_hours(paris(2026, 3, 28, 16, 0), 4)
    assert result == paris(2026, 3, 30, 10, 0)
    assert result.utcoffset() == hours(2)
    assert result.tzinfo == PARIS
    assert paris(2026, 3, 28, 16, 0).utcoffset() == hours(1)


def test_gen_04_add_business_hours_across_autumn_dst() -> None:
    result = add_business_hours(paris(2026, 10, 24, 16, 0), 4)
    assert result == paris(2026, 10, 26, 10, 0)
    assert result.utcoffset() == hours(1)
    from_utc = add_business_hours(datetime(2026, 10, 24, 14, 0, tzinfo=UTC), 4)
    assert from_utc == result


def test_gen_04_business_hours_between_examples() -> None:
    assert business_hours_between(paris(2026, 5, 15, 9), paris(2026, 5, 15, 12)) == hours(3)
    assert business_hours_between(paris(2026, 5, 15, 17), paris(2026, 5, 16, 10)) == hours(3)
    assert business_hours_between(paris(2026, 5, 16, 17), paris(2026, 5, 18, 9)) == hours(2)
    # Start before opening, end after closing; Ascension in between counts nothing.
    assert business_hours_between(paris(2026, 5, 13, 6), paris(2026, 5, 15, 21)) == hours(20)
    assert business_hours_between(paris(2026, 5, 17, 9), paris(2026, 5, 17, 17)) == hours(0)
    assert business_hours_between(paris(2026, 5, 15, 12), paris(2026, 5, 15, 9)) == hours(0)
    # One business week, Monday 08:00 to Sunday: 6 × 10 h.
    assert business_hours_between(paris(2026, 6, 1, 8), paris(2026, 6, 7, 12)) == hours(60)


def test_gen_04_business_hours_between_across_christmas(settings) -> None:
    start, end = paris(2026, 12, 24, 10), paris(2026, 12, 26, 12)
    assert business_hours_between(start, end) == hours(12)
    assert business_hours_between(start, end, calendar=ALSACE) == hours(8)
    settings.GUICHET_HOLIDAYS_SUBDIVISION = "57"
    assert business_hours_between(start, end) == hours(8)


def test_gen_04_business_hours_between_across_dst_counts_wall_clock() -> None:
    # Real elapsed time is 41 h in spring and 43 h in autumn; business time is 4 h both.
    spring = business_hours_between(paris(2026, 3, 28, 16), paris(2026, 3, 30, 10))
    autumn = business_hours_between(paris(2026, 10, 24, 16), paris(2026, 10, 26, 10))
    assert spring == autumn == hours(4)


def test_gen_04_custom_hours_and_time_zone() -> None:
    martinique = BusinessCalendar(
        subdivision="972",
        opening=time(7),
        closing=time(16),
        timezone=ZoneInfo("America/Martinique"),
    )
    start = datetime(2026, 5, 15, 15, 0, tzinfo=ZoneInfo("America/Martinique"))
    assert martinique.day_length == hours(9)
    assert martinique.add_business_hours(start, 2) == start.replace(day=16, hour=8)
    with pytest.raises(ValueError):
        BusinessCalendar(opening=time(18), closing=time(8))


def test_gen_04_default_calendar_reads_settings_lazily(settings) -> None:
    assert cal.get_calendar() is cal.DEFAULT_CALENDAR
    assert cal.DEFAULT_CALENDAR.subdivision is None
    settings.GUICHET_HOLIDAYS_SUBDIVISION = "6AE"
    assert date(2026, 4, 3) in cal.DEFAULT_CALENDAR.public_holidays(2026)
    del settings.GUICHET_HOLIDAYS_SUBDIVISION
    assert date(2026, 4, 3) not in cal.DEFAULT_CALENDAR.public_holidays(2026)


# -- properties -----------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2028, 12, 31, 23, 59),
    timezones=st.sampled_from([PARIS, UTC]),
    allow_imaginary=False,
)
calendars = st.sampled_from([METROPOLITAN, ALSACE])


@hypothesis_settings(max_examples=200, deadline=None)
@given(start=instants, minutes=st.integers(0, 500 * 60), calendar=calendars)
def test_gen_04_property_add_then_measure_business_hours(
    start: datetime, minutes: int, calendar: BusinessCalendar
) -> None:
    wanted = timedelta(minutes=minutes)
    result = calendar.add_business_hours(start, wanted)
    assert result.tzinfo == PARIS
    assert calendar.is_business_day(result)
    assert time(8) <= result.time() <= time(18)
    opening = calendar.next_business_opening(start)
    assert calendar.business_hours_between(opening, result) == wanted
    assert calendar.business_hours_between(start, result) == wanted
    if calendar.is_business_time(start):
        assert opening == start
    else:
        assert calendar.business_hours_between(start, opening) == timedelta(0)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    n=st.integers(-300, 300),
    calendar=calendars,
)
def test_gen_04_property_add_business_days(start: date, n: int, calendar: BusinessCalendar) -> None:
    result = calendar.add_business_days(start, n)
    low, high = sorted((start, result))
    walked = [low + timedelta(days=i) for i in range(1, (high - low).days + 1)]
    if n > 0:
        # Count by brute force over (start, result] to check the week-based counter too.
        assert calendar.is_business_day(result)
        assert sum(map(calendar.is_business_day, walked)) == n
        assert calendar.business_days_between(start, result) == n
    elif n < 0:
        # Going back: the business days in [result, start) number |n|.
        assert calendar.is_business_day(result)
        assert sum(map(calendar.is_business_day, [low, *walked[:-1]])) == -n
    else:
        assert result == start
