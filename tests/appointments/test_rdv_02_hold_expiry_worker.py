"""RDV-02: holds not confirmed in time are released by the scheduled task — run here by a
real Celery worker (Redis broker) against the test database, as the beat would."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from guichet.accounts.models import User
from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import services, tasks
from guichet.appointments.choices import AppointmentStatus
from guichet.appointments.models import Appointment, Slot
from tests.accounts.people_support import restore_eservice_catalogue
from tests.appointments.conftest import CONNECTION, first_day, make_technician, ready, slot_id
from tests.processes import celery_worker

S = AppointmentStatus


def test_rdv_02_the_beat_runs_the_release_task(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["appointments-release-expired-holds"]
    assert entry["task"] == tasks.release_expired_holds.name
    assert entry["schedule"] <= 300


@pytest.mark.django_db(transaction=True)
def test_rdv_02_a_real_worker_releases_expired_holds_and_keeps_confirmed(
    admin_a: User, planner: Any, templates: Any, pto: str
) -> None:
    restore_eservice_catalogue()  # a transactional test's flush removes migration data
    actor = ready(admin_a)
    make_technician(planner)
    day, place = first_day(), PlaceQuery(pto=pto)

    def book(start: time, end: time) -> Appointment:
        return services.reserve(
            actor=actor, query=place, intervention_type=CONNECTION, slot_id=slot_id(day, start, end)
        )

    expired = book(time(8), time(10))
    confirmed = book(time(10), time(12))
    services.confirm(actor=actor, id_rdv=confirmed.id_rdv)
    pending = book(time(13, 30), time(15, 30))
    past = timezone.now() - timedelta(minutes=1)
    Appointment.objects.filter(pk__in=[expired.pk, confirmed.pk]).update(hold_expires_at=past)

    with celery_worker() as worker:
        released = worker.client.send_task(tasks.release_expired_holds.name).get(timeout=60)
        again = worker.client.send_task(tasks.release_expired_holds.name).get(timeout=60)

    assert (released, again) == (1, 0), worker.output
    statuses = dict(Appointment.objects.values_list("id_rdv", "status"))
    assert statuses == {
        expired.id_rdv: S.CANCELLED,
        confirmed.id_rdv: S.CONFIRMED,
        pending.id_rdv: S.HELD,
    }
    assert Slot.objects.get(pk=expired.slot_id).booked == 0
    assert Slot.objects.get(pk=confirmed.slot_id).booked == 1
    history = Appointment.objects.get(pk=expired.pk).history.values_list("action", "by")
    assert list(history)[-1] == ("expire", "appointments.holds")
