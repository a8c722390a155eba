"""The Provider's planners act on booked appointments (RDV-03): move one, cancel one, record
the outcome. The Operator is told of a move or a cancellation by email (outbox) and by an
event record (CloudEvents, delivered by the webhook worker)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from guichet.accounts.models import Role
from guichet.accounts.selectors import people_for
from guichet.appointments import selectors
from guichet.appointments.choices import AppointmentStatus, HistoryAction
from guichet.appointments.errors import PLANNING_INVALID
from guichet.appointments.models import Appointment
from guichet.appointments.services.booking import FreeSlot, end, move_to
from guichet.appointments.services.common import free_windows
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.errors import EMAIL_NO_RECIPIENT
from guichet.notifications.services import queue_email, queue_event

S = AppointmentStatus
EVENT_SOURCE = "/tmf-api/appointment/v4/appointment"
# TMF646 event types.
EVENT_CHANGED = "AppointmentAttributeValueChangeEvent"
EVENT_STATE = "AppointmentStateChangeEvent"


def _recipients(appointment: Appointment) -> list[str]:
    """Who booked it (when a person did) and the operator's active administrators."""
    people = people_for(Principal.system("appointments")).filter(
        operator_id=appointment.operator_id, is_active=True
    )
    emails = []
    if appointment.person_id:
        emails += list(people.filter(pk=appointment.person_id).values_list("email", flat=True))
    emails += list(people.filter(role=Role.ADMIN).values_list("email", flat=True))
    return [e for e in dict.fromkeys(emails) if e]


def _when(appointment: Appointment) -> str:
    starts = timezone.localtime(appointment.starts_at)
    ends = timezone.localtime(appointment.ends_at)
    return f"{date_format(starts, 'l j F Y')} de {starts:%H:%M} à {ends:%H:%M}"


def notify_operator(
    actor: Principal, appointment: Appointment, *, kind: str, reason: str, **context: Any
) -> None:
    """Email the operator (outbox) and record the event for its webhook: ``kind`` is
    ``moved`` or ``cancelled``."""
    with translation.override("fr"):
        text = render_to_string(
            f"appointments/emails/{kind}.txt",
            {"appointment": appointment, "when": _when(appointment), "reason": reason, **context},
        )
    subject, _, body = text.partition("\n")
    recipients = _recipients(appointment)
    if recipients:
        try:
            queue_email(
                actor=actor,
                to=recipients,
                subject=subject.strip(),
                body=body.strip() + "\n",
                reason=f"appointments.{kind}",
                operator_id=appointment.operator_id,
            )
        except GuichetError as exc:  # no valid address must not block the planner
            if exc.error is not EMAIL_NO_RECIPIENT:
                raise
    queue_event(
        actor=actor,
        operator_id=appointment.operator_id,
        type=EVENT_CHANGED if kind == "moved" else EVENT_STATE,
        source=EVENT_SOURCE,
        subject=appointment.id_rdv,
        data={
            "event": {
                "appointment": {
                    "id": appointment.id_rdv,
                    "status": appointment.status,
                    "validFor": {
                        "startDateTime": appointment.starts_at.isoformat(),
                        "endDateTime": appointment.ends_at.isoformat(),
                    },
                    "externalId": appointment.external_id,
                    "note": [{"text": reason}] if reason else [],
                    **(
                        {"previousValidFor": {"startDateTime": context["previous"].isoformat()}}
                        if context.get("previous")
                        else {}
                    ),
                }
            }
        },
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise GuichetError(PLANNING_INVALID, field="reason", detail="le motif est obligatoire")
    return reason[:250]


def move_options(
    *, actor: Principal, id_rdv: str, date_from: date, date_to: date
) -> list[FreeSlot]:
    """Windows a planner may move the appointment to between two days: from today (the
    Operators' lead time does not bind planners), where a technician has room left."""
    selectors.require_provider(actor)
    appointment = selectors.appointment_for(actor, id_rdv)
    found = free_windows(
        insee=appointment.insee,
        pm_references=appointment.pm_references,
        intervention_type=appointment.intervention_type,
        first=max(date_from, timezone.localdate()),
        last=date_to,
    )
    return [FreeSlot(w.slot_id, w.starts_at, w.ends_at, w.available) for w in found]


def move_appointment(*, actor: Principal, id_rdv: str, slot_id: str, reason: str) -> Appointment:
    """A planner moves an appointment to another window (lead time not applied, capacity
    is); the operator is notified."""
    selectors.require_provider(actor)
    reason = _reason(reason)
    appointment = selectors.appointment_for(actor, id_rdv)
    previous = appointment.starts_at
    with transaction.atomic():
        appointment = move_to(
            actor,
            appointment,
            slot_id,
            action=HistoryAction.MOVE,
            enforce_lead_time=False,
            reason=reason,
        )
        notify_operator(actor, appointment, kind="moved", reason=reason, previous=previous)
    return appointment


def cancel_by_provider(*, actor: Principal, id_rdv: str, reason: str) -> Appointment:
    """A planner cancels an appointment (technician unavailable, site inaccessible…); the
    place is freed and the operator notified."""
    selectors.require_provider(actor)
    reason = _reason(reason)
    appointment = selectors.appointment_for(actor, id_rdv)
    with transaction.atomic():
        appointment = end(
            actor,
            appointment,
            S.CANCELLED,
            action=HistoryAction.PROVIDER_CANCEL,
            reason=reason,
        )
        notify_operator(actor, appointment, kind="cancelled", reason=reason)
    return appointment


def record_outcome(*, actor: Principal, id_rdv: str, outcome: str, reason: str = "") -> Appointment:
    """The intervention took place (``done``) or could not (``missed``)."""
    selectors.require_provider(actor)
    if outcome not in (S.DONE, S.MISSED):
        raise GuichetError(PLANNING_INVALID, field="outcome", detail="done ou missed")
    appointment = selectors.appointment_for(actor, id_rdv)
    return end(
        actor,
        appointment,
        outcome,
        action=HistoryAction.OUTCOME,
        reason=reason,
        label="clôture",
    )
