"""Every change to audits, non-conformities and plans goes through here (SEC-09)."""

from guichet.compliance.services.audits import (
    PLAN_DAYS,
    add_non_conformity,
    close_audit,
    notify_non_conformity,
    plan_due_on,
    record_audit,
    resolve_non_conformity,
    suspend_for_non_conformity,
)
from guichet.compliance.services.deadlines import sweep_deadlines
from guichet.compliance.services.plans import (
    approve_plan,
    complete_items,
    file_plan,
    reject_plan,
)

__all__ = [
    "PLAN_DAYS",
    "add_non_conformity",
    "approve_plan",
    "close_audit",
    "complete_items",
    "file_plan",
    "notify_non_conformity",
    "plan_due_on",
    "record_audit",
    "reject_plan",
    "resolve_non_conformity",
    "suspend_for_non_conformity",
    "sweep_deadlines",
]
