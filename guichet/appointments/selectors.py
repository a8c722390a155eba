"""Every read of e-RDV. Appointments are scoped to the caller's operator (another operator's:
GEN-404); the planning is the Provider's, read by planners and, as free windows, by booking."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Q, QuerySet

from guichet.appointments.choices import AreaKind
from guichet.appointments.errors import PROVIDER_ONLY
from guichet.appointments.models import (
    Absence,
    Appointment,
    AppointmentHistory,
    Slot,
    SlotTemplate,
    Technician,
    TechnicianDay,
    WorkingArea,
)
from guichet.appointments.schedule import Load, TechnicianView, TemplateView, at
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.scoping import get_scoped, scope

# --- Appointments (scoped) -------------------------------------------------------------------

# Sort keys of the appointment lists (portal, back-office) → columns; ``-key`` descends.
APPOINTMENT_SORTS: dict[str, tuple[str, ...]] = {
    "date": ("starts_at",),
    "idrdv": ("id_rdv",),
    "statut": ("status", "starts_at"),
    "type": ("intervention_type", "starts_at"),
    "pto": ("pto_reference", "starts_at"),
    "creation": ("created_at",),
}
DEFAULT_APPOINTMENT_SORT = "date"


def appointment_sort(sort: str) -> str:
    """``sort`` if it is a known key (optionally ``-`` prefixed), else the default."""
    return sort if sort.removeprefix("-") in APPOINTMENT_SORTS else DEFAULT_APPOINTMENT_SORT


def _address_words(text: str) -> Q:
    """Every word of ``text`` somewhere in the appointment's address (number, street, commune)."""
    condition = Q()
    for word in text.replace(",", " ").split():
        found = (
            Q(address__street_name__icontains=word)
            | Q(address__commune_name__icontains=word)
            | Q(address__postcode=word)
            | Q(address__hexacle__iexact=word)
        )
        if word.isdigit():
            found |= Q(address__number=int(word))
        condition &= found
    return condition


def appointments_for(
    actor: Principal,
    *,
    status: str = "",
    intervention_type: str = "",
    starts_from: date | None = None,
    starts_to: date | None = None,
    search: str = "",
    sort: str = "",
) -> QuerySet[Appointment]:
    """Appointments the caller may read (its operator's; all for the Provider), filtered:
    ``search`` is an IdRdv, a PTO, the operator's or order reference, or address words."""
    queryset = scope(
        Appointment.objects.select_related("operator", "slot", "slot__technician"), actor
    )
    if status:
        queryset = queryset.filter(status=status)
    if intervention_type:
        queryset = queryset.filter(intervention_type=intervention_type)
    if starts_from:
        queryset = queryset.filter(starts_at__gte=at(starts_from, datetime.min.time()))
    if starts_to:
        queryset = queryset.filter(starts_at__lt=at(starts_to, datetime.max.time()))
    if search.strip():
        text = search.strip()
        queryset = queryset.filter(
            Q(id_rdv__iexact=text)
            | Q(pto_reference__iexact=text)
            | Q(external_id__icontains=text)
            | Q(order_reference__icontains=text)
            | _address_words(text)
        )
    if not sort:
        return queryset.order_by("starts_at", "id")
    sort = appointment_sort(sort)
    descending = sort.startswith("-")
    columns = (*APPOINTMENT_SORTS[sort.removeprefix("-")], "id")
    return queryset.order_by(*(f"-{c}" if descending else c for c in columns))


def appointment_for(actor: Principal, id_rdv: str) -> Appointment:
    """One appointment by its IdRdv within scope, or GEN-404."""
    return get_scoped(appointments_for(actor), actor, id_rdv=(id_rdv or "").strip().upper())


def history_for(actor: Principal, appointment: Appointment) -> QuerySet[AppointmentHistory]:
    """An appointment's history, oldest first (the appointment must be in scope)."""
    appointment_for(actor, appointment.id_rdv)
    return AppointmentHistory.objects.filter(appointment=appointment).order_by("id")


# --- Planning (the Provider's planners) -------------------------------------------------------


def require_provider(actor: Principal) -> None:
    if not actor.is_provider:
        raise GuichetError(PROVIDER_ONLY)


