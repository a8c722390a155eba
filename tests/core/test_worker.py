"""A real Celery worker on Redis runs a scheduled job against the test database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from celery import Celery

from guichet.audit.recorder import record
from guichet.core.context import Principal
from tests.processes import ROOT, child_env, redis_server


@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_runs_the_journal_check() -> None:
    actor = Principal.system("tests")
    for i in range(3):
        record(actor, "tests.worker", object_id=i)
    with redis_server() as url:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=child_env(CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Not the current app: the tests after this one must keep publishing to their own broker.
        client = Celery("tests", broker=url, backend=url, set_as_current=False)
        try:
            result = client.send_task("guichet.audit.tasks.verify_journal")
            outcome = result.get(timeout=60)
        finally:
            client.close()
            worker.terminate()
            output, _ = worker.communicate(timeout=30)
    assert outcome == {"checked": 3, "problems": []}, output
