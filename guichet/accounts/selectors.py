"""Every read of people, scoped to the caller."""

from __future__ import annotations

from django.db.models import QuerySet

from guichet.accounts.models import User
from guichet.core.context import Principal
from guichet.core.scoping import scope


def people_for(actor: Principal) -> QuerySet[User]:
    """People ``actor`` may see: everyone for the Provider, its operator's people otherwise."""
    return scope(User.objects.select_related("operator"), actor)
