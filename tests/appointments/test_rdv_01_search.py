"""RDV-01: free slots for a place and an intervention type, from the technicians' schedule now."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import holidays
import pytest
from django.test import override_settings
from django.utils import timezone

from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import services
from guichet.appointments.choices import InterventionType
from guichet.appointments.models import Technician
from guichet.core.calendar import PARIS, add_business_days, is_business_day
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.network.models import Building, Pm
from tests.appointments.conftest import (
    CONNECTION,
    business_day_after,
    first_day,
    make_technician,
    slot_id,
)
from tests.network.factories import make_building

pytestmark = pytest.mark.django_db


def search(actor: Principal, place: PlaceQuery, first, last=None, kind=CONNECTION):
    return services.search_free_slots(
        actor=actor, query=place, intervention_type=kind, date_from=first, date_to=last or first
    )


def ids(result) -> list[str]:
    return [s.id for s in result.slots]


def test_rdv_01_slots_of_a_covering_technician_with_the_skill(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    day = first_day()
    result = search(booker_a, place, day)
    assert ids(result) == [
        slot_id(day, time(8), time(10)),
        slot_id(day, time(10), time(12)),
        slot_id(day, time(13, 30), time(15, 30)),
        slot_id(day, time(15, 30), time(17, 30)),
    ]
    first = result.slots[0]
    assert first.starts_at == datetime.combine(day, time(8), tzinfo=PARIS)
    assert first.available == 1
    assert result.place.insee == "79191" and result.place.premises is not None


def test_rdv_01_found_by_address_too(
    booker_a: Principal, building: Building, technician: Technician
) -> None:
    by_hexacle = search(booker_a, PlaceQuery(hexacle=building.address.hexacle), first_day())
    assert len(by_hexacle.slots) == 4 and by_hexacle.place.premises is None
    assert by_hexacle.place.pm_references == (building.pm.reference,)


def test_rdv_01_no_slot_outside_the_technicians_area(
    booker_a: Principal, planner: Principal, templates, pm: Pm
) -> None:
    make_technician(planner, communes=("79003",))
    other = make_building(pm)
    assert search(booker_a, PlaceQuery(hexacle=other.address.hexacle), first_day()).slots == []


def test_rdv_01_a_pm_zone_covers_the_premises_hanging_from_it(
    booker_a: Principal, planner: Principal, templates, building: Building, place: PlaceQuery
) -> None:
    make_technician(planner, communes=(), pms=(building.pm.reference,))
    assert len(search(booker_a, place, first_day()).slots) == 4
    make_technician(planner, "Autre PM", communes=(), pms=("DSNU-PM-99999",))
    assert search(booker_a, place, first_day()).slots[0].available == 1


def test_rdv_01_no_slot_without_the_skill(
    booker_a: Principal, planner: Principal, templates, place: PlaceQuery
) -> None:
    make_technician(planner, skills=(InterventionType.SAV,))
    assert search(booker_a, place, first_day()).slots == []


def test_rdv_01_two_technicians_add_up_and_a_full_slot_disappears(
    booker_a: Principal, planner: Principal, technician: Technician, place: PlaceQuery
) -> None:
    make_technician(planner, "Second technicien")
    day = first_day()
    assert search(booker_a, place, day).slots[0].available == 2
    services.reserve(
        actor=booker_a, query=place, intervention_type=CONNECTION, slot_id=slot_id(day)
    )
    assert search(booker_a, place, day).slots[0].available == 1
    services.reserve(
        actor=booker_a, query=place, intervention_type=CONNECTION, slot_id=slot_id(day)
    )
    assert slot_id(day) not in ids(search(booker_a, place, day))


def test_rdv_01_daily_capacity_closes_the_day(
    booker_a: Principal, planner: Principal, templates, place: PlaceQuery
) -> None:
    make_technician(planner, daily_capacity=2)
    day = first_day()
    for start, end in ((time(8), time(10)), (time(13, 30), time(15, 30))):
        services.reserve(
            actor=booker_a,
            query=place,
            intervention_type=CONNECTION,
            slot_id=slot_id(day, start, end),
        )
    assert search(booker_a, place, day).slots == []


def test_rdv_01_absences_and_working_hours_remove_windows(
    booker_a: Principal, planner: Principal, technician: Technician, place: PlaceQuery
) -> None:
    day = first_day()
    services.add_absence(
        actor=planner,
        technician=technician,
        starts_at=datetime.combine(day, time(9), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(12), tzinfo=PARIS),
        reason="Formation",
    )
    assert ids(search(booker_a, place, day)) == [
        slot_id(day, time(13, 30), time(15, 30)),
        slot_id(day, time(15, 30), time(17, 30)),
    ]
    services.set_working_hours(
        actor=planner, technician=technician, hours={day.weekday(): [(time(13), time(16))]}
    )
    assert ids(search(booker_a, place, day)) == [slot_id(day, time(13, 30), time(15, 30))]


def test_rdv_01_no_slot_on_sundays_or_public_holidays(
    booker_a: Principal, technician: Technician, place: PlaceQuery
) -> None:
    today = timezone.localdate()
    holiday = next(
        d
        for d in sorted(holidays.France(years=[today.year, today.year + 1]))
        if d > today + timedelta(days=7) and d.weekday() != 6
    )
    with override_settings(GUICHET_RDV_HORIZON_DAYS=(holiday - today).days + 10):
        result = search(booker_a, place, holiday - timedelta(days=1), holiday + timedelta(days=1))
    days = {s.starts_at.date() for s in result.slots}
    assert holiday not in days and not is_business_day(holiday)
    assert all(d.weekday() != 6 for d in days)
    assert days  # the neighbouring business days are offered


def test_rdv_01_lead_time_and_horizon_bound_the_search(
    booker_a: Principal, technician: Technician, place: PlaceQuery
) -> None:
    today = timezone.localdate()
    result = search(booker_a, place, today, today + timedelta(days=90))
    days = sorted({s.starts_at.date() for s in result.slots})
    assert days[0] == add_business_days(today, 2)
    assert days[-1] <= today + timedelta(days=60)
    with override_settings(GUICHET_RDV_LEAD_BUSINESS_DAYS=5, GUICHET_RDV_HORIZON_DAYS=10):
        days = sorted(
            {
                s.starts_at.date()
                for s in search(booker_a, place, today, today + timedelta(days=30)).slots
            }
        )
    assert days[0] == add_business_days(today, 5)
    assert days[-1] <= today + timedelta(days=10)


def test_rdv_01_refused_without_subscription_or_ftth_contract(
    admin_a, place: PlaceQuery, technician: Technician
) -> None:
    from tests.accounts.people_support import give_profile
    from tests.appointments.conftest import as_principal, hold_ftth, subscribe

    subscription = subscribe(admin_a.operator)
    give_profile(admin_a, "RDV", ["e-rdv:read", "e-rdv:book"])
    with pytest.raises(GuichetError) as refused:
        search(as_principal(admin_a), place, first_day())
    assert refused.value.code == "RDV-002"
    assert "contrat d'accès FTTH" in refused.value.message("fr")
    hold_ftth(admin_a.operator)
    assert search(as_principal(admin_a), place, first_day()).slots
    subscription.ends_on = timezone.localdate()
    subscription.save()
    with pytest.raises(GuichetError) as refused:
        search(as_principal(admin_a), place, first_day())
    assert refused.value.code == "RDV-001"


def test_rdv_01_a_reader_searches_but_may_not_book(
    reader_a, booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    from tests.accounts.people_support import give_profile
    from tests.appointments.conftest import as_principal

    give_profile(reader_a, "Lecture RDV", ["e-rdv:read"])
    reader = as_principal(reader_a)
    assert search(reader, place, first_day()).slots
    with pytest.raises(GuichetError) as refused:
        services.reserve(
            actor=reader, query=place, intervention_type=CONNECTION, slot_id=slot_id(first_day())
        )
    assert refused.value.code == "GEN-403-RIGHT"


def test_rdv_01_unknown_place_type_and_bad_period_are_refused(
    booker_a: Principal, technician: Technician, place: PlaceQuery
) -> None:
    day = business_day_after(first_day())
    cases = [
        (PlaceQuery(hexacle="79191ZZZZZ"), CONNECTION, day, day, "RDV-006"),
        (place, "pose-antenne", day, day, "RDV-005"),
        (place, CONNECTION, day, day - timedelta(days=1), "RDV-008"),
    ]
    for query, kind, first, last, code in cases:
        with pytest.raises(GuichetError) as refused:
            search(booker_a, query, first, last, kind)
        assert refused.value.code == code
