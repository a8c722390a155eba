"""e-RDV: the Provider's planning (technicians, areas, hours, absences, slot templates), the
materialised capacity counters the database enforces, and the Operators' appointments."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from guichet.appointments.choices import (
    AppointmentStatus,
    AreaKind,
    HistoryAction,
    InterventionType,
    TechnicianKind,
)
from guichet.core.models import TimeStampedModel

# --- Planning (RDV-03) ---------------------------------------------------------------------


class Technician(TimeStampedModel):
    """Technicien (or subcontractor team) of the Provider: skills, areas, hours, daily capacity."""

    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(
        _("type"), max_length=12, choices=TechnicianKind.choices, default=TechnicianKind.TECHNICIAN
    )
    company = models.CharField(_("entreprise sous-traitante"), max_length=150, blank=True)
    skills = models.JSONField(
        _("compétences"),
        default=list,
        help_text=_("Types d'intervention que le technicien réalise."),
    )
    daily_capacity = models.PositiveSmallIntegerField(
        _("capacité journalière"), default=4, help_text=_("Interventions au plus par jour.")
    )
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("technicien")
        verbose_name_plural = _("techniciens")

    def __str__(self) -> str:
        return self.name

    def has_skill(self, intervention_type: str) -> bool:
        return intervention_type in (self.skills or [])


class WorkingArea(models.Model):
    """Zone d'intervention: a commune (INSEE) or a PM zone the technician covers."""

    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField(_("type de zone"), max_length=10, choices=AreaKind.choices)
    value = models.CharField(_("code INSEE ou référence PM"), max_length=20)

    class Meta:
        ordering = ["technician", "kind", "value"]
        verbose_name = _("zone d'intervention")
        verbose_name_plural = _("zones d'intervention")
        constraints = [
            models.UniqueConstraint(fields=["technician", "kind", "value"], name="rdv_area_unique")
        ]
        indexes = [models.Index(fields=["kind", "value"], name="rdv_area_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class WorkingHours(models.Model):
    """Horaires de travail: one range of one weekday (0 = Monday); several ranges a day allowed."""

    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("jour de la semaine"))
    starts_at = models.TimeField(_("de"))
    ends_at = models.TimeField(_("à"))

    class Meta:
        ordering = ["technician", "weekday", "starts_at"]
        verbose_name = _("horaires de travail")
        verbose_name_plural = _("horaires de travail")
        constraints = [
            models.UniqueConstraint(
                fields=["technician", "weekday", "starts_at"], name="rdv_hours_unique"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="rdv_hours_weekday"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="rdv_hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Absence(TimeStampedModel):
    """Absence d'un technicien (congé, formation, maladie): no slot overlapping it is offered."""

    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        ordering = ["technician", "starts_at"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="rdv_absence_order"
            )
        ]
        indexes = [models.Index(fields=["technician", "ends_at"], name="rdv_absence_end")]

    def __str__(self) -> str:
        return f"{self.technician} {self.starts_at:%Y-%m-%d %H:%M}→{self.ends_at:%Y-%m-%d %H:%M}"


class SlotTemplate(TimeStampedModel):
    """Modèle de créneau: an arrival window offered for one intervention type (its duration is
    the window's), with the number of interventions one technician takes in it."""

    intervention_type = models.CharField(
        _("type d'intervention"), max_length=20, choices=InterventionType.choices
    )
    starts_at = models.TimeField(_("de"))
    ends_at = models.TimeField(_("à"))
    capacity = models.PositiveSmallIntegerField(_("interventions par technicien"), default=1)
    active = models.BooleanField(_("proposé"), default=True)

    class Meta:
        ordering = ["intervention_type", "starts_at"]
        verbose_name = _("modèle de créneau")
        verbose_name_plural = _("modèles de créneau")
        constraints = [
            models.UniqueConstraint(
                fields=["intervention_type", "starts_at", "ends_at"], name="rdv_template_unique"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="rdv_template_order"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="rdv_template_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.get_intervention_type_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


# --- Capacity counters: the database refuses to exceed them (RDV-02) -------------------------


class TechnicianDay(models.Model):
    """One technician's load on one day: ``booked`` never exceeds ``capacity`` (CHECK)."""

    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("jour"))
    capacity = models.PositiveSmallIntegerField(_("capacité"))
    booked = models.PositiveSmallIntegerField(_("réservés"), default=0)

    class Meta:
        ordering = ["day", "technician"]
        verbose_name = _("charge journalière")
        verbose_name_plural = _("charges journalières")
        constraints = [
            models.UniqueConstraint(fields=["technician", "day"], name="rdv_day_unique"),
            models.CheckConstraint(
                condition=Q(booked__gte=0) & Q(booked__lte=F("capacity")), name="rdv_day_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician} {self.day} {self.booked}/{self.capacity}"


class Slot(models.Model):
    """Créneau matérialisé: one technician, one day, one template window, and its counter.

    Created on the first booking of that window; ``booked <= capacity`` is a CHECK constraint
    and bookings increment it with a conditional UPDATE, so no concurrency can exceed it.
    """

    technician = models.ForeignKey(Technician, on_delete=models.PROTECT, related_name="slots")
    template = models.ForeignKey(SlotTemplate, on_delete=models.PROTECT, related_name="slots")
    day = models.DateField(_("jour"))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveSmallIntegerField(_("capacité"))
    booked = models.PositiveSmallIntegerField(_("réservés"), default=0)

    class Meta:
        ordering = ["starts_at", "technician"]
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        constraints = [
            models.UniqueConstraint(
                fields=["technician", "template", "day"], name="rdv_slot_unique"
            ),
            models.CheckConstraint(
                condition=Q(booked__gte=0) & Q(booked__lte=F("capacity")),
                name="rdv_slot_capacity",
            ),
        ]
        indexes = [models.Index(fields=["day", "technician"], name="rdv_slot_day")]

    def __str__(self) -> str:
        return f"{self.technician} {self.starts_at:%Y-%m-%d %H:%M} {self.booked}/{self.capacity}"


# --- Appointments (RDV-01, RDV-02) -------------------------------------------------------------


class Appointment(TimeStampedModel):
    """Rendez-vous d'intervention booked by an Operator; ``id_rdv`` is the ``IdRdv`` its FTTH
    access order carries (DOMAIN.md §3.1, §5)."""

    id_rdv = models.CharField(_("IdRdv"), max_length=30, unique=True)
    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.HELD,
    )
    intervention_type = models.CharField(
        _("type d'intervention"), max_length=20, choices=InterventionType.choices
    )
    slot = models.ForeignKey(
        Slot, verbose_name=_("créneau"), on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    address = models.ForeignKey(
        "network.Address",
        verbose_name=_("adresse"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    premises = models.ForeignKey(
        "network.Premises",
        verbose_name=_("local"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pto_reference = models.CharField(_("référence PTO"), max_length=20, blank=True)
    insee = models.CharField(_("code INSEE"), max_length=5)
    pm_references = models.JSONField(_("références PM"), default=list, blank=True)
    place = models.JSONField(_("lieu"), default=dict, blank=True)
    external_id = models.CharField(_("référence de l'opérateur"), max_length=100, blank=True)
    order_reference = models.CharField(_("commande d'accès"), max_length=100, blank=True)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)
    hold_expires_at = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    ended_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    end_reason = models.CharField(_("motif de clôture"), max_length=250, blank=True)
    booked_by = models.CharField(_("réservé par"), max_length=150)
    person_id = models.PositiveIntegerField(_("personne"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=10)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        indexes = [
            models.Index(fields=["operator", "-starts_at"], name="rdv_appointment_operator"),
            models.Index(fields=["status", "hold_expires_at"], name="rdv_appointment_hold"),
        ]

    def __str__(self) -> str:
        return self.id_rdv


class AppointmentHistory(models.Model):
    """Historique du rendez-vous: one row per change, never updated nor deleted."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(_("le"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20, choices=HistoryAction.choices)
    status_before = models.CharField(_("statut avant"), max_length=12, blank=True)
    status_after = models.CharField(_("statut après"), max_length=12)
    starts_before = models.DateTimeField(_("début avant"), null=True, blank=True)
    starts_after = models.DateTimeField(_("début après"), null=True, blank=True)
    by = models.CharField(_("par"), max_length=150)
    channel = models.CharField(_("canal"), max_length=10)
    reason = models.CharField(_("motif"), max_length=250, blank=True)

    class Meta:
        ordering = ["appointment", "id"]
        verbose_name = _("historique du rendez-vous")
        verbose_name_plural = _("historiques des rendez-vous")

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.action} {self.status_before}→{self.status_after}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("the appointment history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("the appointment history is append-only")