def technicians_for(
    actor: Principal, *, active: bool | None = None, area: str = ""
) -> QuerySet[Technician]:
    """Technicians and teams with their areas and hours (planners only); ``area`` keeps those
    covering one commune (INSEE) or PM zone."""
    require_provider(actor)
    queryset = Technician.objects.prefetch_related("areas", "hours")
    if active is not None:
        queryset = queryset.filter(active=active)
    if area:
        queryset = queryset.filter(
            pk__in=WorkingArea.objects.filter(value=area).values("technician")
        )
    return queryset.order_by("name", "id")


def areas_for(actor: Principal) -> list[tuple[str, str]]:
    """Every working area some technician covers: (kind, value), communes first."""
    require_provider(actor)
    return list(
        WorkingArea.objects.order_by("kind", "value").values_list("kind", "value").distinct()
    )


def technician_for(actor: Principal, pk: int) -> Technician:
    """One technician (planners only), or GEN-404."""
    require_provider(actor)
    return get_scoped(technicians_for(actor), actor, pk=pk)


def absences_for(actor: Principal, technician: Technician) -> QuerySet[Absence]:
    require_provider(actor)
    return Absence.objects.filter(technician=technician).order_by("starts_at")


def slot_templates_for(actor: Principal) -> QuerySet[SlotTemplate]:
    require_provider(actor)
    return SlotTemplate.objects.order_by("intervention_type", "starts_at")


def load_for(
    actor: Principal, *, first: date, last: date, technicians: Iterable[int] | None = None
) -> QuerySet[Slot]:
    """Planner's day/week view: materialised slots with their load, and who is booked in them."""
    require_provider(actor)
    queryset = Slot.objects.filter(day__range=(first, last)).select_related(
        "technician", "template"
    )
    if technicians is not None:
        queryset = queryset.filter(technician__in=list(technicians))
    return queryset.prefetch_related("appointments", "appointments__operator").order_by(
        "starts_at", "technician__name"
    )


# --- What booking reads (not scoped: the planning answers every operator alike) ----------------


def technicians_serving(
    *, insee: str, pm_references: Iterable[str], intervention_type: str
) -> list[Technician]:
    """Active technicians whose areas cover the commune or one of the PMs, with the skill."""
    where = Q(kind=AreaKind.COMMUNE, value=insee)
    pms = [pm for pm in pm_references if pm]
    if pms:
        where |= Q(kind=AreaKind.PM, value__in=pms)
    ids = WorkingArea.objects.filter(where).values_list("technician_id", flat=True)
    technicians = Technician.objects.filter(active=True, pk__in=ids).prefetch_related("hours")
    # Skills are a short JSON list: filtered here, the same on SQLite and PostgreSQL.
    return [t for t in technicians.order_by("pk") if t.has_skill(intervention_type)]


def active_templates(intervention_type: str) -> list[TemplateView]:
    return [
        TemplateView(t.pk, t.starts_at, t.ends_at, t.capacity)
        for t in SlotTemplate.objects.filter(
            intervention_type=intervention_type, active=True
        ).order_by("starts_at", "ends_at")
    ]


def schedule_of(
    technicians: list[Technician], first: date, last: date
) -> tuple[list[TechnicianView], Load]:
    """The technicians' hours and absences over [first, last], and what is already booked."""
    pks = [t.pk for t in technicians]
    window_start, window_end = at(first, datetime.min.time()), at(last, datetime.max.time())
    absences: dict[int, list[tuple[datetime, datetime]]] = {}
    for tech_id, starts, ends in Absence.objects.filter(
        technician__in=pks, starts_at__lt=window_end, ends_at__gt=window_start
    ).values_list("technician_id", "starts_at", "ends_at"):
        absences.setdefault(tech_id, []).append((starts, ends))
    views = []
    for tech in technicians:
        hours: dict[int, list[tuple[datetime, datetime]]] = {}
        for h in tech.hours.all():
            hours.setdefault(h.weekday, []).append((h.starts_at, h.ends_at))
        views.append(TechnicianView(tech.pk, tech.daily_capacity, hours, absences.get(tech.pk, [])))
    slots = {
        (tech, template, day): (capacity, booked)
        for tech, template, day, capacity, booked in Slot.objects.filter(
            technician__in=pks, day__range=(first, last)
        ).values_list("technician_id", "template_id", "day", "capacity", "booked")
    }
    days = {
        (tech, day): (capacity, booked)
        for tech, day, capacity, booked in TechnicianDay.objects.filter(
            technician__in=pks, day__range=(first, last)
        ).values_list("technician_id", "day", "capacity", "booked")
    }
    return views, Load(slots=slots, days=days)
