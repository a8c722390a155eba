"""Reading the journal, scoped: the Provider sees all, an operator its own records."""

from __future__ import annotations

from django.db.models import QuerySet

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.core.scoping import scope


def journal_for(actor: Principal) -> QuerySet[AuditRecord]:
    """Journal records visible to ``actor``, newest first."""
    return scope(AuditRecord.objects.order_by("-id"), actor, operator_field="operator_id")
