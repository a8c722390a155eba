"""``make run``'s demo has a planning: both demo operators are subscribed to e-RDV and find
bookable slots on the demo network."""

from __future__ import annotations

import pytest

from guichet.accounts.models import User
from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import services
from guichet.appointments.choices import InterventionType
from guichet.appointments.demo import DEMO_TECHNICIANS, load_appointments_demo
from guichet.appointments.models import Technician
from guichet.core.context import Principal
from guichet.network.models import Premises
from guichet.operators.demo import load_contract_demo
from guichet.portal import demo
from tests.appointments.conftest import as_principal, first_day

pytestmark = pytest.mark.django_db


def test_rdv_01_demo_operators_book_in_the_demo_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "DEMO_NETWORK_PREMISES", 60)
    demo.load_demo()
    actor = Principal.system("demo")
    load_contract_demo(actor)
    assert load_appointments_demo(actor) == len(DEMO_TECHNICIANS)
    assert load_appointments_demo(actor) == len(DEMO_TECHNICIANS)  # idempotent
    assert Technician.objects.count() == len(DEMO_TECHNICIANS)
    pto = (
        Premises.objects.exclude(pto_reference="")
        .order_by("pk")
        .values_list("pto_reference", flat=True)[0]
    )
    for code, login in demo.DEMO_OPERATOR_ADMINS.items():
        booker = as_principal(User.objects.get(username=login.login))
        found = services.search_free_slots(
            actor=booker,
            query=PlaceQuery(pto=pto),
            intervention_type=InterventionType.FTTH_CONNECTION,
            date_from=first_day(),
            date_to=first_day(),
        )
        assert found.slots, code
        appointment = services.reserve(
            actor=booker,
            query=PlaceQuery(pto=pto),
            intervention_type=InterventionType.FTTH_CONNECTION,
            slot_id=found.slots[0].id,
        )
        assert appointment.operator.arcep_code == code
