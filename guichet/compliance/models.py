"""Security audits of operators and their follow-up (SEC-09, annexe 2 §5)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.compliance.choices import (
    AuditorKind,
    AuditStatus,
    NonConformityStatus,
    PlanStatus,
    Requirement,
    Severity,
)
from guichet.core.models import TimeStampedModel


class SecurityAudit(TimeStampedModel):
    """Audit des Ressources de l'Opérateur (annexe 2 §5), recorded by the Provider's staff."""

    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="security_audits"
    )
    performed_on = models.DateField(_("date de l'audit"))
    scope = models.TextField(_("périmètre"))
    auditor = models.CharField(_("auditeur"), max_length=200)
    auditor_kind = models.CharField(
        _("type d'auditeur"), max_length=12, choices=AuditorKind.choices
    )
    findings = models.TextField(_("constats"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=AuditStatus.choices, default=AuditStatus.OPEN
    )
    recorded_by = models.CharField(_("enregistré par"), max_length=150)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        ordering = ["-performed_on", "-id"]
        verbose_name = _("audit de sécurité")
        verbose_name_plural = _("audits de sécurité")

    def __str__(self) -> str:
        return f"{self.operator} — {self.performed_on:%d/%m/%Y}"


class NonConformity(TimeStampedModel):
    """Non-conformité found by an audit; once notified, the operator owes a plan within 10 days."""

    audit = models.ForeignKey(
        SecurityAudit, on_delete=models.PROTECT, related_name="non_conformities"
    )
    # Copied from the audit so that scoping is one filter, like every other resource.
    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="non_conformities"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    description = models.TextField(_("description"))
    severity = models.CharField(_("gravité"), max_length=10, choices=Severity.choices)
    requirement = models.CharField(
        _("exigence de l'annexe 2"), max_length=5, choices=Requirement.choices
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=NonConformityStatus.choices,
        default=NonConformityStatus.DRAFT,
    )
    notified_at = models.DateTimeField(_("notifiée le"), null=True, blank=True)
    notified_by = models.CharField(_("notifiée par"), max_length=150, blank=True)
    plan_due_on = models.DateField(_("plan attendu au plus tard le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    plan_late_flagged_at = models.DateTimeField(
        _("retard du plan signalé le"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("levée le"), null=True, blank=True)
    suspension = models.ForeignKey(
        "operators.Suspension",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suspension décidée depuis l'audit"),
    )

    class Meta:
        ordering = ["audit", "number"]
        verbose_name = _("non-conformité")
        verbose_name_plural = _("non-conformités")
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="nonconformity_number"),
        ]

    def __str__(self) -> str:
        return f"{self.audit} — n°{self.number}"

    def plan_missing_after_deadline(self, today: date) -> bool:
        """No plan under review nor approved, and the 10 days are over."""
        return (
            self.status == NonConformityStatus.NOTIFIED
            and self.plan_due_on is not None
            and today > self.plan_due_on
        )


class RemediationPlan(TimeStampedModel):
    """Plan de remise en conformité: measures and their deadlines; refiled as a new version."""

    non_conformity = models.ForeignKey(
        NonConformity, on_delete=models.PROTECT, related_name="plans"
    )
    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="remediation_plans"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    summary = models.TextField(_("présentation du plan"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED
    )
    filed_by = models.CharField(_("déposé par"), max_length=150)
    filed_at = models.DateTimeField(_("déposé le"))
    reviewed_by = models.CharField(_("examiné par"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    rejection_reason = models.TextField(_("motif du rejet"), blank=True)

    class Meta:
        ordering = ["non_conformity", "-version"]
        verbose_name = _("plan de remise en conformité")
        verbose_name_plural = _("plans de remise en conformité")
        constraints = [
            models.UniqueConstraint(fields=["non_conformity", "version"], name="plan_version"),
        ]

    def __str__(self) -> str:
        return f"{self.non_conformity} — plan v{self.version}"


class RemediationItem(models.Model):
    """One measure of a plan: the action, who carries it, by when; then done (or late)."""

    plan = models.ForeignKey(RemediationPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("numéro"))
    action = models.TextField(_("action"))
    owner = models.CharField(_("responsable"), max_length=150)
    due_on = models.DateField(_("échéance"))
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    done_by = models.CharField(_("faite par"), max_length=150, blank=True)
    late_flagged_at = models.DateTimeField(_("retard signalé le"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("action du plan")
        verbose_name_plural = _("actions du plan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — action {self.position}"

    def is_late(self, today: date) -> bool:
        return self.done_at is None and today > self.due_on
