"""Every e-RDV write: Operators' booking, planners' actions on appointments, the planning."""

from guichet.appointments.services.booking import (
    FreeSlot,
    SlotSearch,
    cancel,
    confirm,
    release_expired_holds,
    reschedule,
    reserve,
    search_free_slots,
)
from guichet.appointments.services.common import Place, bookable_range, check_access
from guichet.appointments.services.planner import (
    cancel_by_provider,
    move_appointment,
    move_options,
    record_outcome,
)
from guichet.appointments.services.planning import (
    add_absence,
    create_slot_template,
    create_technician,
    delete_absence,
    set_areas,
    set_working_hours,
    update_slot_template,
    update_technician,
)

__all__ = [
    "FreeSlot",
    "Place",
    "SlotSearch",
    "add_absence",
    "bookable_range",
    "cancel",
    "cancel_by_provider",
    "check_access",
    "confirm",
    "create_slot_template",
    "create_technician",
    "delete_absence",
    "move_appointment",
    "move_options",
    "record_outcome",
    "release_expired_holds",
    "reschedule",
    "reserve",
    "search_free_slots",
    "set_areas",
    "set_working_hours",
    "update_slot_template",
    "update_technician",
]
