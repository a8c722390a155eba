"""Reading the outbox: the Provider sees every email, an operator the ones sent about it."""

from __future__ import annotations

from django.db.models import QuerySet

from guichet.core.context import Principal
from guichet.core.scoping import scope
from guichet.notifications.models import OutboundEmail


def emails_for(actor: Principal) -> QuerySet[OutboundEmail]:
    return scope(OutboundEmail.objects.all(), actor)
