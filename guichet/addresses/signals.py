"""Receivers of other domains' signals: they only dispatch work, after the commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from guichet.addresses.tasks import refresh_search_index


def on_inventory_changed(
    sender: Any, *, job: Any = None, since: datetime | None = None, **_: Any
) -> None:
    """An import or a generation committed: refresh the address index in the background."""
    reason = f"import:{job.pk}" if job is not None else "inventory"
    iso = since.isoformat() if since else None
    transaction.on_commit(lambda: refresh_search_index.delay(since=iso, reason=reason))
