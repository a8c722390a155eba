"""RDV-02: reserve (a hold with an expiry and an IdRdv), confirm, reschedule atomically, cancel;
the status map refuses the rest; every change is journaled and in the history."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import selectors, services
from guichet.appointments.choices import APPOINTMENT_TRANSITIONS, AppointmentStatus
from guichet.appointments.models import (
    Appointment,
    AppointmentHistory,
    Slot,
    Technician,
    TechnicianDay,
)
from guichet.audit.models import AuditRecord
from guichet.billing.models import UsageRecord
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from tests.appointments.conftest import CONNECTION, business_day_after, first_day, slot_id

pytestmark = pytest.mark.django_db
S = AppointmentStatus


def book(actor: Principal, place: PlaceQuery, sid: str | None = None, **extra) -> Appointment:
    return services.reserve(
        actor=actor,
        query=place,
        intervention_type=CONNECTION,
        slot_id=sid or slot_id(first_day()),
        **extra,
    )


def refused(code: str, call, *args, **kwargs) -> GuichetError:
    with pytest.raises(GuichetError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def counters(technician: Technician) -> list[tuple[str, int]]:
    return sorted(
        (f"{timezone.localtime(s.starts_at):%Y%m%d%H%M}", s.booked)
        for s in Slot.objects.filter(technician=technician)
    )


def test_rdv_02_reserve_holds_a_place_with_an_id_rdv_and_an_expiry(
    booker_a: Principal, place: PlaceQuery, technician: Technician, pto: str
) -> None:
    before = timezone.now()
    appointment = book(booker_a, place, external_id="CMD-42")
    assert re.fullmatch(r"RDV[0-9A-HJKMNP-TV-Z]{12}", appointment.id_rdv)
    assert appointment.status == S.HELD and appointment.pto_reference == pto
    assert appointment.operator_id == booker_a.operator_id and appointment.external_id == "CMD-42"
    expiry = appointment.hold_expires_at - before
    assert timedelta(minutes=29) < expiry <= timedelta(minutes=30, seconds=5)
    assert appointment.slot.technician == technician and appointment.slot.booked == 1
    assert TechnicianDay.objects.get(technician=technician).booked == 1
    # journaled, in its history, and counted once for per-use billing
    assert AuditRecord.objects.filter(
        action="appointments.appointment.reserve", object_id=str(appointment.pk)
    ).exists()
    assert [h.action for h in appointment.history.all()] == ["reserve"]
    usage = UsageRecord.objects.get(reference=appointment.id_rdv)
    assert usage.operator_id == booker_a.operator_id and usage.service.code == "e-rdv"


def test_rdv_02_a_full_slot_answers_creneau_indisponible(
    booker_a: Principal, booker_b: Principal, place: PlaceQuery, technician: Technician
) -> None:
    book(booker_a, place)
    error = refused("RDV-003", book, booker_b, place)
    assert "créneau indisponible" in error.message("fr").lower()
    assert error.status == 409
    assert Appointment.objects.count() == 1


def test_rdv_02_the_database_refuses_more_than_the_capacity(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    slot = book(booker_a, place).slot
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity + 1)


def test_rdv_02_confirm_then_reschedule_then_cancel(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    day = first_day()
    appointment = book(booker_a, place)
    confirmed = services.confirm(
        actor=booker_a, id_rdv=appointment.id_rdv, order_reference="CMD-ACC-1"
    )
    assert confirmed.status == S.CONFIRMED and confirmed.hold_expires_at is None
    assert confirmed.order_reference == "CMD-ACC-1"

    later = slot_id(day, time(13, 30), time(15, 30))
    moved = services.reschedule(actor=booker_a, id_rdv=appointment.id_rdv, slot_id=later)
    assert moved.status == S.RESCHEDULED and moved.id_rdv == appointment.id_rdv
    assert moved.starts_at.astimezone(timezone.get_current_timezone()).time() == time(13, 30)
    # the old place is free again, the new one taken: never none, never two
    assert counters(technician) == [(f"{day:%Y%m%d}0800", 0), (f"{day:%Y%m%d}1330", 1)]
    assert TechnicianDay.objects.get(technician=technician).booked == 1

    cancelled = services.cancel(actor=booker_a, id_rdv=appointment.id_rdv, reason="Client absent")
    assert cancelled.status == S.CANCELLED and cancelled.end_reason == "Client absent"
    assert counters(technician) == [(f"{day:%Y%m%d}0800", 0), (f"{day:%Y%m%d}1330", 0)]
    assert TechnicianDay.objects.get(technician=technician).booked == 0
    history = list(
        AppointmentHistory.objects.filter(appointment=appointment).values_list(
            "action", "status_before", "status_after"
        )
    )
    assert history == [
        ("reserve", "", S.HELD),
        ("confirm", S.HELD, S.CONFIRMED),
        ("reschedule", S.CONFIRMED, S.RESCHEDULED),
        ("cancel", S.RESCHEDULED, S.CANCELLED),
    ]


def test_rdv_02_a_held_appointment_moves_and_stays_held(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    appointment = book(booker_a, place)
    moved = services.reschedule(
        actor=booker_a, id_rdv=appointment.id_rdv, slot_id=slot_id(first_day(), time(10), time(12))
    )
    assert moved.status == S.HELD and moved.hold_expires_at >= appointment.hold_expires_at


def test_rdv_02_reschedule_to_a_full_slot_keeps_the_old_one(
    booker_a: Principal, booker_b: Principal, place: PlaceQuery, technician: Technician
) -> None:
    day = first_day()
    mine = book(booker_a, place)
    book(booker_b, place, slot_id(day, time(10), time(12)))
    refused(
        "RDV-003",
        services.reschedule,
        actor=booker_a,
        id_rdv=mine.id_rdv,
        slot_id=slot_id(day, time(10), time(12)),
    )
    kept = selectors.appointment_for(booker_a, mine.id_rdv)
    assert kept.slot_id == mine.slot_id and kept.status == S.HELD
    assert counters(technician) == [(f"{day:%Y%m%d}0800", 1), (f"{day:%Y%m%d}1000", 1)]
    refused(
        "RDV-013", services.reschedule, actor=booker_a, id_rdv=mine.id_rdv, slot_id=slot_id(day)
    )
    refused(
        "RDV-009", services.reschedule, actor=booker_a, id_rdv=mine.id_rdv, slot_id="demain matin"
    )


def test_rdv_02_forbidden_transitions_are_refused(
    booker_a: Principal, planner: Principal, place: PlaceQuery, technician: Technician
) -> None:
    appointment = book(booker_a, place)
    services.cancel(actor=booker_a, id_rdv=appointment.id_rdv)
    error = refused("RDV-004", services.confirm, actor=booker_a, id_rdv=appointment.id_rdv)
    assert "Annulé" in error.message("fr")
    refused("RDV-004", services.cancel, actor=booker_a, id_rdv=appointment.id_rdv)
    refused(
        "RDV-004",
        services.reschedule,
        actor=booker_a,
        id_rdv=appointment.id_rdv,
        slot_id=slot_id(business_day_after(first_day(), 1)),
    )
    other = book(booker_a, place)
    refused("RDV-004", services.record_outcome, actor=planner, id_rdv=other.id_rdv, outcome=S.DONE)
    services.confirm(actor=booker_a, id_rdv=other.id_rdv)
    refused("RDV-004", services.confirm, actor=booker_a, id_rdv=other.id_rdv)
    done = services.record_outcome(actor=planner, id_rdv=other.id_rdv, outcome=S.DONE)
    assert done.status == S.DONE
    refused("RDV-004", services.cancel, actor=booker_a, id_rdv=other.id_rdv)
    # the map itself: terminal statuses lead nowhere
    for status in (S.CANCELLED, S.DONE, S.MISSED):
        assert APPOINTMENT_TRANSITIONS[status] == frozenset()


def test_rdv_02_an_expired_hold_cannot_be_confirmed(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    appointment = book(booker_a, place)
    Appointment.objects.filter(pk=appointment.pk).update(
        hold_expires_at=timezone.now() - timedelta(seconds=1)
    )
    refused("RDV-010", services.confirm, actor=booker_a, id_rdv=appointment.id_rdv)


def test_rdv_02_release_expired_holds_frees_the_place_and_spares_confirmed(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    day = first_day()
    expired = book(booker_a, place)
    confirmed = book(booker_a, place, slot_id(day, time(10), time(12)))
    services.confirm(actor=booker_a, id_rdv=confirmed.id_rdv)
    fresh = book(booker_a, place, slot_id(day, time(13, 30), time(15, 30)))
    Appointment.objects.filter(pk=expired.pk).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert services.release_expired_holds() == 1
    assert services.release_expired_holds() == 0
    statuses = dict(Appointment.objects.values_list("id_rdv", "status"))
    assert statuses == {
        expired.id_rdv: S.CANCELLED,
        confirmed.id_rdv: S.CONFIRMED,
        fresh.id_rdv: S.HELD,
    }
    assert Slot.objects.get(pk=expired.slot_id).booked == 0
    assert book(booker_a, place).status == S.HELD  # the place is bookable again


def test_rdv_02_another_operator_neither_sees_nor_touches_my_appointment(
    booker_a: Principal, booker_b: Principal, place: PlaceQuery, technician: Technician
) -> None:
    mine = book(booker_a, place)
    assert list(selectors.appointments_for(booker_b)) == []
    refused("GEN-404", selectors.appointment_for, booker_b, mine.id_rdv)
    refused("GEN-404", services.cancel, actor=booker_b, id_rdv=mine.id_rdv)
    refused("GEN-404", services.confirm, actor=booker_b, id_rdv=mine.id_rdv)
    refused(
        "GEN-404",
        services.reschedule,
        actor=booker_b,
        id_rdv=mine.id_rdv,
        slot_id=slot_id(first_day(), time(10), time(12)),
    )
    assert selectors.appointment_for(booker_a, mine.id_rdv).status == S.HELD
    assert [a.id_rdv for a in selectors.appointments_for(booker_a)] == [mine.id_rdv]


def test_rdv_02_the_history_is_append_only(
    booker_a: Principal, place: PlaceQuery, technician: Technician
) -> None:
    entry = book(booker_a, place).history.get()
    entry.reason = "réécrit"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_rdv_02_the_provider_cannot_book_without_an_operator(
    planner: Principal, place: PlaceQuery, technician: Technician
) -> None:
    assert services.search_free_slots(
        actor=planner,
        query=place,
        intervention_type=CONNECTION,
        date_from=first_day(),
        date_to=first_day(),
    ).slots
    refused("RDV-014", book, planner, place)
