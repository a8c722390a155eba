"""Provider side of SEC-09: record audits and non-conformities, notify, resolve, close, suspend."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from guichet.audit.recorder import record, snapshot
from guichet.compliance import selectors
from guichet.compliance.choices import (
    AUDIT_TRANSITIONS,
    NON_CONFORMITY_TRANSITIONS,
    AuditorKind,
    AuditStatus,
    NonConformityStatus,
    PlanStatus,
    Requirement,
    Severity,
)
from guichet.compliance.errors import (
    AUDIT_INVALID,
    ITEM_INVALID,
    NO_SECURITY_CONTACT,
    NON_CONFORMITY_INVALID,
    NOT_IN_DEFAULT,
    PROVIDER_ONLY,
    TRANSITION,
)
from guichet.compliance.models import NonConformity, SecurityAudit
from guichet.compliance.services import mail
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator, Suspension
from guichet.operators.services import suspend_operator

# Annexe 2 §5: « dans un délai de 10 jours à compter de la notification ». Plain days: the
# contract says « Jours Ouvrés » / « Jours et Heures Ouvrables » when it means business days.
PLAN_DAYS = 10


def plan_due_on(notified_on: date) -> date:
    """The last day to file the plan: the notification day does not count (10 full days)."""
    return notified_on + timedelta(days=PLAN_DAYS)


def require_provider(actor: Principal) -> None:
    if not actor.is_provider:
        raise GuichetError(PROVIDER_ONLY)


def check_transition(
    what: str, current: Any, target: Any, transitions: dict[str, frozenset[str]]
) -> None:
    """Refuse a move the transition map does not allow (SEC-094)."""
    if target not in transitions[current]:
        raise GuichetError(
            TRANSITION,
            what=what,
            status=mail.fr(_label(current)),
            target=mail.fr(_label(target)),
        )


def _label(value: Any) -> Any:
    for choices in (AuditStatus, NonConformityStatus, PlanStatus):
        if value in choices.values:
            return choices(value).label
    return value


def _text(value: str | None) -> str:
    return (value or "").strip()


@transaction.atomic
def record_audit(
    *,
    actor: Principal,
    operator: Operator | None,
    performed_on: date | None,
    scope: str,
    auditor: str,
    auditor_kind: str,
    findings: str = "",
) -> SecurityAudit:
    """Enregistrer un audit (annexe 2 §5): date, périmètre, auditeur, constats."""
    require_provider(actor)
    scope, auditor, findings = _text(scope), " ".join(_text(auditor).split()), _text(findings)
    problems = [
        ("operator", operator is None, "choisissez l'opérateur audité"),
        ("performed_on", performed_on is None, "la date de l'audit est obligatoire"),
        (
            "performed_on",
            performed_on is not None and performed_on > timezone.localdate(),
            "la date de l'audit est dans le futur",
        ),
        ("scope", not scope, "le périmètre est obligatoire"),
        ("auditor", not auditor, "l'auditeur est obligatoire"),
        ("auditor", len(auditor) > 200, "auditeur : 200 caractères au plus"),
        ("auditor_kind", auditor_kind not in AuditorKind.values, "choisissez le type d'auditeur"),
    ]
    for field, failed, detail in problems:
        if failed:
            raise GuichetError(AUDIT_INVALID, field=field, detail=detail)
    assert operator is not None
    audit = SecurityAudit.objects.create(
        operator=Operator.objects.get(pk=operator.pk),
        performed_on=performed_on,
        scope=scope,
        auditor=auditor,
        auditor_kind=auditor_kind,
        findings=findings,
        recorded_by=actor.login,
    )
    record(actor, "compliance.audit.create", target=audit, after=snapshot(audit))
    return audit


@transaction.atomic
def add_non_conformity(
    *, actor: Principal, audit: SecurityAudit, description: str, severity: str, requirement: str
) -> NonConformity:
    """Add a non-conformity to an open audit; it reaches the operator only when notified."""
    require_provider(actor)
    audit = SecurityAudit.objects.select_for_update().get(pk=audit.pk)
    if audit.status != AuditStatus.OPEN:
        raise GuichetError(
            TRANSITION,
            what="L'audit",
            status=mail.fr(audit.get_status_display()),
            target=mail.fr("non-conformité ajoutée"),
        )
    description = _text(description)
    problems = [
        ("description", not description, "la description est obligatoire"),
        ("severity", severity not in Severity.values, "choisissez une gravité"),
        (
            "requirement",
            requirement not in Requirement.values,
            "choisissez l'exigence de l'annexe 2 concernée",
        ),
    ]
    for field, failed, detail in problems:
        if failed:
            raise GuichetError(NON_CONFORMITY_INVALID, field=field, detail=detail)
    last = audit.non_conformities.aggregate(last=Max("number"))["last"] or 0
    non_conformity = NonConformity.objects.create(
        audit=audit,
        operator_id=audit.operator_id,
        number=last + 1,
        description=description,
        severity=severity,
        requirement=requirement,
    )
    record(
        actor,
        "compliance.non_conformity.create",
        target=non_conformity,
        after=snapshot(non_conformity),
    )
    return non_conformity


def _locked(non_conformity: NonConformity) -> NonConformity:
    return (
        NonConformity.objects.select_for_update()
        .select_related("audit", "operator")
        .get(pk=non_conformity.pk)
    )


@transaction.atomic
def notify_non_conformity(*, actor: Principal, non_conformity: NonConformity) -> NonConformity:
    """Notifier: the operator's security contact and admins are emailed; the 10 days start."""
    require_provider(actor)
    non_conformity = _locked(non_conformity)
    check_transition(
        "La non-conformité",
        non_conformity.status,
        NonConformityStatus.NOTIFIED,
        NON_CONFORMITY_TRANSITIONS,
    )
    operator = non_conformity.operator
    if not operator.security_contact_email:
        raise GuichetError(NO_SECURITY_CONTACT, operator=operator.arcep_code)
    now = timezone.now()
    non_conformity.status = NonConformityStatus.NOTIFIED
    non_conformity.notified_at, non_conformity.notified_by = now, actor.login
    non_conformity.plan_due_on = plan_due_on(timezone.localdate(now))
    non_conformity.save()
    notified = mail.send(
        actor,
        to=mail.operator_side(actor, operator),
        operator=operator,
        email="notified",
        nc=non_conformity,
        severity=mail.fr(non_conformity.get_severity_display()),
        requirement=mail.fr(non_conformity.get_requirement_display()),
        audit_day=mail.day(non_conformity.audit.performed_on),
        due=mail.day(non_conformity.plan_due_on),
        link=mail.link("compliance:nc-detail", pk=non_conformity.pk),
    )
    record(
        actor,
        "compliance.non_conformity.notify",
        target=non_conformity,
        before={"status": NonConformityStatus.DRAFT},
        after={
            "status": non_conformity.status,
            "notified_at": now,
            "plan_due_on": non_conformity.plan_due_on,
            "notified": notified,
        },
    )
    return non_conformity


