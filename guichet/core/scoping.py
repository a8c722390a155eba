"""Operator scoping: the one filter every selector applies ("restrict, then verify")."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError

M = TypeVar("M", bound=Model)


def scope(
    queryset: QuerySet[M], actor: Principal, *, operator_field: str = "operator"
) -> QuerySet[M]:
    """Restrict ``queryset`` to what ``actor`` may see.

    Provider staff see everything; an operator's people and systems see only rows
    whose ``operator_field`` is their operator; anyone else sees nothing.
    """
    if actor.is_provider:
        return queryset
    if actor.operator_id is None:
        return queryset.none()
    return queryset.filter(**{operator_field: actor.operator_id})


def get_scoped(
    queryset: QuerySet[M], actor: Principal, *, operator_field: str = "operator", **lookup: object
) -> M:
    """One object within the actor's scope, or GEN-404 — never a hint that it exists elsewhere."""
    try:
        return scope(queryset, actor, operator_field=operator_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise GuichetError(NOT_FOUND) from exc
