"""The portal's memory of a person's TAO questions (eligibility answers are stored anyway).

Not journaled: the TAO service journals and counts every question already; this is only
what the person saw, kept so that it can be re-opened without a new use.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from guichet.core.context import Principal
from guichet.eligibility.models import TaoConsultation

# Entries kept per person: the pages show the last 20, a few more survive a burst.
KEEP = 50


@transaction.atomic
def remember_tao(
    *, actor: Principal, label: str, query: dict[str, Any], answer: dict[str, Any]
) -> TaoConsultation | None:
    """Keep ``answer`` (``translation.as_answer``) in ``actor``'s history; None for a system caller."""
    if actor.person_id is None:
        return None
    entry = TaoConsultation.objects.create(
        person_id=actor.person_id,
        operator_id=actor.operator_id,
        label=label[:300],
        query=query,
        resolution=answer.get("status", ""),
        answer=answer,
    )
    stale = TaoConsultation.objects.filter(person_id=actor.person_id).values_list("pk", flat=True)
    TaoConsultation.objects.filter(pk__in=list(stale[KEEP:])).delete()
    return entry
