"""Small builders for test data, through the services (the one write path)."""

from __future__ import annotations

import itertools
from typing import Any

from guichet.accounts import services as accounts_services
from guichet.accounts.models import Role, User
from guichet.core.context import Principal
from guichet.operators import services as operators_services
from guichet.operators.models import Operator
from guichet.operators.validators import luhn_ok

SYSTEM = Principal.system("tests")
_sequence = itertools.count(1)


def valid_siren(seed: int) -> str:
    base = f"{700000000 + seed * 10:09d}"[:8]
    return next(base + str(d) for d in range(10) if luhn_ok(base + str(d)))


def make_operator(code: str, **overrides: Any) -> Operator:
    n = next(_sequence)
    values: dict[str, Any] = {
        "name": f"Opérateur {code}",
        "legal_form": "SAS",
        "siren": valid_siren(n),
        "arcep_code": code,
        "head_office_street": f"{n} rue de la Fibre",
        "head_office_postcode": "79000",
        "head_office_city": "Niort",
        "representative_name": "Jeanne Test",
        "representative_capacity": "Présidente",
    }
    values.update(overrides)
    return operators_services.create_operator(actor=SYSTEM, **values)


def make_person(
    login: str, operator: Operator | None, role: str = Role.MEMBER, **extra: Any
) -> User:
    return accounts_services.create_person(
        actor=SYSTEM,
        username=login,
        email=f"{login}@example.test",
        operator=operator,
        role=role,
        password=extra.pop("password", "Un-mot-de-passe-2026!"),
        **extra,
    )
