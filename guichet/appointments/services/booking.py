"""Operators' booking (RDV-01, RDV-02): search free slots, reserve, confirm, reschedule, cancel,
and the release of holds not confirmed in time. The one path behind REST, SOAP and portal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.addresses.selectors import PlaceQuery
from guichet.appointments import selectors
from guichet.appointments.choices import (
    ACTIVE_STATUSES,
    ESERVICE,
    RIGHT_BOOK,
    RIGHT_READ,
    AppointmentStatus,
    HistoryAction,
    sources_of,
)
from guichet.appointments.errors import (
    HOLD_EXPIRED,
    OPERATOR_REQUIRED,
    PERIOD_INVALID,
    SAME_SLOT,
    TRANSITION_FORBIDDEN,
)
from guichet.appointments.models import Appointment
from guichet.appointments.schedule import parse_slot_id, slot_id
from guichet.appointments.services.common import (
    Place,
    bookable_range,
    brief,
    check_access,
    clean_type,
    free_windows,
    lock_days,
    log,
    new_id_rdv,
    release,
    resolve_place,
    take,
    window_for,
)
from guichet.audit.recorder import record
from guichet.billing.services import record_usage
from guichet.core.context import Principal
from guichet.core.errors import GuichetError

S = AppointmentStatus
# A search spans at most this many days (the horizon bounds it anyway).
MAX_SEARCH_DAYS = 92


@dataclass(frozen=True)
class FreeSlot:
    """A window an Operator can book: its id (``idCreneau``), times and places left."""

    id: str
    starts_at: datetime
    ends_at: datetime
    available: int


@dataclass(frozen=True)
class SlotSearch:
    """The answer to a slot search: the place understood, the days searched, the free slots."""

    place: Place
    intervention_type: str
    date_from: date
    date_to: date
    slots: list[FreeSlot]
    as_of: datetime


def hold_minutes() -> int:
    return int(settings.GUICHET_RDV_HOLD_MINUTES)


def search_free_slots(
    *,
    actor: Principal,
    query: PlaceQuery,
    intervention_type: str,
    date_from: date,
    date_to: date,
) -> SlotSearch:
    """Free slots for the place and type between two days (inclusive), in real time.

    Days outside the bookable range (lead time, horizon) are left out, not refused.
    """
    check_access(actor, RIGHT_READ)
    kind = clean_type(intervention_type)
    if date_to < date_from:
        raise GuichetError(PERIOD_INVALID, field="date_to", detail="la fin précède le début")
    if (date_to - date_from).days > MAX_SEARCH_DAYS:
        raise GuichetError(
            PERIOD_INVALID, field="date_to", detail=f"{MAX_SEARCH_DAYS} jours au plus"
        )
    place = resolve_place(actor, query)
    first, last = bookable_range()
    first, last = max(first, date_from), min(last, date_to)
    found = free_windows(
        insee=place.insee,
        pm_references=place.pm_references,
        intervention_type=kind,
        first=first,
        last=last,
    )
    return SlotSearch(
        place=place,
        intervention_type=kind,
        date_from=date_from,
        date_to=date_to,
        slots=[FreeSlot(w.slot_id, w.starts_at, w.ends_at, w.available) for w in found],
        as_of=timezone.now(),
    )


def reserve(
    *,
    actor: Principal,
    query: PlaceQuery,
    intervention_type: str,
    slot_id: str,
    external_id: str = "",
    comment: str = "",
) -> Appointment:
    """Hold a place in the slot for the operator: a ``held`` appointment with its IdRdv and
    hold expiry; RDV-003 « créneau indisponible » when no technician has room left."""
    operator = check_access(actor, RIGHT_BOOK)
    if operator is None:
        raise GuichetError(OPERATOR_REQUIRED)
    kind = clean_type(intervention_type)
    place = resolve_place(actor, query)
    first, last = bookable_range()
    window = window_for(
        slot_id,
        insee=place.insee,
        pm_references=place.pm_references,
        intervention_type=kind,
        first=first,
        last=last,
    )
    now = timezone.now()
    with transaction.atomic():
        slot = take(window)
        appointment = Appointment.objects.create(
            id_rdv=new_id_rdv(),
            operator=operator,
            status=S.HELD,
            intervention_type=kind,
            slot=slot,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            address=place.address,
            premises=place.premises,
            pto_reference=(place.premises.pto_reference or "") if place.premises else "",
            insee=place.insee,
            pm_references=list(place.pm_references),
            place=place.as_json(),
            external_id=(external_id or "").strip()[:100],
            comment=(comment or "").strip()[:500],
            hold_expires_at=now + timedelta(minutes=hold_minutes()),
            booked_by=actor.login,
            person_id=actor.person_id,
            channel=actor.channel,
        )
        log(actor, appointment, HistoryAction.RESERVE, status_before="")
        record(
            actor, "appointments.appointment.reserve", target=appointment, after=brief(appointment)
        )
        record_usage(
            actor=actor, operator=operator, service_code=ESERVICE, reference=appointment.id_rdv
        )
    return selectors.appointment_for(actor, appointment.id_rdv)


def _refuse(appointment: Appointment, action: str) -> GuichetError:
    return GuichetError(
        TRANSITION_FORBIDDEN,
        id_rdv=appointment.id_rdv,
        status=S(appointment.status).label,
        action=action,
    )


def _switch(appointment: Appointment, target: str, action: str, **changes: Any) -> Appointment:
    """Move ``appointment`` to ``target`` if the map allows it from the status it has *now*:
    a conditional UPDATE, so two concurrent changes never both apply."""
    sources = sources_of(target)
    if appointment.status not in sources:
        raise _refuse(appointment, action)
    moved = Appointment.objects.filter(pk=appointment.pk, status=appointment.status).update(
        status=target, updated_at=timezone.now(), **changes
    )
    fresh = Appointment.objects.select_related("slot").get(pk=appointment.pk)
    if not moved:
        raise _refuse(fresh, action)
    return fresh


def confirm(*, actor: Principal, id_rdv: str, order_reference: str = "") -> Appointment:
    """Confirm a held appointment (the access order carrying its IdRdv has arrived); RDV-010
    once its hold has expired."""
    check_access(actor, RIGHT_BOOK)
    appointment = selectors.appointment_for(actor, id_rdv)
    now = timezone.now()
    if appointment.status == S.HELD and appointment.hold_expires_at <= now:
        raise GuichetError(HOLD_EXPIRED, id_rdv=appointment.id_rdv)
    with transaction.atomic():
        before = appointment.status
        if before != S.HELD:
            raise _refuse(appointment, "confirmation")
        moved = Appointment.objects.filter(
            pk=appointment.pk, status=S.HELD, hold_expires_at__gt=now
        ).update(
            status=S.CONFIRMED,
            confirmed_at=now,
            hold_expires_at=None,
            order_reference=(order_reference or "").strip()[:100],
            updated_at=now,
        )
        appointment = Appointment.objects.select_related("slot").get(pk=appointment.pk)
        if not moved:
            if appointment.status == S.HELD:
                raise GuichetError(HOLD_EXPIRED, id_rdv=appointment.id_rdv)
            raise _refuse(appointment, "confirmation")
        log(actor, appointment, HistoryAction.CONFIRM, status_before=before)
        record(
            actor,
            "appointments.appointment.confirm",
            target=appointment,
            after={"id_rdv": appointment.id_rdv, "order_reference": appointment.order_reference},
        )
    return selectors.appointment_for(actor, appointment.id_rdv)


def move_to(
    actor: Principal,
    appointment: Appointment,
    new_slot_id: str,
    *,
    action: str,
    enforce_lead_time: bool,
    reason: str = "",
) -> Appointment:
    """Put ``appointment`` in another window, atomically: the new place is taken first, the
    old one released in the same transaction, so it is never left with none or with two."""
    if appointment.status not in ACTIVE_STATUSES:
        raise _refuse(appointment, "report")
    parsed = parse_slot_id(new_slot_id)
    if parsed is not None and slot_id(*parsed) == slot_id(
        appointment.slot.day, appointment.slot.template.starts_at, appointment.slot.template.ends_at
    ):
        raise GuichetError(SAME_SLOT, id_rdv=appointment.id_rdv)
    if enforce_lead_time:
        first, last = bookable_range()
    else:
        first, last = timezone.localdate(), timezone.localdate() + timedelta(days=3660)
    window = window_for(
        new_slot_id,
        insee=appointment.insee,
        pm_references=appointment.pm_references,
        intervention_type=appointment.intervention_type,
        first=first,
        last=last,
    )
    target = S.HELD if appointment.status == S.HELD else S.RESCHEDULED
    before, starts_before, old_slot = appointment.status, appointment.starts_at, appointment.slot_id
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().filter(
            pk=appointment.pk, status=before, slot_id=old_slot
        )
        if not locked.exists():
            raise _refuse(Appointment.objects.get(pk=appointment.pk), "report")
        lock_days(
            [(appointment.slot.technician_id, appointment.slot.day)]
            + [(technician_id, window.day) for technician_id, _ in window.technicians]
        )
        slot = take(window)
        changes: dict[str, Any] = {
            "slot": slot,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
        }
        if target == S.HELD:
            changes["hold_expires_at"] = timezone.now() + timedelta(minutes=hold_minutes())
        # Conditional on the slot it had: a concurrent move or cancel makes this one fail whole.
        moved = Appointment.objects.filter(
            pk=appointment.pk, status=before, slot_id=old_slot
        ).update(status=target, updated_at=timezone.now(), **changes)
        if not moved:
            fresh = Appointment.objects.get(pk=appointment.pk)
            raise _refuse(fresh, "report")
        release(old_slot)
        appointment = Appointment.objects.select_related("slot").get(pk=appointment.pk)
        log(
            actor,
            appointment,
            action,
            status_before=before,
            starts_before=starts_before,
            reason=reason,
        )
        record(
            actor,
            f"appointments.appointment.{action}",
            target=appointment,
            before={"starts_at": starts_before, "slot_id": old_slot, "status": before},
            after={"starts_at": appointment.starts_at, "slot_id": slot.pk, "status": target},
        )
    return appointment


def reschedule(*, actor: Principal, id_rdv: str, slot_id: str) -> Appointment:
    """Move an appointment to another free slot (Interop ``reportRDV``); a held one stays held
    with a fresh hold, a confirmed one becomes ``rescheduled``."""
    check_access(actor, RIGHT_BOOK)
    appointment = selectors.appointment_for(actor, id_rdv)
    if appointment.status == S.HELD and appointment.hold_expires_at <= timezone.now():
        raise GuichetError(HOLD_EXPIRED, id_rdv=appointment.id_rdv)
    move_to(actor, appointment, slot_id, action=HistoryAction.RESCHEDULE, enforce_lead_time=True)
    return selectors.appointment_for(actor, appointment.id_rdv)


def end(
    actor: Principal,
    appointment: Appointment,
    target: str,
    *,
    action: str,
    reason: str = "",
    label: str = "annulation",
) -> Appointment:
    """Close an appointment (cancelled, done, missed); a cancelled one frees its place."""
    with transaction.atomic():
        before = appointment.status
        appointment = _switch(
            appointment, target, label, ended_at=timezone.now(), end_reason=reason[:250]
        )
        if target == S.CANCELLED:
            release(appointment.slot_id)
        log(actor, appointment, action, status_before=before, reason=reason)
        record(
            actor,
            f"appointments.appointment.{action}",
            target=appointment,
            before={"status": before},
            after={"status": target, "reason": reason},
        )
    return appointment


def cancel(*, actor: Principal, id_rdv: str, reason: str = "") -> Appointment:
    """The operator cancels its appointment; the place is freed at once."""
    check_access(actor, RIGHT_BOOK)
    appointment = selectors.appointment_for(actor, id_rdv)
    end(actor, appointment, S.CANCELLED, action=HistoryAction.CANCEL, reason=reason)
    return selectors.appointment_for(actor, appointment.id_rdv)


def release_expired_holds(*, now: datetime | None = None) -> int:
    """Cancel the holds not confirmed in time and free their places; returns how many.

    Each in its own transaction, conditional on still being held and expired: a confirmation
    that wins the race keeps its appointment; a confirmed appointment is never touched.
    """
    actor = Principal.system("appointments.holds")
    now = now or timezone.now()
    expired = Appointment.objects.filter(status=S.HELD, hold_expires_at__lte=now).values_list(
        "pk", flat=True
    )
    count = 0
    for pk in list(expired):
        with transaction.atomic():
            released = Appointment.objects.filter(
                pk=pk, status=S.HELD, hold_expires_at__lte=now
            ).update(
                status=S.CANCELLED,
                ended_at=now,
                end_reason="Réservation expirée",
                updated_at=timezone.now(),
            )
            if not released:
                continue
            appointment = Appointment.objects.select_related("slot").get(pk=pk)
            release(appointment.slot_id)
            log(
                actor,
                appointment,
                HistoryAction.EXPIRE,
                status_before=S.HELD,
                reason="Réservation expirée",
            )
            record(
                actor,
                "appointments.appointment.expire",
                target=appointment,
                before={"status": S.HELD},
                after={"status": S.CANCELLED, "hold_expires_at": appointment.hold_expires_at},
            )
            count += 1
    return count
