"""Gapless numbering (BIL-02): a counter row per kind and year, locked until commit.

A number is taken only inside the transaction that issues the document; if that
transaction rolls back, so does the counter, and the number is given to the next one.
"""

from __future__ import annotations

from django.db import transaction

from guichet.billing.models import DocumentSequence


def next_number(kind: str, year: int) -> str:
    """The next number of ``kind`` (FA or AV) for ``year``, e.g. ``FA-2026-000042``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken only inside the issuing transaction")
    DocumentSequence.objects.get_or_create(kind=kind, year=year)
    sequence = DocumentSequence.objects.select_for_update().get(kind=kind, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{kind}-{year}-{sequence.last_number:06d}"
