"""Reading the journal, scoped: the Provider sees all, an operator its own records."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.core.scoping import get_scoped, scope


def journal_for(actor: Principal) -> QuerySet[AuditRecord]:
    """Journal records visible to ``actor``, newest first."""
    return scope(AuditRecord.objects.order_by("-id"), actor, operator_field="operator_id")


@dataclass(frozen=True)
class JournalFilter:
    """What an auditor narrows the journal to (SEC-04); empty fields filter nothing.

    ``until`` is exclusive; ``up_to_id`` freezes an export at the head it was verified at.
    """

    operator_id: int | None = None
    person: str = ""
    action: str = ""
    channel: str = ""
    since: datetime | None = None
    until: datetime | None = None
    request_id: str = ""
    ip: str = ""
    up_to_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The filters in use, JSON-ready (for export metadata and the export's audit record)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
            if value not in (None, "") and key != "up_to_id"
        }


def filtered_journal_for(actor: Principal, filters: JournalFilter) -> QuerySet[AuditRecord]:
    """The actor's journal narrowed by ``filters``, newest first.

    Person and request id match exactly (case-insensitive login), action by prefix
    (``accounts.`` → every accounts action).
    """
    queryset = journal_for(actor)
    lookups: dict[str, Any] = {
        "operator_id": filters.operator_id,
        "person_login__iexact": filters.person.strip(),
        "action__startswith": filters.action.strip(),
        "channel": filters.channel,
        "occurred_at__gte": filters.since,
        "occurred_at__lt": filters.until,
        "request_id": filters.request_id.strip(),
        "ip": filters.ip.strip(),
        "id__lte": filters.up_to_id,
    }
    return queryset.filter(
        **{key: value for key, value in lookups.items() if value not in (None, "")}
    )


def journal_entry_for(actor: Principal, pk: int) -> AuditRecord:
    """One journal record within scope, or GEN-404."""
    return get_scoped(AuditRecord.objects.all(), actor, operator_field="operator_id", pk=pk)


def journal_head() -> tuple[int, str] | None:
    """Id and hash of the newest record: anchoring it outside the database detects truncation."""
    return AuditRecord.objects.order_by("-id").values_list("id", "hash").first()
