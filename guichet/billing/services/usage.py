"""Billable acts of the e-services (per-use fees, BIL-01); the e-services call this."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from guichet.audit.recorder import record
from guichet.billing import selectors
from guichet.billing.errors import USAGE_INVALID
from guichet.billing.models import UsageRecord
from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.operators.models import Operator


def record_usage(
    *,
    actor: Principal,
    operator: Operator,
    service_code: str,
    quantity: int = 1,
    reference: str,
    occurred_on: date | None = None,
) -> UsageRecord:
    """Count ``quantity`` acts of ``service_code`` for ``operator``, once per ``reference``.

    Idempotent: the same reference again returns the first record (a retried call is never
    billed twice). An operator's principal may only record its own acts.
    """
    if not actor.is_provider and actor.operator_id != operator.pk:
        raise GuichetError(NOT_FOUND)
    service = selectors.service_by_code(service_code)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise GuichetError(USAGE_INVALID, field="quantity", detail=f"quantity : {quantity!r}")
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise GuichetError(
            USAGE_INVALID, field="reference", detail="reference : 1 à 100 caractères"
        )
    today = timezone.localdate()
    day = occurred_on or today
    if day > today:
        raise GuichetError(USAGE_INVALID, field="occurred_on", detail=f"occurred_on : {day}")
    # Checks first, outside the transaction: a refusal leaves the caller's transaction usable.
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic():
                usage = UsageRecord.objects.create(
                    operator=operator,
                    service=service,
                    quantity=quantity,
                    reference=reference,
                    occurred_on=day,
                )
        except IntegrityError:
            # The same reference again (a retry, or a concurrent call that won): the first one.
            return UsageRecord.objects.get(operator=operator, service=service, reference=reference)
        record(
            actor,
            "billing.usage.record",
            target=usage,
            after={
                "operator_id": operator.pk,
                "service": service.code,
                "quantity": quantity,
                "reference": reference,
                "occurred_on": day.isoformat(),
            },
        )
    return usage
