"""The daily sweep of SEC-09 deadlines: remind before the plan is due, flag what is late.

Idempotent: each reminder and each lateness is sent once (a timestamp marks it).
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record
from guichet.compliance import selectors
from guichet.compliance.services import mail
from guichet.core.context import Principal


def reminder_days() -> int:
    return int(getattr(settings, "GUICHET_AUDIT_REMINDER_DAYS", 3))


def sweep_deadlines(*, today: date | None = None) -> dict[str, int]:
    """Remind, flag missing plans and late actions; every step is journaled by ``audit-deadlines``."""
    actor = Principal.system("audit-deadlines")
    day = today or timezone.localdate()
    counts = {"reminded": 0, "plans_late": 0, "items_late": 0}
    for non_conformity in selectors.due_for_reminder(day, reminder_days=reminder_days()):
        with transaction.atomic():
            non_conformity.reminder_sent_at = timezone.now()
            non_conformity.save(update_fields=["reminder_sent_at", "updated_at"])
            notified = mail.send(
                actor,
                to=mail.operator_side(actor, non_conformity.operator),
                operator=non_conformity.operator,
                email="plan_reminder",
                nc=non_conformity,
                due=mail.day(non_conformity.plan_due_on),
                days_left=(non_conformity.plan_due_on - day).days,
                link=mail.link("compliance:nc-detail", pk=non_conformity.pk),
            )
            record(
                actor,
                "compliance.non_conformity.remind",
                target=non_conformity,
                after={"plan_due_on": non_conformity.plan_due_on, "notified": notified},
            )
        counts["reminded"] += 1
    for non_conformity in selectors.plans_missing(day):
        with transaction.atomic():
            non_conformity.plan_late_flagged_at = timezone.now()
            non_conformity.save(update_fields=["plan_late_flagged_at", "updated_at"])
            context = {
                "nc": non_conformity,
                "due": mail.day(non_conformity.plan_due_on),
                "days_late": (day - non_conformity.plan_due_on).days,
            }
            notified = mail.send(
                actor,
                to=mail.operator_side(actor, non_conformity.operator),
                operator=non_conformity.operator,
                email="plan_late",
                link=mail.link("compliance:nc-detail", pk=non_conformity.pk),
                **context,
            ) + mail.send(
                actor,
                to=mail.provider_side(),
                operator=non_conformity.operator,
                email="plan_late_provider",
                link=mail.link("compliance:backoffice-nc", pk=non_conformity.pk),
                **context,
            )
            record(
                actor,
                "compliance.non_conformity.plan_late",
                target=non_conformity,
                after={
                    "plan_due_on": non_conformity.plan_due_on,
                    "days_late": context["days_late"],
                    "notified": notified,
                },
            )
        counts["plans_late"] += 1
    for _plan_id, group in groupby(selectors.items_newly_late(day), key=lambda i: i.plan_id):
        items = list(group)
        plan = items[0].plan
        non_conformity = plan.non_conformity
        with transaction.atomic():
            now = timezone.now()
            for item in items:
                item.late_flagged_at = now
                item.save(update_fields=["late_flagged_at"])
            context = {"nc": non_conformity, "plan": plan, "late_items": items}
            notified = mail.send(
                actor,
                to=mail.operator_side(actor, plan.operator),
                operator=plan.operator,
                email="items_late",
                link=mail.link("compliance:nc-detail", pk=non_conformity.pk),
                **context,
            ) + mail.send(
                actor,
                to=mail.provider_side(),
                operator=plan.operator,
                email="items_late_provider",
                link=mail.link("compliance:backoffice-nc", pk=non_conformity.pk),
                **context,
            )
            record(
                actor,
                "compliance.remediation_plan.items_late",
                target=plan,
                after={
                    "items": [{"position": i.position, "due_on": i.due_on} for i in items],
                    "notified": notified,
                },
            )
        counts["items_late"] += len(items)
    return counts
