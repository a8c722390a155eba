"""core.memo: answers kept in the process, dropped when a watched fact changes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

from guichet.core import memo as memo_module
from guichet.core.memo import Memo
from guichet.operators.models import EService


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


@pytest.fixture
def fresh() -> Memo:
    memo = Memo(f"test-memo-{uuid.uuid4().hex[:8]}")  # its own receivers and cache key
    cache.delete(memo.cache_key)
    return memo


def test_an_answer_is_built_once_then_remembered(fresh: Memo) -> None:
    build = Counter()
    assert fresh.get("k", build) == 1
    assert fresh.get("k", build) == 1
    assert fresh.get("other", build) == 2
    fresh.forget()
    assert fresh.get("k", build) == 3


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_elsewhere_is_seen_within_read_every(
    fresh: Memo, monkeypatch: Any
) -> None:
    here, elsewhere = fresh, Memo(fresh.name)  # two processes, one shared cache
    build = Counter()
    assert here.get("k", build) == 1
    elsewhere.changed()  # outside any transaction: committed at once, generation bumped
    assert here.get("k", build) == 1  # read the generation less than READ_EVERY ago
    monkeypatch.setattr(memo_module, "READ_EVERY", 0.0)
    assert here.get("k", build) == 2


def test_nothing_is_kept_longer_than_max_age(fresh: Memo, monkeypatch: Any) -> None:
    build = Counter()
    clock = [1000.0]
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: clock[0])
    assert fresh.get("k", build) == 1
    clock[0] += memo_module.MAX_AGE - 1
    assert fresh.get("k", build) == 1
    clock[0] += 2
    assert fresh.get("k", build) == 2


@pytest.mark.django_db(transaction=True)
def test_while_a_transaction_changed_a_watched_model_nothing_is_kept(fresh: Memo) -> None:
    fresh.watch(EService)
    build = Counter()
    with pytest.raises(RuntimeError), transaction.atomic():
        EService.objects.create(code="essai-memo", name="Essai", position=99)
        assert fresh.get("k", build) == 1
        assert fresh.get("k", build) == 2  # answered, not kept: the change may roll back
        raise RuntimeError("rollback")
    # The transaction is over: answers are kept again, from the committed state.
    assert fresh.get("k", build) == 3
    assert fresh.get("k", build) == 3


@pytest.mark.django_db(transaction=True)
def test_a_watched_save_drops_the_memo_here_and_bumps_the_generation(fresh: Memo) -> None:
    fresh.watch(EService)
    build = Counter()
    assert fresh.get("k", build) == 1
    before = cache.get(fresh.cache_key)
    with transaction.atomic():
        EService.objects.create(code="essai-memo-2", name="Essai", position=98)
        assert cache.get(fresh.cache_key) == before  # not before the commit
    assert cache.get(fresh.cache_key) != before
    assert fresh.get("k", build) == 2
