"""The Provider's planners manage the planning (RDV-03): technicians and teams, their areas,
weekly hours, absences and daily capacity, and the slot templates. Changes apply to searches
at once; appointments already booked are never moved silently — an absence over booked
appointments returns them so that the planner moves them (and the operators are told)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from guichet.appointments import selectors
from guichet.appointments.choices import (
    ACTIVE_STATUSES,
    AreaKind,
    InterventionType,
    TechnicianKind,
)
from guichet.appointments.errors import PLANNING_INVALID
from guichet.appointments.models import (
    Absence,
    Appointment,
    Slot,
    SlotTemplate,
    Technician,
    TechnicianDay,
    WorkingArea,
    WorkingHours,
)
from guichet.audit.recorder import changes, record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def _invalid(field: str, detail: str) -> GuichetError:
    return GuichetError(PLANNING_INVALID, field=field, detail=detail)


def _skills(skills: Iterable[str]) -> list[str]:
    cleaned = []
    for skill in skills:
        if skill not in InterventionType.values:
            raise _invalid("skills", f"compétence inconnue : {skill}")
        if skill not in cleaned:
            cleaned.append(skill)
    return cleaned


def _capacity(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
        raise _invalid(field, "un entier entre 1 et 50")
    return value


# --- Technicians ------------------------------------------------------------------------------


@transaction.atomic
def create_technician(
    *,
    actor: Principal,
    name: str,
    skills: Sequence[str],
    daily_capacity: int = 4,
    kind: str = TechnicianKind.TECHNICIAN,
    company: str = "",
) -> Technician:
    """A technician (or a subcontractor team) with its skills and daily capacity."""
    selectors.require_provider(actor)
    name = (name or "").strip()
    if not name:
        raise _invalid("name", "le nom est obligatoire")
    if kind not in TechnicianKind.values:
        raise _invalid("kind", f"type inconnu : {kind}")
    technician = Technician.objects.create(
        name=name[:150],
        kind=kind,
        company=(company or "").strip()[:150],
        skills=_skills(skills),
        daily_capacity=_capacity(daily_capacity, "daily_capacity"),
    )
    record(actor, "appointments.technician.create", target=technician, after=snapshot(technician))
    return technician


@transaction.atomic
def update_technician(*, actor: Principal, technician: Technician, **fields: Any) -> Technician:
    """Change name, company, skills, daily capacity or active; a lower capacity never drops
    below what is already booked on a day."""
    selectors.require_provider(actor)
    technician = Technician.objects.select_for_update().get(pk=technician.pk)
    before = snapshot(technician)
    allowed = {"name", "company", "skills", "daily_capacity", "active", "kind"}
    unknown = set(fields) - allowed
    if unknown:
        raise _invalid(sorted(unknown)[0], "champ non modifiable")
    if "skills" in fields:
        fields["skills"] = _skills(fields["skills"])
    if "daily_capacity" in fields:
        fields["daily_capacity"] = _capacity(fields["daily_capacity"], "daily_capacity")
    for key, value in fields.items():
        setattr(technician, key, value)
    technician.save()
    if "daily_capacity" in fields:
        TechnicianDay.objects.filter(technician=technician, day__gte=timezone.localdate()).update(
            capacity=Greatest(F("booked"), technician.daily_capacity)
        )
    old, new = changes(before, snapshot(technician))
    record(actor, "appointments.technician.update", target=technician, before=old, after=new)
    return technician


@transaction.atomic
def set_areas(
    *, actor: Principal, technician: Technician, communes: Iterable[str], pms: Iterable[str] = ()
) -> list[WorkingArea]:
    """Replace the technician's working areas: communes by INSEE code, PM zones by reference."""
    selectors.require_provider(actor)
    wanted: list[tuple[str, str]] = []
    for insee in communes:
        insee = (insee or "").strip().upper()
        if not INSEE_RE.match(insee):
            raise _invalid("communes", f"code INSEE invalide : {insee}")
        wanted.append((AreaKind.COMMUNE, insee))
    for pm in pms:
        pm = (pm or "").strip()
        if not pm or len(pm) > 20:
            raise _invalid("pms", f"référence PM invalide : {pm}")
        wanted.append((AreaKind.PM, pm))
    before = sorted(technician.areas.values_list("kind", "value"))
    WorkingArea.objects.filter(technician=technician).delete()
    areas = WorkingArea.objects.bulk_create(
        [WorkingArea(technician=technician, kind=k, value=v) for k, v in dict.fromkeys(wanted)]
    )
    record(
        actor,
        "appointments.technician.areas",
        target=technician,
        before={"areas": before},
        after={"areas": sorted(dict.fromkeys(wanted))},
    )
    return areas