@transaction.atomic
def resolve_non_conformity(*, actor: Principal, non_conformity: NonConformity) -> NonConformity:
    """Lever la non-conformité once every action of the approved plan is done."""
    require_provider(actor)
    non_conformity = _locked(non_conformity)
    check_transition(
        "La non-conformité",
        non_conformity.status,
        NonConformityStatus.RESOLVED,
        NON_CONFORMITY_TRANSITIONS,
    )
    plan = non_conformity.plans.get(status=PlanStatus.APPROVED)
    pending = plan.items.filter(done_at__isnull=True).order_by("position").first()
    if pending is not None:
        raise GuichetError(
            ITEM_INVALID,
            position=pending.position,
            detail="pas encore faite : la non-conformité se lève quand toutes les actions sont faites",
        )
    now = timezone.now()
    non_conformity.status, non_conformity.resolved_at = NonConformityStatus.RESOLVED, now
    non_conformity.save()
    notified = mail.send(
        actor,
        to=mail.operator_side(actor, non_conformity.operator),
        operator=non_conformity.operator,
        email="resolved",
        nc=non_conformity,
        link=mail.link("compliance:nc-detail", pk=non_conformity.pk),
    )
    record(
        actor,
        "compliance.non_conformity.resolve",
        target=non_conformity,
        before={"status": NonConformityStatus.PLAN_APPROVED},
        after={"status": non_conformity.status, "resolved_at": now, "notified": notified},
    )
    return non_conformity


@transaction.atomic
def close_audit(*, actor: Principal, audit: SecurityAudit) -> SecurityAudit:
    """Clore l'audit: every non-conformity is lifted (or there was none)."""
    require_provider(actor)
    audit = SecurityAudit.objects.select_for_update().get(pk=audit.pk)
    check_transition("L'audit", audit.status, AuditStatus.CLOSED, AUDIT_TRANSITIONS)
    pending = audit.non_conformities.exclude(status=NonConformityStatus.RESOLVED).first()
    if pending is not None:
        raise GuichetError(
            TRANSITION,
            what=f"La non-conformité n°{pending.number}",
            status=mail.fr(pending.get_status_display()),
            target=mail.fr("audit clos"),
        )
    audit.status, audit.closed_at = AuditStatus.CLOSED, timezone.now()
    audit.save()
    record(
        actor,
        "compliance.audit.close",
        target=audit,
        before={"status": AuditStatus.OPEN},
        after={"status": audit.status, "closed_at": audit.closed_at},
    )
    return audit


@transaction.atomic
def suspend_for_non_conformity(
    *, actor: Principal, non_conformity: NonConformity, reason: str
) -> Suspension:
    """« A défaut, le Fournisseur pourra suspendre sans préavis » (annexe 2 §5): open only when
    the operator is in default; the suspension itself is SEC-08's, its reason cites the audit."""
    require_provider(actor)
    non_conformity = _locked(non_conformity)
    if not selectors.is_in_default(non_conformity):
        raise GuichetError(NOT_IN_DEFAULT, due=mail.day(non_conformity.plan_due_on))
    reason = _text(reason)
    audit = non_conformity.audit
    reference = (
        f"Audit de sécurité du {mail.day(audit.performed_on)} (n°{audit.pk}), "
        f"non-conformité n°{non_conformity.number} : "
        + (
            "plan de remise en conformité non déposé dans les 10 jours (annexe 2 §5)"
            if non_conformity.status == NonConformityStatus.NOTIFIED
            else "plan de remise en conformité approuvé non appliqué (annexe 2 §5)"
        )
    )
    suspension = suspend_operator(
        actor=actor,
        operator=non_conformity.operator,
        reason=f"{reference}. {reason}" if reason else reference,
    )
    non_conformity.suspension = suspension
    non_conformity.save(update_fields=["suspension", "updated_at"])
    record(
        actor,
        "compliance.non_conformity.suspend",
        target=non_conformity,
        after={"suspension_id": suspension.pk, "reason": suspension.reason},
    )
    return suspension
