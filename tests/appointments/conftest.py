"""e-RDV test data: an operator able to book, a small inventory in Niort (79191), a technician
covering it with the four standard windows, and the principals of each side."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from guichet.accounts.models import User
from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import services
from guichet.appointments.choices import InterventionType
from guichet.appointments.models import SlotTemplate, Technician
from guichet.core.calendar import add_business_days, is_business_day
from guichet.core.context import Channel, Principal, principal_for_user
from guichet.network.models import Building, Pm
from guichet.operators.models import EService, Operator, Subscription, WholesaleOffer
from guichet.operators.services import wholesale
from tests.accounts.people_support import give_profile
from tests.factories import SYSTEM
from tests.network.factories import make_building, make_pm

CONNECTION = InterventionType.FTTH_CONNECTION
WINDOWS = [
    (time(8), time(10)),
    (time(10), time(12)),
    (time(13, 30), time(15, 30)),
    (time(15, 30), time(17, 30)),
]
WORKDAY = [(time(8), time(12)), (time(13, 30), time(17, 30))]


def subscribe(operator: Operator, code: str = "e-rdv") -> Subscription:
    return Subscription.objects.create(
        operator=operator,
        service=EService.objects.get(code=code),
        activated_on=timezone.localdate() - timedelta(days=30),
    )


def hold_ftth(operator: Operator) -> None:
    wholesale.register_wholesale_contract(
        actor=SYSTEM,
        operator=operator,
        offer=WholesaleOffer.FTTH_ACCESS,
        signed_on=date(2024, 1, 15),
    )


def as_principal(user: User, channel: str = Channel.REST) -> Principal:
    return principal_for_user(user, channel=channel, ip="192.0.2.7", request_id="test-rdv")


def ready(user: User) -> Principal:
    """``user``'s operator subscribed to e-RDV with the FTTH contract; ``user`` may book."""
    subscribe(user.operator)
    hold_ftth(user.operator)
    give_profile(user, f"RDV {user.username}", ["e-rdv:read", "e-rdv:book"])
    return as_principal(User.objects.get(pk=user.pk))


def first_day() -> date:
    """The first bookable day with the default lead time (2 business days)."""
    return add_business_days(timezone.localdate(), 2)


def business_day_after(day: date, n: int = 0) -> date:
    day = add_business_days(day, n) if n else day
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def slot_id(day: date, start: time = time(8), end: time = time(10)) -> str:
    return f"{day:%Y%m%d}T{start:%H%M}-{end:%H%M}"


@pytest.fixture
def planner(provider_staff: User) -> Principal:
    return as_principal(provider_staff, Channel.PORTAL)


@pytest.fixture
def pm(db: None) -> Pm:
    return make_pm()


@pytest.fixture
def building(pm: Pm) -> Building:
    return make_building(pm, premises=3)


@pytest.fixture
def pto(building: Building) -> str:
    return building.premises.order_by("code")[0].pto_reference


@pytest.fixture
def place(pto: str) -> PlaceQuery:
    return PlaceQuery(pto=pto)


@pytest.fixture
def templates(planner: Principal) -> list[SlotTemplate]:
    return [
        services.create_slot_template(
            actor=planner, intervention_type=CONNECTION, starts_at=start, ends_at=end
        )
        for start, end in WINDOWS
    ]


def make_technician(
    planner: Principal,
    name: str = "Lucie Technicienne",
    *,
    communes: tuple[str, ...] = ("79191",),
    pms: tuple[str, ...] = (),
    skills: tuple[str, ...] = (CONNECTION,),
    daily_capacity: int = 4,
) -> Technician:
    technician = services.create_technician(
        actor=planner, name=name, skills=list(skills), daily_capacity=daily_capacity
    )
    services.set_areas(actor=planner, technician=technician, communes=communes, pms=pms)
    services.set_working_hours(
        actor=planner, technician=technician, hours={d: WORKDAY for d in range(6)}
    )
    return technician


@pytest.fixture
def technician(planner: Principal, templates: list[SlotTemplate]) -> Technician:
    return make_technician(planner)


@pytest.fixture
def booker_a(admin_a: User) -> Principal:
    return ready(admin_a)


@pytest.fixture
def booker_b(admin_b: User) -> Principal:
    return ready(admin_b)
