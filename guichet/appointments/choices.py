"""Intervention types, skills, areas and the appointment status map of e-RDV (RDV-01..03)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ESERVICE = "e-rdv"
RIGHT_READ = "e-rdv:read"
RIGHT_BOOK = "e-rdv:book"


class InterventionType(models.TextChoices):
    """What the technician comes for; also the skill a technician must hold for it.

    Interop'Fibre's ``typeIntervention`` (S/E) and ``natureProduit=FTTH_ACCES`` are mapped at
    the SOAP boundary.
    """

    FTTH_CONNECTION = "ftth-connection", _("Raccordement FTTH")
    SAV = "sav", _("Intervention SAV")


class TechnicianKind(models.TextChoices):
    TECHNICIAN = "technician", _("Technicien du Fournisseur")
    TEAM = "team", _("Équipe sous-traitante")


class AreaKind(models.TextChoices):
    """How a working area is named: a commune (INSEE code) or a PM zone (référence PM)."""

    COMMUNE = "commune", _("Commune (code INSEE)")
    PM = "pm", _("Zone de PM (référence PM)")


class AppointmentStatus(models.TextChoices):
    """Statut du rendez-vous. ``held`` is Interop's CREE; ``confirmed``/``rescheduled`` CONFIRME."""

    HELD = "held", _("Réservé (en attente de confirmation)")
    CONFIRMED = "confirmed", _("Confirmé")
    RESCHEDULED = "rescheduled", _("Reporté")
    CANCELLED = "cancelled", _("Annulé")
    DONE = "done", _("Réalisé")
    MISSED = "missed", _("Manqué")


S = AppointmentStatus
# The transition map: a service refuses any move not listed here (RDV-004).
# held → held is a held appointment moved to another slot before confirmation.
APPOINTMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.HELD: frozenset({S.HELD, S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.RESCHEDULED, S.CANCELLED, S.DONE, S.MISSED}),
    S.RESCHEDULED: frozenset({S.RESCHEDULED, S.CANCELLED, S.DONE, S.MISSED}),
    S.CANCELLED: frozenset(),
    S.DONE: frozenset(),
    S.MISSED: frozenset(),
}
# Statuses that hold a place in a slot.
ACTIVE_STATUSES: frozenset[str] = frozenset({S.HELD, S.CONFIRMED, S.RESCHEDULED})


def can_move(source: str, target: str) -> bool:
    """Whether the map allows ``source`` → ``target``."""
    return target in APPOINTMENT_TRANSITIONS.get(source, frozenset())


def sources_of(target: str) -> frozenset[str]:
    """Every status from which ``target`` may be reached."""
    return frozenset(s for s, targets in APPOINTMENT_TRANSITIONS.items() if target in targets)


class HistoryAction(models.TextChoices):
    RESERVE = "reserve", _("Réservation")
    CONFIRM = "confirm", _("Confirmation")
    RESCHEDULE = "reschedule", _("Report par l'opérateur")
    CANCEL = "cancel", _("Annulation par l'opérateur")
    EXPIRE = "expire", _("Réservation expirée")
    MOVE = "move", _("Déplacement par le planificateur")
    PROVIDER_CANCEL = "provider-cancel", _("Annulation par le Fournisseur")
    OUTCOME = "outcome", _("Résultat de l'intervention")
