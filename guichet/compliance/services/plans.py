"""Remediation plans (SEC-09): the operator files, the Provider approves or rejects, the
operator marks its actions done."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record
from guichet.compliance import selectors
from guichet.compliance.choices import (
    NON_CONFORMITY_TRANSITIONS,
    PLAN_TRANSITIONS,
    NonConformityStatus,
    PlanStatus,
)
from guichet.compliance.errors import (
    ITEM_INVALID,
    PLAN_FORBIDDEN,
    PLAN_INVALID,
    REJECTION_REASON_REQUIRED,
)
from guichet.compliance.models import NonConformity, RemediationItem, RemediationPlan
from guichet.compliance.services import mail
from guichet.compliance.services.audits import check_transition, require_provider
from guichet.core.context import Principal
from guichet.core.errors import GuichetError

MAX_ITEMS = 50


def _require_answerer(actor: Principal, operator_id: int) -> None:
    if not selectors.may_answer(actor) or actor.operator_id != operator_id:
        raise GuichetError(PLAN_FORBIDDEN)


def _clean_items(items: Iterable[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(items, start=1):
        action = str(item.get("action") or "").strip()
        owner = " ".join(str(item.get("owner") or "").split())
        due_on = item.get("due_on")
        problems = [
            (not action, "décrivez l'action"),
            (not owner, "indiquez le responsable"),
            (len(owner) > 150, "responsable : 150 caractères au plus"),
            (not isinstance(due_on, date), "indiquez l'échéance"),
            (isinstance(due_on, date) and due_on < today, "l'échéance est passée"),
        ]
        for failed, detail in problems:
            if failed:
                raise GuichetError(
                    PLAN_INVALID, field="items", detail=f"action n°{index} : {detail}"
                )
        cleaned.append({"position": index, "action": action, "owner": owner, "due_on": due_on})
    if not cleaned:
        raise GuichetError(PLAN_INVALID, field="items", detail="le plan décrit au moins une action")
    if len(cleaned) > MAX_ITEMS:
        raise GuichetError(
            PLAN_INVALID, field="items", detail=f"{MAX_ITEMS} actions au plus par plan"
        )
    return cleaned


@transaction.atomic
def file_plan(
    *,
    actor: Principal,
    non_conformity: NonConformity,
    items: Iterable[Mapping[str, Any]],
    summary: str = "",
) -> RemediationPlan:
    """Déposer (ou redéposer après un rejet) le plan: measures, owners and deadlines."""
    _require_answerer(actor, non_conformity.operator_id)
    non_conformity = (
        NonConformity.objects.select_for_update()
        .select_related("audit", "operator")
        .get(pk=non_conformity.pk)
    )
    check_transition(
        "La non-conformité",
        non_conformity.status,
        NonConformityStatus.PLAN_SUBMITTED,
        NON_CONFORMITY_TRANSITIONS,
    )
    now = timezone.now()
    cleaned = _clean_items(items, timezone.localdate(now))
    previous = selectors.current_plan(non_conformity)
    plan = RemediationPlan.objects.create(
        non_conformity=non_conformity,
        operator_id=non_conformity.operator_id,
        version=(previous.version + 1) if previous else 1,
        summary=(summary or "").strip(),
        filed_by=actor.login,
        filed_at=now,
    )
    RemediationItem.objects.bulk_create(RemediationItem(plan=plan, **item) for item in cleaned)
    non_conformity.status = NonConformityStatus.PLAN_SUBMITTED
    non_conformity.save(update_fields=["status", "updated_at"])
    late = (
        timezone.localdate(now) > non_conformity.plan_due_on
        if non_conformity.plan_due_on
        else False
    )
    notified = mail.send(
        actor,
        to=mail.provider_side(),
        operator=non_conformity.operator,
        email="plan_filed",
        nc=non_conformity,
        plan=plan,
        items=cleaned,
        due=mail.day(non_conformity.plan_due_on),
        late=late,
        link=mail.link("compliance:backoffice-nc", pk=non_conformity.pk),
    )
    record(
        actor,
        "compliance.remediation_plan.file",
        target=plan,
        after={
            "non_conformity_id": non_conformity.pk,
            "version": plan.version,
            "summary": plan.summary,
            "items": cleaned,
            "filed_after_deadline": late,
            "notified": notified,
        },
    )
    return plan


def _locked_plan(plan: RemediationPlan) -> RemediationPlan:
    return (
        RemediationPlan.objects.select_for_update()
        .select_related("non_conformity__audit", "operator")
        .get(pk=plan.pk)
    )


@transaction.atomic
def approve_plan(*, actor: Principal, plan: RemediationPlan) -> RemediationPlan:
    """Approuver le plan: the operator must now apply it as described (annexe 2 §5)."""
    require_provider(actor)
    plan = _locked_plan(plan)
    check_transition("Le plan", plan.status, PlanStatus.APPROVED, PLAN_TRANSITIONS)
    non_conformity = plan.non_conformity
    check_transition(
        "La non-conformité",
        non_conformity.status,
        NonConformityStatus.PLAN_APPROVED,
        NON_CONFORMITY_TRANSITIONS,
    )
    now = timezone.now()
    plan.status, plan.reviewed_by, plan.reviewed_at = PlanStatus.APPROVED, actor.login, now
    plan.save()
    non_conformity.status = NonConformityStatus.PLAN_APPROVED
    non_conformity.save(update_fields=["status", "updated_at"])
    notified = mail.send(
        actor,
        to=mail.operator_side(actor, plan.operator),
        operator=plan.operator,
        email="plan_approved",
        nc=non_conformity,
        plan=plan,
        items=list(plan.items.order_by("position")),
        link=mail.link("compliance:nc-detail", pk=non_conformity.pk),
    )
    record(
        actor,
        "compliance.remediation_plan.approve",
        target=plan,
        before={"status": PlanStatus.SUBMITTED},
        after={"status": plan.status, "reviewed_at": now, "notified": notified},
    )
    return plan


@transaction.atomic
def reject_plan(*, actor: Principal, plan: RemediationPlan, reason: str) -> RemediationPlan:
    """Rejeter le plan, motif à l'appui: the non-conformity waits for a new plan again."""
    require_provider(actor)
    reason = (reason or "").strip()
    if not reason:
        raise GuichetError(REJECTION_REASON_REQUIRED, field="reason")
    plan = _locked_plan(plan)
    check_transition("Le plan", plan.status, PlanStatus.REJECTED, PLAN_TRANSITIONS)
    non_conformity = plan.non_conformity
    now = timezone.now()
    plan.status, plan.reviewed_by, plan.reviewed_at = PlanStatus.REJECTED, actor.login, now
    plan.rejection_reason = reason
    plan.save()
    non_conformity.status = NonConformityStatus.NOTIFIED
    non_conformity.save(update_fields=["status", "updated_at"])
    notified = mail.send(
        actor,
        to=mail.operator_side(actor, plan.operator),
        operator=plan.operator,
        email="plan_rejected",
        nc=non_conformity,
        plan=plan,
        due=mail.day(non_conformity.plan_due_on),
        overdue=timezone.localdate(now) > non_conformity.plan_due_on,
        link=mail.link("compliance:nc-detail", pk=non_conformity.pk),
    )
    record(
        actor,
        "compliance.remediation_plan.reject",
        target=plan,
        before={"status": PlanStatus.SUBMITTED},
        after={"status": plan.status, "rejection_reason": reason, "notified": notified},
    )
    return plan


