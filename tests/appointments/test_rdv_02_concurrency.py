"""RDV-02: a slot is never given to two bookings, whatever the concurrency — 50 reservations
fired at once from several OS processes at a slot of capacity 1: exactly one wins, the others
get a clean « créneau indisponible ». Runs on SQLite and on PostgreSQL (CI runs both)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from guichet.accounts.models import User
from guichet.appointments.models import Appointment, Slot, TechnicianDay
from guichet.billing.models import UsageRecord
from tests.accounts.people_support import restore_eservice_catalogue
from tests.appointments.conftest import first_day, make_technician, ready, slot_id
from tests.processes import ROOT, child_env

PROCESSES = 5
THREADS = 10  # per process: 50 reservations in all


@pytest.mark.django_db(transaction=True)
def test_rdv_02_fifty_concurrent_reservations_on_a_one_place_slot(
    admin_a: User, planner, templates, pto: str
) -> None:
    restore_eservice_catalogue()  # a transactional test's flush removes migration data
    ready(admin_a)
    technician = make_technician(planner)
    target = slot_id(first_day())
    start_at = time.time() + 6  # every child imported Django and connected by then
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.appointments.race",
                str(admin_a.pk),
                pto,
                target,
                str(THREADS),
                f"{start_at:.3f}",
            ],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        outcomes += json.loads(out.strip().splitlines()[-1])

    assert len(outcomes) == PROCESSES * THREADS
    assert not [o for o in outcomes if "crash" in o], outcomes
    winners = [o["ok"] for o in outcomes if "ok" in o]
    losers = [o for o in outcomes if "code" in o]
    assert len(winners) == 1, outcomes
    assert len(losers) == PROCESSES * THREADS - 1
    assert {o["code"] for o in losers} == {"RDV-003"}
    assert all("créneau indisponible" in o["message"].lower() for o in losers)

    slot = Slot.objects.get(technician=technician)
    assert (slot.capacity, slot.booked) == (1, 1)
    assert TechnicianDay.objects.get(technician=technician).booked == 1
    assert list(Appointment.objects.values_list("id_rdv", flat=True)) == winners
    assert UsageRecord.objects.filter(service__code="e-rdv").count() == 1