@transaction.atomic
def set_working_hours(
    *, actor: Principal, technician: Technician, hours: dict[int, Sequence[tuple[time, time]]]
) -> list[WorkingHours]:
    """Replace the technician's weekly hours: weekday (0 = Monday) → ranges (start, end)."""
    selectors.require_provider(actor)
    rows = []
    for weekday, ranges in sorted(hours.items()):
        if not 0 <= int(weekday) <= 6:
            raise _invalid("hours", f"jour invalide : {weekday}")
        ordered = sorted(ranges)
        for index, (start, end) in enumerate(ordered):
            if not start < end:
                raise _invalid("hours", f"plage invalide : {start}–{end}")
            if index and ordered[index - 1][1] > start:
                raise _invalid("hours", f"plages qui se chevauchent le jour {weekday}")
            rows.append(
                WorkingHours(technician=technician, weekday=weekday, starts_at=start, ends_at=end)
            )
    before = [(h.weekday, h.starts_at, h.ends_at) for h in technician.hours.all()]
    WorkingHours.objects.filter(technician=technician).delete()
    created = WorkingHours.objects.bulk_create(rows)
    record(
        actor,
        "appointments.technician.hours",
        target=technician,
        before={"hours": [[d, str(s), str(e)] for d, s, e in before]},
        after={"hours": [[r.weekday, str(r.starts_at), str(r.ends_at)] for r in rows]},
    )
    return created


# --- Absences ---------------------------------------------------------------------------------


def _booked_between(technician: Technician, starts: datetime, ends: datetime) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            slot__technician=technician,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=ends,
            ends_at__gt=starts,
        ).order_by("starts_at")
    )


@transaction.atomic
def add_absence(
    *,
    actor: Principal,
    technician: Technician,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
) -> tuple[Absence, list[Appointment]]:
    """Record an absence: no slot overlapping it is offered any more. Returns the absence and
    the appointments already booked with the technician in that time, for the planner to
    move (``move_appointment``, which notifies their operators)."""
    selectors.require_provider(actor)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise _invalid("starts_at", "dates avec fuseau horaire attendues")
    if not starts_at < ends_at:
        raise _invalid("ends_at", "la fin précède le début")
    absence = Absence.objects.create(
        technician=technician, starts_at=starts_at, ends_at=ends_at, reason=(reason or "")[:200]
    )
    record(actor, "appointments.absence.create", target=absence, after=snapshot(absence))
    return absence, _booked_between(technician, starts_at, ends_at)


@transaction.atomic
def delete_absence(*, actor: Principal, absence: Absence) -> None:
    selectors.require_provider(actor)
    record(actor, "appointments.absence.delete", target=absence, before=snapshot(absence))
    absence.delete()


# --- Slot templates ---------------------------------------------------------------------------


@transaction.atomic
def create_slot_template(
    *, actor: Principal, intervention_type: str, starts_at: time, ends_at: time, capacity: int = 1
) -> SlotTemplate:
    """A window offered for one intervention type (its length is the intervention's duration)."""
    selectors.require_provider(actor)
    if intervention_type not in InterventionType.values:
        raise _invalid("intervention_type", f"type inconnu : {intervention_type}")
    if not starts_at < ends_at:
        raise _invalid("ends_at", "la fin précède le début")
    if SlotTemplate.objects.filter(
        intervention_type=intervention_type, starts_at=starts_at, ends_at=ends_at
    ).exists():
        raise _invalid("starts_at", "ce créneau existe déjà")
    template = SlotTemplate.objects.create(
        intervention_type=intervention_type,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=_capacity(capacity, "capacity"),
    )
    record(actor, "appointments.slot_template.create", target=template, after=snapshot(template))
    return template


@transaction.atomic
def update_slot_template(
    *,
    actor: Principal,
    template: SlotTemplate,
    capacity: int | None = None,
    active: bool | None = None,
) -> SlotTemplate:
    """Change a template's capacity (future slots follow, never below what they hold) or
    stop offering it (booked appointments stay)."""
    selectors.require_provider(actor)
    template = SlotTemplate.objects.select_for_update().get(pk=template.pk)
    before = snapshot(template)
    if capacity is not None:
        template.capacity = _capacity(capacity, "capacity")
        Slot.objects.filter(template=template, day__gte=timezone.localdate()).update(
            capacity=Greatest(F("booked"), template.capacity)
        )
    if active is not None:
        template.active = bool(active)
    template.save()
    old, new = changes(before, snapshot(template))
    record(actor, "appointments.slot_template.update", target=template, before=old, after=new)
    return template
