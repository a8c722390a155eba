"""A real Celery worker on Redis runs a scheduled job against the test database."""

from __future__ import annotations

import pytest

from guichet.audit.recorder import record
from guichet.core.context import Principal
from tests.processes import celery_worker


@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_runs_the_journal_check() -> None:
    actor = Principal.system("tests")
    for i in range(3):
        record(actor, "tests.worker", object_id=i)
    with celery_worker() as worker:
        outcome = worker.client.send_task("guichet.audit.tasks.verify_journal").get(timeout=60)
    assert outcome == {"checked": 3, "problems": []}, worker.output
