"""Every change to operators goes through here, in one transaction with its audit record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from guichet.audit.recorder import changes, record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.errors import (
    OPERATOR_DUPLICATE,
    OPERATOR_INVALID,
    OPERATOR_PROVIDER_ONLY,
    OPERATOR_UNKNOWN_FIELD,
)
from guichet.operators.models import CONTACT_FIELDS, LEGAL_IDENTITY_FIELDS, Operator

_EDITABLE = frozenset(LEGAL_IDENTITY_FIELDS + CONTACT_FIELDS)


def _validate(operator: Operator) -> None:
    """Model validation turned into stable codes (duplicates → OPE-002, the rest → OPE-003)."""
    try:
        operator.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field in {"siren", "arcep_code"} and any(
                "existe déjà" in m or "already exists" in m for m in messages
            ):
                value = getattr(operator, field)
                raise GuichetError(OPERATOR_DUPLICATE, field=field, value=value) from exc
        field, messages = next(iter(exc.message_dict.items()))
        raise GuichetError(
            OPERATOR_INVALID, field=field, detail=f"{field} : {messages[0]}"
        ) from exc


def _check_fields(values: dict[str, Any]) -> None:
    for field in values:
        if field not in _EDITABLE:
            raise GuichetError(OPERATOR_UNKNOWN_FIELD, field=field)


@transaction.atomic
def create_operator(*, actor: Principal, **values: Any) -> Operator:
    """Register a new operator (Provider staff only)."""
    if not actor.is_provider:
        raise GuichetError(OPERATOR_PROVIDER_ONLY)
    _check_fields(values)
    operator = Operator(**values)
    _validate(operator)
    operator.save()
    record(actor, "operators.operator.create", target=operator, after=snapshot(operator))
    return operator


@transaction.atomic
def update_operator(*, actor: Principal, operator: Operator, **values: Any) -> Operator:
    """Change an operator's record.

    The Provider may change everything; an operator's own people may change only their
    contacts (security and billing), never the legal identity the contract rests on.
    """
    _check_fields(values)
    if not actor.is_provider:
        forbidden = [field for field in values if field not in CONTACT_FIELDS]
        if forbidden or actor.operator_id != operator.pk:
            raise GuichetError(OPERATOR_PROVIDER_ONLY, field=forbidden[0] if forbidden else None)
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    before = snapshot(operator)
    for field, value in values.items():
        setattr(operator, field, value)
    _validate(operator)
    old, new = changes(before, snapshot(operator))
    if new:
        operator.save()
        record(actor, "operators.operator.update", target=operator, before=old, after=new)
    return operator
