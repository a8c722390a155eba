"""Process-local memos of facts read on every call and rarely changed, dropped when they change.

The doors ask the same questions on every call (which credential, which person, which
subscriptions and contracts, which Provider rules): a few queries each, most of a lookup's
time. A :class:`Memo` keeps the answers in the process and forgets them when one of the
facts changes:

- every save or delete of a model a memo *watches* drops it in this process at once, and
  once the transaction has committed bumps the memo's *generation*, a token in the shared
  cache (files by default, Redis in production) that every other process reads at most
  once a second (``READ_EVERY``): a change made in the back-office reaches the API workers
  within a second;
- while the current transaction has changed a watched model, the memo answers without
  keeping anything (a rolled-back change is never remembered);
- an answer is never kept longer than ``MAX_AGE`` seconds, whatever happens (a change the
  signals cannot see, such as a queryset ``update()``).

The receivers only drop memos: they hold no business logic.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

MAX_AGE = 30.0
READ_EVERY = 1.0
_DIRTY = "_guichet_memo_dirty"


class Memo:
    """A named memo; :meth:`watch` the models whose changes must drop it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cache_key = f"guichet:memo:{name}"
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._generation: str | None = None
        self._read_at = float("-inf")

    # --- reading ------------------------------------------------------------------------

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The remembered answer for ``key``, else ``build()`` (remembered when it is safe)."""
        if self._dirty():
            return build()
        self._sync()
        now = time.monotonic()
        hit = self._values.get(key)
        if hit is not None and now - hit[0] < MAX_AGE:
            return hit[1]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def _dirty(self) -> bool:
        """Whether this connection's open transaction has changed a watched model."""
        dirty: set[str] = getattr(connection, _DIRTY, set())
        if self.name not in dirty:
            return False
        if connection.in_atomic_block:
            return True
        # The transaction ended (committed or rolled back): start afresh from the database.
        dirty.discard(self.name)
        self.forget()
        return False

    def _sync(self) -> None:
        now = time.monotonic()
        if now - self._read_at < READ_EVERY:
            return
        generation = cache.get(self.cache_key)
        if generation is None:
            cache.add(self.cache_key, uuid.uuid4().hex, timeout=None)
            generation = cache.get(self.cache_key)
        with self._lock:
            if generation != self._generation:
                self._values.clear()
                self._generation = generation
            self._read_at = now

    # --- forgetting ---------------------------------------------------------------------

    def forget(self) -> None:
        """Drop this process's answers (the next call reads the database)."""
        with self._lock:
            self._values.clear()
            self._read_at = float("-inf")

    def changed(self) -> None:
        """A watched fact changed: drop it here now, everywhere once the change commits."""
        self.forget()
        if connection.in_atomic_block:
            dirty = getattr(connection, _DIRTY, None)
            if dirty is None:
                dirty = set()
                setattr(connection, _DIRTY, dirty)
            dirty.add(self.name)
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        cache.set(self.cache_key, uuid.uuid4().hex, timeout=None)
        self.forget()

    def watch(self, *watched: type[models.Model]) -> None:
        """Drop the memo whenever one of these models (or a many-to-many of it) changes."""
        for model in watched:
            uid = f"guichet-memo:{self.name}:{model._meta.label_lower}"
            post_save.connect(self._on_change, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(self._on_change, sender=model, weak=False, dispatch_uid=uid)
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    self._on_change,
                    sender=field.remote_field.through,
                    weak=False,
                    dispatch_uid=f"{uid}:{field.name}",
                )

    def _on_change(self, sender: Any, **kwargs: Any) -> None:
        self.changed()
