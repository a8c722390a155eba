"""Three fixed principals in every module (healthchecks habit): an operator admin, an
operator read-only user and a person of another operator; plus the Provider's staff."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from guichet.accounts.models import Role, User
from guichet.operators.models import Operator
from tests.factories import make_operator, make_person


@pytest.fixture
def operator_a(db: None) -> Operator:
    return make_operator("OPEA", name="Opérateur A")


@pytest.fixture
def operator_b(db: None) -> Operator:
    return make_operator("OPEB", name="Opérateur B")


@pytest.fixture
def admin_a(operator_a: Operator) -> User:
    return make_person("admin.a", operator_a, Role.ADMIN)


@pytest.fixture
def reader_a(operator_a: Operator) -> User:
    return make_person("lecteur.a", operator_a, Role.READ_ONLY)


@pytest.fixture
def admin_b(operator_b: Operator) -> User:
    return make_person("admin.b", operator_b, Role.ADMIN)


@pytest.fixture
def provider_staff(db: None) -> User:
    return make_person("agent.fournisseur", None, Role.ADMIN)


@pytest.fixture
def api_as() -> Callable[[User | None], APIClient]:
    """An API client logged in as a person (None: anonymous)."""

    def build(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return build
