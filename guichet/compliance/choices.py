"""Statuses of audits, non-conformities and remediation plans, with their transition maps (SEC-09)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    CLOSED = "closed", _("Clos")


AUDIT_TRANSITIONS: dict[str, frozenset[str]] = {
    AuditStatus.OPEN: frozenset({AuditStatus.CLOSED}),
    AuditStatus.CLOSED: frozenset(),
}


class AuditorKind(models.TextChoices):
    """Annexe 2 §5: « Orange ou un tiers de son choix agréé par l'Opérateur »."""

    ORANGE = "orange", _("Orange")
    THIRD_PARTY = "third_party", _("Tiers choisi par Orange, agréé par l'opérateur")


class Severity(models.TextChoices):
    MINOR = "minor", _("Mineure")
    MAJOR = "major", _("Majeure")
    CRITICAL = "critical", _("Critique")


class Requirement(models.TextChoices):
    """The Annex 2 section whose commitment the non-conformity breaches."""

    ACCESS_CONTROL = "A2-2", _("Annexe 2 §2 — Contrôle d'accès")
    OPERATIONS = "A2-3", _("Annexe 2 §3 — Gestion de l'exploitation des Ressources")
    INCIDENTS = "A2-4", _("Annexe 2 §4 — Gestion des incidents de sécurité")
    AUDIT_LOGGING = "A2-5", _("Annexe 2 §5 — Droit d'audit et de journalisation")
    SUBCONTRACTING = "A2-6", _("Annexe 2 §6 — Sous-traitance")
    INFORMATION = "A2-7", _("Annexe 2 §7 — Information")


class NonConformityStatus(models.TextChoices):
    DRAFT = "draft", _("À notifier")
    NOTIFIED = "notified", _("Notifiée — plan attendu")
    PLAN_SUBMITTED = "plan_submitted", _("Plan déposé — en examen")
    PLAN_APPROVED = "plan_approved", _("Plan approuvé — en application")
    RESOLVED = "resolved", _("Levée")


NON_CONFORMITY_TRANSITIONS: dict[str, frozenset[str]] = {
    NonConformityStatus.DRAFT: frozenset({NonConformityStatus.NOTIFIED}),
    NonConformityStatus.NOTIFIED: frozenset({NonConformityStatus.PLAN_SUBMITTED}),
    # A rejected plan sends the non-conformity back to « plan attendu »: it is refiled.
    NonConformityStatus.PLAN_SUBMITTED: frozenset(
        {NonConformityStatus.PLAN_APPROVED, NonConformityStatus.NOTIFIED}
    ),
    NonConformityStatus.PLAN_APPROVED: frozenset({NonConformityStatus.RESOLVED}),
    NonConformityStatus.RESOLVED: frozenset(),
}


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Déposé — en examen")
    APPROVED = "approved", _("Approuvé")
    REJECTED = "rejected", _("Rejeté")


PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.SUBMITTED: frozenset({PlanStatus.APPROVED, PlanStatus.REJECTED}),
    PlanStatus.APPROVED: frozenset(),
    PlanStatus.REJECTED: frozenset(),
}
