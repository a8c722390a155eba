"""Writing rows by identifier, a batch at a time: one SELECT, one INSERT, one UPDATE per batch.

Re-importing a package must create nothing and touch only what changed, so every batch is
looked up by its natural key first (``code__in=…``), then new rows are bulk-created and changed
rows bulk-updated with just the fields that differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

BATCH = 1000
T = TypeVar("T")


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class Tally:
    """How many rows a stage created, updated or left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def existing_by(
    model: type[models.Model], key: str, values: Iterable[str]
) -> dict[str, models.Model]:
    """Rows of ``model`` whose ``key`` is in ``values``, by key."""
    values = list(values)
    if not values:
        return {}
    return {
        getattr(obj, key): obj for obj in model._default_manager.filter(**{f"{key}__in": values})
    }


def upsert(
    model: type[models.Model],
    key: str,
    rows: dict[str, dict[str, Any]],
    *,
    tally: Tally | None = None,
    existing: dict[str, models.Model] | None = None,
    merge: Callable[[models.Model, dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, int]:
    """Create or update one batch of ``{key value: {attname: value}}``; return key → pk.

    ``merge(obj, values)`` may adapt the values to an existing row (e.g. keep a JSON field's
    other keys, or a state the platform owns) before they are compared.
    """
    if existing is None:
        existing = existing_by(model, key, rows)
    has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    now = timezone.now()
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for value, fields in rows.items():
        obj = existing.get(value)
        if obj is None:
            to_create.append(model(**{**fields, key: value}))
            continue
        if merge is not None:
            fields = merge(obj, fields)
        changed = [name for name, new in fields.items() if getattr(obj, name) != new]
        if not changed:
            if tally is not None:
                tally.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, fields[name])
        if has_updated_at:
            obj.updated_at = now
            changed_fields.add("updated_at")
        changed_fields.update(changed)
        to_update.append(obj)
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH)
    if tally is not None:
        tally.created += len(to_create)
        tally.updated += len(to_update)
    ids = {value: obj.pk for value, obj in existing.items() if value in rows}
    ids.update({getattr(obj, key): obj.pk for obj in to_create})
    return ids
