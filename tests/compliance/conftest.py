"""Fixtures of the SEC-09 tests: operator A has a security contact (the one notified)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from guichet.accounts.models import User
from guichet.operators.models import Operator
from tests.factories import make_operator

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def operator_a(db: None) -> Operator:
    return make_operator(
        "OPEA",
        name="Opérateur A",
        security_contact_name="Équipe sécurité A",
        security_contact_email="soc@opea.example",
    )


@contextmanager
def frozen(day: date, hour: int = 10) -> Iterator[None]:
    """The platform's clock stopped at ``day`` ``hour``:00, Paris time."""
    moment = datetime.combine(day, time(hour), tzinfo=PARIS)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
