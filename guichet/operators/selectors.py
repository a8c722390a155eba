"""Every read of operators, scoped to the caller."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from guichet.core.context import Principal
from guichet.core.scoping import get_scoped, scope
from guichet.operators.models import Operator, Subscription


def operators_for(actor: Principal) -> QuerySet[Operator]:
    """The operators ``actor`` may see: all for the Provider, its own for an operator."""
    return scope(Operator.objects.all(), actor, operator_field="pk")


def operator_for(actor: Principal, pk: int) -> Operator:
    """One operator within scope, or GEN-404."""
    return get_scoped(Operator.objects.all(), actor, operator_field="pk", pk=pk)


def active_subscriptions_for(actor: Principal, *, on: date | None = None) -> QuerySet[Subscription]:
    """The subscriptions in force on ``on`` (today by default) within the caller's scope."""
    day = on or timezone.localdate()
    return (
        scope(Subscription.objects.select_related("service", "operator"), actor)
        .filter(activated_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
    )