@transaction.atomic
def complete_items(
    *, actor: Principal, plan: RemediationPlan, positions: Iterable[int]
) -> RemediationPlan:
    """Mark actions of an approved plan done (the operator's people who answer the audit)."""
    _require_answerer(actor, plan.operator_id)
    plan = _locked_plan(plan)
    wanted = sorted(set(positions))
    if not wanted:
        raise GuichetError(PLAN_INVALID, field="items", detail="choisissez au moins une action")
    if plan.status != PlanStatus.APPROVED:
        raise GuichetError(
            ITEM_INVALID,
            position=wanted[0],
            detail="seules les actions d'un plan approuvé se marquent faites",
        )
    items = {item.position: item for item in plan.items.all()}
    now = timezone.now()
    done = []
    for position in wanted:
        item = items.get(position)
        if item is None:
            raise GuichetError(ITEM_INVALID, position=position, detail="action inconnue")
        if item.done_at is not None:
            raise GuichetError(ITEM_INVALID, position=position, detail="action déjà faite")
        item.done_at, item.done_by = now, actor.login
        item.save(update_fields=["done_at", "done_by"])
        done.append(
            {"position": position, "done_at": now, "late": item.due_on < timezone.localdate(now)}
        )
    record(
        actor,
        "compliance.remediation_plan.progress",
        target=plan,
        after={"items": done},
    )
    return plan
