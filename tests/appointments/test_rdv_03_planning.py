"""RDV-03: the Provider's planners manage the planning; moving or cancelling an appointment
notifies its Operator (email in the outbox and an event record for the webhook)."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.utils import timezone

from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import selectors, services
from guichet.appointments.choices import AppointmentStatus
from guichet.appointments.models import Appointment, Slot, Technician, TechnicianDay
from guichet.core.calendar import PARIS, add_business_days
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.models import OutboundEmail, OutboundEvent
from tests.appointments.conftest import CONNECTION, first_day, slot_id

pytestmark = pytest.mark.django_db
S = AppointmentStatus


def booked(actor: Principal, place: PlaceQuery, sid: str | None = None) -> Appointment:
    appointment = services.reserve(
        actor=actor, query=place, intervention_type=CONNECTION, slot_id=sid or slot_id(first_day())
    )
    return services.confirm(actor=actor, id_rdv=appointment.id_rdv)


def test_rdv_03_a_planners_move_notifies_the_operator(
    booker_a: Principal, planner: Principal, place: PlaceQuery, technician: Technician
) -> None:
    appointment = booked(booker_a, place)
    tomorrow = add_business_days(timezone.localdate(), 1)
    # a planner is not bound by the Operators' lead time, only by capacity and the schedule
    target = slot_id(tomorrow, time(15, 30), time(17, 30))
    moved = services.move_appointment(
        actor=planner, id_rdv=appointment.id_rdv, slot_id=target, reason="Technicien en renfort"
    )
    assert moved.status == S.RESCHEDULED
    assert moved.starts_at == datetime.combine(tomorrow, time(15, 30), tzinfo=PARIS)
    assert [h.action for h in moved.history.all()] == ["reserve", "confirm", "move"]

    email = OutboundEmail.objects.get(reason="appointments.moved")
    assert email.operator_id == booker_a.operator_id
    assert "admin.a@example.test" in email.recipients
    assert appointment.id_rdv in email.subject and "Technicien en renfort" in email.body
    assert "15:30" in email.body

    event = OutboundEvent.objects.get(subject=appointment.id_rdv)
    assert event.operator_id == booker_a.operator_id
    assert event.type == "AppointmentAttributeValueChangeEvent"
    envelope = event.cloudevent()
    assert envelope["specversion"] == "1.0"
    assert envelope["data"]["event"]["appointment"]["validFor"]["startDateTime"].startswith(
        tomorrow.isoformat()
    )


def test_rdv_03_a_provider_cancellation_frees_the_place_and_notifies(
    booker_a: Principal, planner: Principal, place: PlaceQuery, technician: Technician
) -> None:
    appointment = booked(booker_a, place)
    with pytest.raises(GuichetError) as refused:
        services.cancel_by_provider(actor=planner, id_rdv=appointment.id_rdv, reason="  ")
    assert refused.value.code == "RDV-012"
    cancelled = services.cancel_by_provider(
        actor=planner, id_rdv=appointment.id_rdv, reason="Accès au site impossible"
    )
    assert cancelled.status == S.CANCELLED
    assert Slot.objects.get(pk=appointment.slot_id).booked == 0
    assert OutboundEmail.objects.filter(reason="appointments.cancelled").count() == 1
    assert OutboundEvent.objects.get().type == "AppointmentStateChangeEvent"


def test_rdv_03_operators_cannot_use_the_planners_operations(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    appointment = booked(booker_a, place)
    for call, kwargs in (
        (services.move_appointment, {"id_rdv": appointment.id_rdv, "slot_id": "x", "reason": "r"}),
        (services.cancel_by_provider, {"id_rdv": appointment.id_rdv, "reason": "r"}),
        (services.create_technician, {"name": "Pirate", "skills": [CONNECTION]}),
    ):
        with pytest.raises(GuichetError) as refused:
            call(actor=booker_a, **kwargs)
        assert refused.value.code == "RDV-011"
    with pytest.raises(GuichetError):
        selectors.technicians_for(booker_a)


def test_rdv_03_an_absence_over_booked_appointments_lists_them(
    booker_a: Principal, planner: Principal, place: PlaceQuery, technician: Technician
) -> None:
    day = first_day()
    appointment = booked(booker_a, place)
    _absence, affected = services.add_absence(
        actor=planner,
        technician=technician,
        starts_at=datetime.combine(day, time(7), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(11), tzinfo=PARIS),
        reason="Rendez-vous médical",
    )
    assert [a.id_rdv for a in affected] == [appointment.id_rdv]
    # nothing moves silently: the appointment stays, the absent windows are no longer offered
    assert selectors.appointment_for(booker_a, appointment.id_rdv).status == S.CONFIRMED
    free = services.search_free_slots(
        actor=booker_a, query=place, intervention_type=CONNECTION, date_from=day, date_to=day
    )
    assert [s.id for s in free.slots] == [
        slot_id(day, time(13, 30), time(15, 30)),
        slot_id(day, time(15, 30), time(17, 30)),
    ]


def test_rdv_03_capacity_changes_never_drop_below_what_is_booked(
    booker_a: Principal, planner: Principal, place: PlaceQuery, technician: Technician, templates
) -> None:
    day = first_day()
    booked(booker_a, place)
    booked(booker_a, place, slot_id(day, time(10), time(12)))
    services.update_technician(actor=planner, technician=technician, daily_capacity=1)
    load = TechnicianDay.objects.get(technician=technician, day=day)
    assert (load.capacity, load.booked) == (2, 2)
    services.update_slot_template(actor=planner, template=templates[2], capacity=3)
    free = services.search_free_slots(
        actor=booker_a, query=place, intervention_type=CONNECTION, date_from=day, date_to=day
    )
    assert free.slots == []  # the day is full
    with pytest.raises(GuichetError) as refused:
        services.update_technician(actor=planner, technician=technician, skills=["plomberie"])
    assert refused.value.code == "RDV-012"


def test_rdv_03_the_planners_view_shows_the_load(
    booker_a: Principal, planner: Principal, place: PlaceQuery, technician: Technician
) -> None:
    day = first_day()
    appointment = booked(booker_a, place)
    slots = list(selectors.load_for(planner, first=day, last=day))
    assert [(s.technician, s.booked, s.capacity) for s in slots] == [(technician, 1, 1)]
    assert [a.id_rdv for a in slots[0].appointments.all()] == [appointment.id_rdv]
