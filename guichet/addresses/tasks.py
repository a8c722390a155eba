"""Background jobs of the address app: keeping the free-text index fresh."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from guichet.addresses import services
from guichet.core.context import Principal


@shared_task(name="guichet.addresses.tasks.refresh_search_index", acks_late=True)
def refresh_search_index(since: str | None = None, reason: str = "") -> int:
    """Rebuild the index (the communes changed since ``since``, ISO 8601; all without it).

    Idempotent: running it twice, or after a later refresh, gives the same index.
    """
    actor = Principal.system(f"address-index:{reason}" if reason else "address-index")
    state = services.refresh_index(actor=actor, since=parse_datetime(since) if since else None)
    return state.version
