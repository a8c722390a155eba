"""Writing and checking the journal. Services call :func:`record` inside their transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal

GENESIS = "0" * 64
# Any constant: serialises appenders on PostgreSQL so the chain never forks.
_PG_LOCK_KEY = 0x6A6F75726E616C
_NEVER_SNAPSHOT = {"password"}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The JSON-safe state of a model instance, for ``before``/``after``."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _NEVER_SNAPSHOT or (fields is not None and field.name not in fields):
            continue
        data[field.attname] = field.value_from_object(instance)
    return _jsonable(data)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value changed, as (before, after)."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _digest(record: AuditRecord) -> str:
    occurred = record.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = [
        occurred,
        record.person_id,
        record.person_login,
        record.operator_id,
        record.operator_code,
        record.credential,
        record.action,
        record.object_type,
        record.object_id,
        record.before,
        record.after,
        record.channel,
        record.ip,
        record.request_id,
        record.prev_hash,
    ]
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    actor: Principal,
    action: str,
    *,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record for ``actor`` doing ``action`` (e.g. ``operators.operator.update``).

    Call it inside the service's transaction: the record commits or rolls back with the change.
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
    # Part of the caller's transaction (no savepoint of its own: a failure fails the change).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
        entry = AuditRecord(
            occurred_at=timezone.now().astimezone(UTC),
            person_id=actor.person_id,
            person_login=actor.login,
            operator_id=actor.operator_id,
            operator_code=actor.operator_code,
            credential=actor.credential,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=_jsonable(before),
            after=_jsonable(after),
            channel=actor.channel,
            ip=actor.ip,
            request_id=actor.request_id,
            prev_hash=last or GENESIS,
        )
        entry.hash = _digest(entry)
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainProblem:
    """One break in the journal's hash chain."""

    record_id: int
    kind: str  # "modified" or "missing_before"
    message: str


def verify(*, chunk_size: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole journal; return the number of records checked and every break found."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    count = 0
    for entry in AuditRecord.objects.order_by("id").iterator(chunk_size=chunk_size):
        count += 1
        if entry.prev_hash != expected_prev:
            problems.append(
                ChainProblem(
                    entry.pk,
                    "missing_before",
                    f"record #{entry.pk}: the record before it was removed or its link altered",
                )
            )
        if _digest(entry) != entry.hash:
            problems.append(
                ChainProblem(entry.pk, "modified", f"record #{entry.pk}: content was modified")
            )
        expected_prev = entry.hash
    return count, problems


def last_record_at() -> datetime | None:
    return AuditRecord.objects.order_by("-id").values_list("occurred_at", flat=True).first()
