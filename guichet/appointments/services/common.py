"""What every e-RDV service shares: who may book, where the place is, the slot counters.

The counters are the only guard against over-booking and they are the database's: a slot
row and a technician-day row carry ``booked <= capacity`` as CHECK constraints, and a booking
increments both with ``UPDATE … SET booked = booked + 1 WHERE … AND booked < capacity``. On
PostgreSQL a concurrent UPDATE of the same row waits for the first to commit, then re-checks
the WHERE clause on the new row; on SQLite writers are serialised (IMMEDIATE transactions).
Either way exactly as many bookings as places succeed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from guichet.addresses.selectors import FOUND, UNKNOWN, PlaceQuery, resolve
from guichet.addresses.translation import address_dict
from guichet.appointments import selectors
from guichet.appointments.choices import (
    ESERVICE,
    InterventionType,
)
from guichet.appointments.errors import (
    NO_FTTH_CONTRACT,
    NOT_SUBSCRIBED,
    PLACE_AMBIGUOUS,
    PLACE_UNKNOWN,
    SLOT_ID_INVALID,
    SLOT_UNAVAILABLE,
    UNKNOWN_INTERVENTION_TYPE,
)
from guichet.appointments.models import (
    Appointment,
    AppointmentHistory,
    Slot,
    SlotTemplate,
    Technician,
    TechnicianDay,
)
from guichet.appointments.schedule import (
    Window,
    at,
    bookable_days,
    business_days,
    parse_slot_id,
    windows,
)
from guichet.core.context import Principal
from guichet.core.errors import MISSING_RIGHT, PERMISSION_DENIED, GuichetError
from guichet.network import selectors as network
from guichet.network.models import Address, Premises
from guichet.operators.models import SERVICE_DEPENDENCIES, Operator
from guichet.operators.selectors import active_subscriptions_for, operator_for
from guichet.operators.selectors.contracts import holds_wholesale

# IdRdv: "RDV" + 12 characters of Crockford's base 32 (no I, L, O, U): short enough to dictate,
# unguessable, and within Interop's free ``idRendezvous`` string.
ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_PREFIX = "RDV"
ID_LENGTH = 12


def new_id_rdv() -> str:
    return ID_PREFIX + "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


# --- Access -----------------------------------------------------------------------------------


def check_access(actor: Principal, right: str) -> Operator | None:
    """The operator the caller acts for (None for the Provider's staff).

    Refusals are distinct so an integrator knows what to fix: no e-RDV subscription
    (RDV-001), no FTTH access contract (RDV-002, CTR-05), then the person's right.
    """
    if actor.is_provider:
        return None
    if actor.operator_id is None:
        raise GuichetError(PERMISSION_DENIED)
    if not active_subscriptions_for(actor).filter(service__code=ESERVICE).exists():
        raise GuichetError(NOT_SUBSCRIBED)
    if not holds_wholesale(actor.operator_id, SERVICE_DEPENDENCIES[ESERVICE]):
        raise GuichetError(NO_FTTH_CONTRACT)
    if not actor.has_right(right):
        raise GuichetError(MISSING_RIGHT, right=right)
    return operator_for(actor, actor.operator_id)


def clean_type(value: str) -> str:
    if value not in InterventionType.values:
        raise GuichetError(
            UNKNOWN_INTERVENTION_TYPE,
            field="intervention_type",
            value=value,
            known=", ".join(InterventionType.values),
        )
    return value


# --- Place ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where the technician goes: an address of the inventory, its premises when named (PTO),
    and what working areas are matched against (commune, PMs)."""

    address: Address
    premises: Premises | None
    insee: str
    pm_references: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"address": address_dict(self.address)}
        if self.premises is not None:
            data["premises"] = {
                "id": self.premises.pk,
                "pto": self.premises.pto_reference or "",
                "building_id": self.premises.building.ipe_id,
                "staircase": self.premises.staircase,
                "floor": self.premises.floor,
                "door": self.premises.door,
            }
        return data


def resolve_place(actor: Principal, query: PlaceQuery) -> Place:
    """The one place ``query`` names (address, premises or PTO), or RDV-006 / RDV-007."""
    resolution = resolve(actor, query)
    if resolution.status == UNKNOWN:
        raise GuichetError(PLACE_UNKNOWN)
    if resolution.status != FOUND or resolution.candidate is None:
        raise GuichetError(PLACE_AMBIGUOUS, count=len(resolution.candidates))
    candidate = resolution.candidate
    premises = candidate.premises
    if premises is not None:
        pm = network.pm_of(premises)
        pms = (pm.reference,) if pm else ()
    else:
        buildings = network.inventory_buildings(actor).filter(address=candidate.address)
        if candidate.building_id:
            buildings = buildings.filter(ipe_id=candidate.building_id)
        pms = tuple(
            sorted(
                set(buildings.exclude(pm=None).values_list("pm__reference", flat=True))
                | set(
                    network.inventory_premises(actor)
                    .filter(building__in=buildings, pbo__pm__isnull=False)
                    .values_list("pbo__pm__reference", flat=True)
                )
            )
        )
    return Place(candidate.address, premises, candidate.address.insee, pms)


# --- Windows ------------------------------------------------------------------------------------


def bookable_range(today: date | None = None) -> tuple[date, date]:
    """[first, last] bookable days by Operators today (lead time in business days, horizon)."""
    return bookable_days(
        today or timezone.localdate(),
        lead_business_days=settings.GUICHET_RDV_LEAD_BUSINESS_DAYS,
        horizon_days=settings.GUICHET_RDV_HORIZON_DAYS,
    )


