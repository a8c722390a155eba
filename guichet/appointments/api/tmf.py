"""TMF646 wire mapping: names only, every decision is the service's.

**searchTimeSlot** (``POST``, answered at once, not stored): ``relatedPlace`` names the place
like TMF679's ``place`` (hexaclé, BAN id, PTO reference, building id, ND, INSEE + RIVOLI,
coordinates, free text: :mod:`guichet.addresses.api.places`); ``category`` is the intervention
type (``ftth-connection`` by default, or ``sav``); ``requestedTimeSlot[0].validFor`` gives the
days searched (start and end day included; by default the first two bookable weeks). The answer
lists ``availableTimeSlot[]``: ``id`` is the slot id to book (``AAAAMMJJThhmm-hhmm``, Interop's
``idCreneau``), ``validFor`` its window, ``availableCapacity`` the places left now.

**appointment**: ``POST`` reserves (a hold with an expiry): ``relatedPlace``, ``category``,
``validFor`` (a window of the search) or ``timeSlot.id``, ``externalId``, ``description``.
``PATCH`` with ``status`` ``confirmed`` confirms (``relatedEntity[0].id``: the access order),
with a new ``validFor`` or ``timeSlot.id`` reschedules (atomically), with ``status``
``cancelled`` cancels (``statusChangeReason``).

**Status**: TMF ``initialized`` is our ``held`` (réservé, en attente de confirmation),
``confirmed`` our ``confirmed`` and ``rescheduled``, ``cancelled``, ``completed`` (done) and
``failed`` (missed); ``statusDetail`` carries our own status.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from guichet.addresses.api.places import address, clean, sub_address
from guichet.appointments.choices import AppointmentStatus, InterventionType
from guichet.appointments.errors import SLOT_ID_INVALID
from guichet.appointments.models import Appointment
from guichet.appointments.schedule import slot_id
from guichet.appointments.services import SlotSearch
from guichet.core.errors import GuichetError

BASE = "/tmf-api/appointment/v4"
S = AppointmentStatus
TO_TMF = {
    S.HELD: "initialized",
    S.CONFIRMED: "confirmed",
    S.RESCHEDULED: "confirmed",
    S.CANCELLED: "cancelled",
    S.DONE: "completed",
    S.MISSED: "failed",
}
TMF_STATES = ["initialized", "confirmed", "cancelled", "completed", "failed"]
FROM_TMF: dict[str, list[str]] = {
    state: [ours for ours, theirs in TO_TMF.items() if theirs == state] for state in TMF_STATES
}
DEFAULT_CATEGORY = InterventionType.FTTH_CONNECTION.value


def period(start: datetime | date, end: datetime | date) -> dict[str, Any]:
    """A TMF ``TimePeriod`` (local time with its offset)."""
    return {"startDateTime": _local(start), "endDateTime": _local(end)}


def _local(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    return timezone.localtime(value) if timezone.is_aware(value) else timezone.make_aware(value)


def window_id(start: datetime, end: datetime, *, path: str = "validFor") -> str:
    """The slot id a ``validFor`` names (a window is within one local day)."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() != end.date() or start >= end:
        raise GuichetError(
            SLOT_ID_INVALID, field=path, value=f"{start.isoformat()}/{end.isoformat()}"
        )
    return slot_id(start.date(), start.time(), end.time())


def related_place(place: dict[str, Any]) -> dict[str, Any]:
    """The place an appointment (or a search) is for, as our TMF673 address + premises."""
    resolved = address(place.get("address") or {}, "interventionAddress")
    premises = place.get("premises")
    if premises:
        resolved["geographicSubAddress"] = [sub_address(premises)]
        resolved["buildingId"] = premises.get("building_id", "")
    return resolved


def search_time_slot(search: SlotSearch) -> dict[str, Any]:
    """The TMF646 ``SearchTimeSlot`` of a search answered now."""
    return {
        "@type": "SearchTimeSlot",
        "status": "done",
        "searchDate": search.as_of,
        "searchResult": "success" if search.slots else "fail",
        "category": search.intervention_type,
        "relatedPlace": related_place(search.place.as_json()),
        "requestedTimeSlot": [
            {
                "@type": "TimeSlot",
                "validFor": period(
                    search.date_from, datetime.combine(search.date_to, time(23, 59, 59))
                ),
            }
        ],
        "availableTimeSlot": [
            {
                "@type": "TimeSlot",
                "id": slot.id,
                "validFor": period(slot.starts_at, slot.ends_at),
                "availableCapacity": slot.available,
            }
            for slot in search.slots
        ],
    }


def href(appointment: Appointment) -> str:
    return f"{BASE}/appointment/{appointment.id_rdv}"


def appointment_resource(appointment: Appointment) -> dict[str, Any]:
    """The TMF646 ``Appointment`` of one of ours."""
    starts = timezone.localtime(appointment.starts_at)
    ends = timezone.localtime(appointment.ends_at)
    resource: dict[str, Any] = {
        "@type": "Appointment",
        "id": appointment.id_rdv,
        "href": href(appointment),
        "category": appointment.intervention_type,
        "status": TO_TMF[AppointmentStatus(appointment.status)],
        "statusDetail": appointment.status,
        "creationDate": appointment.created_at,
        "lastUpdate": appointment.updated_at,
        "validFor": period(starts, ends),
        "timeSlot": {"id": slot_id(starts.date(), starts.time(), ends.time())},
        "holdExpiryDate": appointment.hold_expires_at,
        "externalId": appointment.external_id,
        "description": appointment.comment,
        "statusChangeReason": appointment.end_reason,
        "relatedPlace": related_place(appointment.place),
        "relatedParty": [
            {
                "@referredType": "Organization",
                "id": appointment.operator.arcep_code,
                "name": appointment.operator.name,
                "role": "requester",
            }
        ],
    }
    if appointment.order_reference:
        resource["relatedEntity"] = [
            {
                "@referredType": "ProductOrder",
                "id": appointment.order_reference,
                "role": "accessOrder",
            }
        ]
    return clean(resource)
