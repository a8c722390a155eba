"""Every read of audits, non-conformities and plans, scoped to the caller (SEC-09)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from guichet.compliance.choices import NonConformityStatus, PlanStatus
from guichet.compliance.models import (
    NonConformity,
    RemediationItem,
    RemediationPlan,
    SecurityAudit,
)
from guichet.core.context import Principal
from guichet.core.scoping import get_scoped, scope
from guichet.operators.selectors import may_handle_incidents

JOURNAL_READ = "journal:read"


def may_answer(actor: Principal) -> bool:
    """Who files plans and marks actions done: an operator's administrator or ``security:declare``."""
    return actor.is_operator and may_handle_incidents(actor)


def may_read(actor: Principal) -> bool:
    """Provider staff; an operator's security people; readers of its journal (which holds
    every audit record anyway)."""
    return may_handle_incidents(actor) or (actor.is_operator and actor.has_right(JOURNAL_READ))


def today() -> date:
    return timezone.localdate()


def _late_items(day: date) -> QuerySet[RemediationItem]:
    return RemediationItem.objects.filter(
        plan__status=PlanStatus.APPROVED, done_at__isnull=True, due_on__lt=day
    )


def _in_default(day: date) -> Q:
    """A non-conformity whose plan is missing after its deadline, or whose approved plan is late."""
    late_item = _late_items(day).filter(plan__non_conformity=OuterRef("pk"))
    return Q(status=NonConformityStatus.NOTIFIED, plan_due_on__lt=day) | Q(
        Exists(late_item), status=NonConformityStatus.PLAN_APPROVED
    )


def non_conformities_for(
    actor: Principal,
    *,
    status: str = "",
    operator_id: int | None = None,
    audit_id: int | None = None,
    late: bool | None = None,
) -> QuerySet[NonConformity]:
    """Non-conformities within scope; an operator sees only those notified to it."""
    if not may_read(actor):
        return NonConformity.objects.none()
    queryset = scope(NonConformity.objects.select_related("audit", "operator"), actor)
    if not actor.is_provider:
        queryset = queryset.exclude(status=NonConformityStatus.DRAFT)
    if status in NonConformityStatus.values:
        queryset = queryset.filter(status=status)
    if operator_id is not None:
        queryset = queryset.filter(operator_id=operator_id)
    if audit_id is not None:
        queryset = queryset.filter(audit_id=audit_id)
    if late is not None:
        in_default = _in_default(today())
        queryset = queryset.filter(in_default) if late else queryset.exclude(in_default)
    return queryset.order_by("-audit__performed_on", "audit_id", "number")


def non_conformity_for(actor: Principal, pk: int) -> NonConformity:
    """One non-conformity within scope, or GEN-404."""
    return get_scoped(non_conformities_for(actor), actor, pk=pk)


def audits_for(
    actor: Principal,
    *,
    status: str = "",
    operator_id: int | None = None,
    late: bool | None = None,
) -> QuerySet[SecurityAudit]:
    """Audits within scope (Provider: all; an operator's security people: its own), newest first."""
    if not may_read(actor):
        return SecurityAudit.objects.none()
    queryset = scope(SecurityAudit.objects.select_related("operator"), actor)
    if status:
        queryset = queryset.filter(status=status)
    if operator_id is not None:
        queryset = queryset.filter(operator_id=operator_id)
    if late is not None:
        late_ones = NonConformity.objects.filter(_in_default(today()), audit=OuterRef("pk"))
        queryset = queryset.filter(Exists(late_ones) if late else ~Exists(late_ones))
    return queryset.order_by("-performed_on", "-id")


def audit_for(actor: Principal, pk: int) -> SecurityAudit:
    """One audit within scope, or GEN-404."""
    return get_scoped(audits_for(actor), actor, pk=pk)


def plans_for(
    actor: Principal, *, status: str = "", non_conformity_id: int | None = None
) -> QuerySet[RemediationPlan]:
    """Remediation plans within scope, every version, newest first."""
    if not may_read(actor):
        return RemediationPlan.objects.none()
    queryset = scope(
        RemediationPlan.objects.select_related("non_conformity__audit", "operator"), actor
    ).prefetch_related("items")
    if status in PlanStatus.values:
        queryset = queryset.filter(status=status)
    if non_conformity_id is not None:
        queryset = queryset.filter(non_conformity_id=non_conformity_id)
    return queryset.order_by("-filed_at", "-id")


def plan_for(actor: Principal, pk: int) -> RemediationPlan:
    """One plan within scope, or GEN-404."""
    return get_scoped(plans_for(actor), actor, pk=pk)


def current_plan(non_conformity: NonConformity) -> RemediationPlan | None:
    """The latest version of the plan of a non-conformity (already scoped by the caller)."""
    return non_conformity.plans.order_by("-version").prefetch_related("items").first()


def is_in_default(non_conformity: NonConformity, day: date | None = None) -> bool:
    """Plan missing after its deadline, or an approved plan with an action past due."""
    day = day or today()
    if non_conformity.plan_missing_after_deadline(day):
        return True
    return (
        non_conformity.status == NonConformityStatus.PLAN_APPROVED
        and _late_items(day).filter(plan__non_conformity=non_conformity).exists()
    )


# The deadline sweep (system principal) ----------------------------------------------


def due_for_reminder(day: date, *, reminder_days: int) -> QuerySet[NonConformity]:
    """Plans still expected whose deadline is within ``reminder_days`` and not past."""
    return NonConformity.objects.select_related("operator", "audit").filter(
        status=NonConformityStatus.NOTIFIED,
        reminder_sent_at__isnull=True,
        plan_due_on__gte=day,
        plan_due_on__lte=day + timedelta(days=reminder_days),
    )


def plans_missing(day: date) -> QuerySet[NonConformity]:
    """Plans missing after their deadline, not yet flagged."""
    return NonConformity.objects.select_related("operator", "audit").filter(
        status=NonConformityStatus.NOTIFIED, plan_due_on__lt=day, plan_late_flagged_at__isnull=True
    )


def items_newly_late(day: date) -> QuerySet[RemediationItem]:
    """Actions of approved plans past their due date, not yet flagged."""
    return (
        _late_items(day)
        .filter(late_flagged_at__isnull=True)
        .select_related("plan__non_conformity__audit", "plan__operator")
        .order_by("plan_id", "position")
    )