def free_windows(
    *,
    insee: str,
    pm_references: tuple[str, ...] | list[str],
    intervention_type: str,
    first: date,
    last: date,
) -> list[Window]:
    """Windows with room left for this place and type between two days, from the schedule now."""
    if first > last:
        return []
    technicians = selectors.technicians_serving(
        insee=insee, pm_references=pm_references, intervention_type=intervention_type
    )
    templates = selectors.active_templates(intervention_type)
    if not technicians or not templates:
        return []
    views, load = selectors.schedule_of(technicians, first, last)
    return windows(
        days=business_days(first, last),
        templates=templates,
        technicians=views,
        load=load,
        not_before=timezone.now(),
    )


def window_for(
    slot_id: str,
    *,
    insee: str,
    pm_references: tuple[str, ...] | list[str],
    intervention_type: str,
    first: date,
    last: date,
) -> Window:
    """The window ``slot_id`` names with the technicians who can take it now, or RDV-003."""
    parsed = parse_slot_id(slot_id)
    if parsed is None:
        raise GuichetError(SLOT_ID_INVALID, field="slot_id", value=slot_id)
    day, start, end = parsed
    if not first <= day <= last:
        raise GuichetError(SLOT_UNAVAILABLE)
    for window in free_windows(
        insee=insee,
        pm_references=pm_references,
        intervention_type=intervention_type,
        first=day,
        last=day,
    ):
        if window.template.starts_at == start and window.template.ends_at == end:
            return window
    raise GuichetError(SLOT_UNAVAILABLE)


# --- Counters -------------------------------------------------------------------------------------


class _Full(Exception):
    """The day had room but the window had none: undo the day's increment (savepoint)."""


def _take_one(technician_id: int, window: Window) -> Slot | None:
    """One place for ``technician_id`` in ``window``, or None when the database says it is full."""
    technician = Technician.objects.get(pk=technician_id)
    template = SlotTemplate.objects.get(pk=window.template.pk)
    TechnicianDay.objects.bulk_create(
        [TechnicianDay(technician=technician, day=window.day, capacity=technician.daily_capacity)],
        ignore_conflicts=True,
    )
    Slot.objects.bulk_create(
        [
            Slot(
                technician=technician,
                template=template,
                day=window.day,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
                capacity=template.capacity,
            )
        ],
        ignore_conflicts=True,
    )
    try:
        with transaction.atomic():
            day_taken = TechnicianDay.objects.filter(
                technician=technician, day=window.day, booked__lt=F("capacity")
            ).update(booked=F("booked") + 1)
            if not day_taken:
                return None
            slot_taken = Slot.objects.filter(
                technician=technician, template=template, day=window.day, booked__lt=F("capacity")
            ).update(booked=F("booked") + 1)
            if not slot_taken:
                raise _Full
    except _Full:
        return None
    return Slot.objects.get(technician=technician, template=template, day=window.day)


def take(window: Window) -> Slot:
    """A place in ``window`` with the technician who has most room, or RDV-003 when the
    database refuses every one of them (someone else got there first)."""
    for technician_id, _room in window.technicians:
        slot = _take_one(technician_id, window)
        if slot is not None:
            return slot
    raise GuichetError(SLOT_UNAVAILABLE)


def release(slot_id: int) -> None:
    """Give back the place an appointment held (technician-day, then slot counter)."""
    slot = Slot.objects.get(pk=slot_id)
    TechnicianDay.objects.filter(
        technician_id=slot.technician_id, day=slot.day, booked__gt=0
    ).update(booked=F("booked") - 1)
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def lock_days(pairs: list[tuple[int, date]]) -> None:
    """Lock the technician-day rows a move touches, in one order (PostgreSQL; SQLite's writers
    are serialised anyway). Every write locks appointment, then days, then slots: a move and a
    cancellation or another move never wait on each other in a cycle."""
    wanted = sorted(set(pairs))
    TechnicianDay.objects.bulk_create(
        [
            TechnicianDay(
                technician_id=t, day=d, capacity=Technician.objects.get(pk=t).daily_capacity
            )
            for t, d in wanted
        ],
        ignore_conflicts=True,
    )
    for technician_id, day in wanted:
        list(
            TechnicianDay.objects.select_for_update()
            .filter(technician_id=technician_id, day=day)
            .values_list("pk", flat=True)
        )


# --- History ------------------------------------------------------------------------------------


def log(
    actor: Principal,
    appointment: Appointment,
    action: str,
    *,
    status_before: str,
    starts_before: datetime | None = None,
    reason: str = "",
) -> AppointmentHistory:
    """Append one row to the appointment's history."""
    return AppointmentHistory.objects.create(
        appointment=appointment,
        action=action,
        status_before=status_before,
        status_after=appointment.status,
        starts_before=starts_before,
        starts_after=appointment.starts_at,
        by=actor.login,
        channel=actor.channel,
        reason=reason[:250],
    )


def brief(appointment: Appointment) -> dict[str, Any]:
    """What the journal records of an appointment."""
    return {
        "id_rdv": appointment.id_rdv,
        "operator_id": appointment.operator_id,
        "status": appointment.status,
        "intervention_type": appointment.intervention_type,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "technician_id": appointment.slot.technician_id if appointment.slot_id else None,
        "insee": appointment.insee,
        "pto_reference": appointment.pto_reference,
        "hold_expires_at": appointment.hold_expires_at,
    }


def day_bounds(day: date) -> tuple[datetime, datetime]:
    return at(day, datetime.min.time()), at(day, datetime.max.time())
