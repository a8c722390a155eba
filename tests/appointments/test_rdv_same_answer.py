"""Same answer on every door (RDV-01, RDV-02): REST (TMF646) and SOAP give the same free slots
and the same appointment state for the same inputs, as the services do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from guichet.accounts.models import User
from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import services
from guichet.appointments.models import Technician
from tests.accounts.people_support import give_profile
from tests.appointments.conftest import CONNECTION, as_principal, first_day
from tests.appointments.soap_support import call, rdv, reserve, search, soap_a, soap_client

__all__ = ["rdv", "soap_a", "soap_client"]  # fixtures used by name

pytestmark = pytest.mark.django_db
BASE = "/tmf-api/appointment/v4"


def rest_window(period: dict[str, str]) -> tuple[datetime, datetime]:
    return (
        datetime.fromisoformat(period["startDateTime"]),
        datetime.fromisoformat(period["endDateTime"]),
    )


def test_rdv_01_rdv_02_rest_and_soap_give_the_same_slots_and_state(
    rdv: Any,
    admin_a: User,
    api_as: Callable[[User | None], APIClient],
    pto: str,
    technician: Technician,
) -> None:
    day = first_day()
    give_profile(admin_a, "RDV REST", ["e-rdv:read", "e-rdv:book"])
    rest = api_as(User.objects.get(pk=admin_a.pk))
    siren = admin_a.operator.siren
    answer = rest.post(
        f"{BASE}/searchTimeSlot",
        {
            "relatedPlace": {"ptoReference": pto},
            "requestedTimeSlot": [
                {"validFor": {"startDateTime": f"{day}T00:00:00+01:00",
                              "endDateTime": f"{day}T23:00:00+01:00"}}
            ],
        },
        format="json",
    )  # fmt: skip
    rest_slots = [
        (s["id"], *rest_window(s["validFor"])) for s in answer.json()["availableTimeSlot"]
    ]
    soap_slots = [
        (c.idOI.split("~")[0], c.dateDebut, c.dateFin)
        for c in search(rdv, siren, pto, day).listeCreneau.occCreneau
    ]
    service = services.search_free_slots(
        actor=as_principal(User.objects.get(pk=admin_a.pk)),
        query=PlaceQuery(pto=pto),
        intervention_type=CONNECTION,
        date_from=day,
        date_to=day,
    )
    assert rest_slots == soap_slots == [(s.id, s.starts_at, s.ends_at) for s in service.slots]
    assert len(rest_slots) == 4

    # One booked through SOAP, read through REST — and the other way round.
    by_soap = reserve(rdv, siren, search(rdv, siren, pto, day).listeCreneau.occCreneau[0].idOI)
    by_rest = rest.post(
        f"{BASE}/appointment",
        {"relatedPlace": {"ptoReference": pto}, "timeSlot": {"id": rest_slots[1][0]}},
        format="json",
    ).json()
    rest.patch(by_rest["href"], {"status": "confirmed"}, format="json")
    for id_rdv, expected in ((by_soap.idRendezvous, ("initialized", "CREE")),
                             (by_rest["id"], ("confirmed", "CONFIRME"))):  # fmt: skip
        tmf = rest.get(f"{BASE}/appointment/{id_rdv}").json()
        interop = call(rdv, "consultationRdv", siren, idRendezVous=id_rdv)
        assert (tmf["status"], interop.statutRendezVous) == expected
        assert rest_window(tmf["validFor"]) == (interop.dateDebut, interop.dateFin)
        assert tmf["relatedPlace"]["codeInsee"] == interop.codeInsee == "79191"
        assert tmf["category"] == CONNECTION and interop.typeIntervention == "E"
    # and the free slots agree again once both are booked
    left_rest = [s["id"] for s in rest.post(
        f"{BASE}/searchTimeSlot", {"relatedPlace": {"ptoReference": pto}}, format="json"
    ).json()["availableTimeSlot"] if s["id"].startswith(f"{day:%Y%m%d}")]  # fmt: skip
    left_soap = [c.idOI.split("~")[0] for c in search(rdv, siren, pto, day).listeCreneau.occCreneau]
    assert left_rest == left_soap == [rest_slots[2][0], rest_slots[3][0]]
