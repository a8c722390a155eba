"""Reads of the identifier life cycle, scoped to the caller (IAM-03 tracking).

An issuance is **late** when the commitment of Annex 4 is missed, counted in business
days (GEN-04) from the day the order form was received:

* *émis en retard* — the identifier and its link were emailed after the due date
  (end of the 5th business day), or
* *non activé à l'échéance* — the due date has passed and the person still cannot sign
  in (the identifier is still pending: no password chosen yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from guichet.accounts.choices import IdentifierState
from guichet.accounts.models import OneTimeLink, User
from guichet.core import calendar
from guichet.core.context import Principal
from guichet.core.scoping import get_scoped, scope


def identifiers_in_use(operator_id: int, *, besides: User | None = None) -> int:
    """Identifiers counted against the operator's cap (IAM-02): every state but DELETED.

    An identifier superseded after a loss or fraud declaration no longer counts: its
    replacement is the same person's one identifier.
    """
    queryset = User.objects.filter(operator_id=operator_id, replaced_by__isnull=True).exclude(
        state=IdentifierState.DELETED
    )
    if besides is not None:
        queryset = queryset.exclude(pk=besides.pk)
    return queryset.count()


def _issued_late() -> Q:
    return Q(issued_at__gt=F("issuance_due_at"))


def _pending_after_due(now: datetime) -> Q:
    return Q(state=IdentifierState.PENDING, issuance_due_at__lt=now)


def issuances_for(
    actor: Principal,
    *,
    operator_id: int | None = None,
    late_only: bool = False,
    now: datetime | None = None,
) -> QuerySet[User]:
    """Identifiers whose issuance is still open (pending) or was late, oldest due date first.

    Each row carries ``is_late``, ``issued_late`` and ``link_expires_at`` (latest unused link).
    """
    now = now or timezone.now()
    latest_link = (
        OneTimeLink.objects.filter(user=OuterRef("pk"), used_at__isnull=True)
        .order_by("-expires_at")
        .values("expires_at")[:1]
    )
    queryset = (
        scope(User.objects.select_related("operator"), actor)
        .filter(issuance_due_at__isnull=False)
        .filter(Q(state=IdentifierState.PENDING) | _issued_late())
        .exclude(state=IdentifierState.DELETED)
        .annotate(
            issued_late=Case(
                When(_issued_late(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_late=Case(
                When(_issued_late() | _pending_after_due(now), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            link_expires_at=Subquery(latest_link),
        )
        .order_by("issuance_due_at", "pk")
    )
    if operator_id is not None:
        queryset = queryset.filter(operator_id=operator_id)
    if late_only:
        queryset = queryset.filter(is_late=True)
    return queryset


@dataclass(frozen=True)
class Lateness:
    """How late an issuance is, in business days past its due date."""

    business_days: int
    reason: str  # "issued_late" or "not_activated"


def lateness(user: User, now: datetime | None = None) -> Lateness | None:
    """None when on time; else the business days of delay (GEN-04) and why."""
    if user.issuance_due_at is None:
        return None
    now = now or timezone.now()
    due = user.issuance_due_at
    if user.issued_at is not None and user.issued_at > due:
        return Lateness(calendar.business_days_between(due, user.issued_at), "issued_late")
    if user.state == IdentifierState.PENDING and now > due:
        return Lateness(calendar.business_days_between(due, now), "not_activated")
    return None


def managed_identifier_for(actor: Principal, pk: int) -> User:
    """One operator's identifier within the actor's scope (GEN-404 otherwise)."""
    return get_scoped(User.objects.select_related("operator", "replaces"), actor, pk=pk)
