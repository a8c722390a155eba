"""Remembered admissions of system credentials: a change of who may call takes effect at once.

These tests commit (transaction=True): only then does the access memo keep answers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guichet.accounts.models import ApiKey, User
from guichet.accounts.services import credentials as services
from guichet.core import memo as memo_module
from guichet.operators import services as operators_services
from guichet.operators.memos import ACCESS
from guichet.operators.models import Operator
from guichet.operators.services import contracts
from tests.accounts.credential_support import *  # noqa: F403
from tests.accounts.credential_support import as_person, key_of
from tests.api_checks import assert_tmf_error
from tests.factories import SYSTEM

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.accounts.credential_urls"),
]
PROBE = "/api/v1/test/eligibility"


@pytest.fixture(autouse=True)
def catalogue(transactional_db: None) -> None:
    """A transactional test starts from a flushed database: the e-service catalogue first."""
    contracts.load_catalogue(actor=SYSTEM)


def queries_of(client: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PROBE).status_code == 200
    return len(captured.captured_queries)


def test_sec_01_a_known_credential_costs_no_query_on_the_next_calls(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    client = system_api(token=key_of(admin_a).token, on_behalf_of="agent.a")
    first = queries_of(client)
    assert queries_of(client) < first
    assert queries_of(client) == 0  # key, person, rights, last use: all remembered


def test_sec_01_a_revocation_refuses_the_very_next_call(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    new = key_of(admin_a)
    client = system_api(token=new.token, on_behalf_of="agent.a")
    assert client.get(PROBE).status_code == 200
    services.revoke_credential(actor=as_person(admin_a), credential=new.key, reason="fuite")
    assert_tmf_error(client.get(PROBE), 401, "SEC-021")


def test_sec_08_a_suspension_refuses_the_very_next_call(
    admin_a: User, person_a: User, operator_a: Operator, system_api: Any
) -> None:
    client = system_api(token=key_of(admin_a).token, on_behalf_of="agent.a")
    assert client.get(PROBE).status_code == 200
    operators_services.suspend_operator(actor=SYSTEM, operator=operator_a, reason="Incident")
    assert_tmf_error(client.get(PROBE), 403, "SEC-008")


def test_sec_01_expiry_is_checked_on_every_call(
    admin_a: User, person_a: User, system_api: Any, monkeypatch: Any
) -> None:
    new = key_of(admin_a)
    client = system_api(token=new.token, on_behalf_of="agent.a")
    assert client.get(PROBE).status_code == 200
    later = timezone.now() + timedelta(days=366)  # past the key's one-year lifetime
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_tmf_error(client.get(PROBE), 401, "SEC-022")


def test_sec_01_a_change_made_by_another_process_is_seen_within_a_second(
    admin_a: User, person_a: User, system_api: Any, monkeypatch: Any
) -> None:
    new = key_of(admin_a)
    client = system_api(token=new.token, on_behalf_of="agent.a")
    assert client.get(PROBE).status_code == 200
    # Another process revokes the key: its commit bumps the shared generation, no signal here.
    ApiKey.objects.filter(pk=new.key.pk).update(revoked_at=timezone.now())
    assert client.get(PROBE).status_code == 200  # this process read the generation < 1 s ago
    cache.set(ACCESS.cache_key, "bumped-by-another-process", timeout=None)
    monkeypatch.setattr(memo_module, "READ_EVERY", 0.0)
    assert_tmf_error(client.get(PROBE), 401, "SEC-021")


def test_sec_01_a_change_no_signal_sees_still_ends_after_max_age(
    admin_a: User, person_a: User, system_api: Any, monkeypatch: Any
) -> None:
    new = key_of(admin_a)
    client = system_api(token=new.token, on_behalf_of="agent.a")
    assert client.get(PROBE).status_code == 200
    User.objects.filter(pk=person_a.pk).update(is_active=False)  # a queryset update: no signal
    clock = memo_module.time.monotonic() + memo_module.MAX_AGE + 1
    monkeypatch.setattr(memo_module.time, "monotonic", lambda: clock)
    assert_tmf_error(client.get(PROBE), 403, "SEC-025")
