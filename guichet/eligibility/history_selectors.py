"""A person's last eligibility and TAO questions (the portal's history): only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.eligibility.models import Qualification, TaoConsultation
from guichet.eligibility.selectors import qualifications_for

HISTORY_SIZE = 20


def my_qualifications(actor: Principal, limit: int = HISTORY_SIZE) -> QuerySet[Qualification]:
    """The last qualifications ``actor`` asked (any door), newest first."""
    return qualifications_for(actor).filter(requested_by=actor.login)[:limit]


def my_tao_consultations(actor: Principal, limit: int = HISTORY_SIZE) -> QuerySet[TaoConsultation]:
    """The last TAO questions ``actor`` asked in the portal, newest first."""
    if actor.person_id is None:
        return TaoConsultation.objects.none()
    # The answers stay in the database: a list needs only what was asked and how it resolved.
    return (
        TaoConsultation.objects.filter(person_id=actor.person_id, operator_id=actor.operator_id)
        .defer("answer")
        .order_by("-created_at", "-id")[:limit]
    )


def my_tao_consultation(actor: Principal, pk: int) -> TaoConsultation:
    """One of ``actor``'s own TAO questions, or GEN-404 (a colleague's is not theirs)."""
    entry = TaoConsultation.objects.filter(
        pk=pk, person_id=actor.person_id, operator_id=actor.operator_id
    ).first()
    if entry is None or actor.person_id is None:
        raise GuichetError(NOT_FOUND)
    return entry
