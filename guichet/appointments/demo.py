"""e-RDV demo: slot templates, technicians and a subcontractor team covering every commune of
the demo network, so that ``make run`` has bookable slots. Idempotent: a planning already
there is left alone."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from guichet.appointments import selectors, services
from guichet.appointments.choices import InterventionType, TechnicianKind
from guichet.core.context import Principal
from guichet.network import selectors as network

CONNECTION, SAV = InterventionType.FTTH_CONNECTION, InterventionType.SAV
DEMO_TEMPLATES = [
    (CONNECTION, time(8), time(10)),
    (CONNECTION, time(10), time(12)),
    (CONNECTION, time(13, 30), time(15, 30)),
    (CONNECTION, time(15, 30), time(17, 30)),
    (SAV, time(8), time(12)),
    (SAV, time(13, 30), time(17, 30)),
]
WEEKDAY = [(time(8), time(12)), (time(13, 30), time(17, 30))]
SATURDAY = [(time(8), time(12))]
DEMO_TECHNICIANS = [
    ("Lucas Moreau", TechnicianKind.TECHNICIAN, "", [CONNECTION, SAV], 4),
    ("Sophie Girard", TechnicianKind.TECHNICIAN, "", [CONNECTION], 4),
    ("Équipe Poitou Fibre Services", TechnicianKind.TEAM, "Poitou Fibre Services", [CONNECTION], 6),
    ("Nadia Perrin", TechnicianKind.TECHNICIAN, "", [SAV], 4),
]


@transaction.atomic
def load_appointments_demo(actor: Principal) -> int:
    """Create the demo planning once; returns the number of technicians."""
    if selectors.technicians_for(actor).exists():
        return selectors.technicians_for(actor).count()
    for kind, start, end in DEMO_TEMPLATES:
        services.create_slot_template(
            actor=actor, intervention_type=kind, starts_at=start, ends_at=end
        )
    communes = sorted(
        set(network.inventory_addresses(actor).values_list("insee", flat=True).distinct())
    )
    hours = {day: WEEKDAY for day in range(5)} | {5: SATURDAY}
    for index, (name, kind, company, skills, capacity) in enumerate(DEMO_TECHNICIANS):
        technician = services.create_technician(
            actor=actor,
            name=name,
            kind=kind,
            company=company,
            skills=skills,
            daily_capacity=capacity,
        )
        # Two technicians share every commune; the team and the SAV technician cover all.
        covered = communes if index >= 2 else communes[index::2] or communes
        services.set_areas(actor=actor, technician=technician, communes=covered)
        services.set_working_hours(actor=actor, technician=technician, hours=hours)
    return len(DEMO_TECHNICIANS)
