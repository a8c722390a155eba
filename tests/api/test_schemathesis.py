"""Schemathesis over the eligibility, address and e-RDV REST doors: no generated request gets a 5xx.

The OpenAPI document is generated from the code (drf-spectacular), not read from
``schema/openapi.yaml``, so the run follows the views. Requests go to the Django WSGI
application in-process, inside the test's transaction, with a real API key of an
operator subscribed to ``eligibilite-ftte`` and ``tao`` and holding the FTTH and FTTE
contracts; the Provider's rules are called with a Provider agent's portal session.
Valid (positive) and invalid (negative) requests are generated; about half of the
positive ones name an address, a premises or a qualification that exists, so the
found-address paths run too. ``SCHEMATHESIS_MAX_EXAMPLES`` raises the budget (default 10
per operation and mode, about 45 s in all).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from guichet.accounts.models import Role, User
from guichet.addresses.services import refresh_index
from guichet.appointments import services as rdv
from guichet.core.context import Channel
from guichet.eligibility.services import create_exclusion_zone, create_freeze
from guichet.network.models import Building
from tests.accounts.credential_support import key_of
from tests.accounts.people_support import give_profile, subscribe
from tests.appointments.conftest import (
    CONNECTION,
    WINDOWS,
    as_principal,
    first_day,
    make_technician,
    slot_id,
)
from tests.eligibility.test_soap_support import give_wholesale, inventory_loaded
from tests.factories import SYSTEM, make_person
from tests.network.factories import make_building, make_pm

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
LOCAL = ("127.0.0.1", "::1")  # the WSGI test client's address
POQ = r"^/tmf-api/productOfferingQualification/v4/|^/api/v1/eligibility-jobs"
RULES = r"^/api/v1/eligibility-(exclusion-zones|freezes)"
TMF673 = r"^/tmf-api/geographicAddressManagement/v4/"
TMF646 = r"^/tmf-api/appointment/v4/"
JOBS = "/api/v1/eligibility-jobs"


@dataclass
class Known:
    """Identifiers that exist, so that generated requests also reach the found-object paths:
    the ``id`` path parameter by the first path pattern that matches, and ``subId``."""

    ids: dict[str, str]
    sub_id: str = ""


@pytest.fixture(scope="module")
def openapi(django_db_blocker: Any) -> dict[str, Any]:
    """The OpenAPI document as the code describes it today."""
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


class InTransaction:
    """The Django application, which must not close the test's connection after a request:
    the whole run is one transaction, rolled back at the end (the test client's habit)."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")  # as a WSGI server sets it
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()  # request_finished, while close_old_connections is off
            return [body]
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@pytest.fixture
def inventory(db: None) -> list[Building]:
    """Two deployed buildings (3 and 2 dwellings) and one abandoned, indexed for search."""
    inventory_loaded()
    pm = make_pm()
    buildings = [make_building(pm, premises=3), make_building(pm, premises=2)]
    buildings.append(make_building(make_pm(first_provision_on=None), state="ABANDONNE"))
    refresh_index(actor=SYSTEM)
    return buildings


@pytest.fixture
def operator_headers(admin_a: User) -> dict[str, str]:
    """A real API key of OPEA (subscribed, both contracts) acting for a person with both rights."""
    operator = admin_a.operator
    services = ("eligibilite-ftte", "tao")
    subscribe(operator, *services)
    give_wholesale(operator, "ftth", "ftte")
    person = make_person("si.a", operator, Role.MEMBER)
    give_profile(person, "SI", [f"{code}:read" for code in services])
    key = key_of(admin_a, scopes=services, networks=LOCAL)
    return {"Authorization": f"Bearer {key.token}", "X-On-Behalf-Of": person.username}


@pytest.fixture
def provider_session(provider_staff: User) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, cookies) of a Provider agent's portal session, CSRF token included."""
    client = Client()
    client.force_login(provider_staff)
    token = _get_new_csrf_string()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return {"X-CSRFToken": token}, cookies


def known_ids(buildings: list[Building], **more: str) -> Known:
    """The first building's hexaclé and first PTO, and ``more`` ids by path pattern."""
    premises = buildings[0].premises.order_by("code").first()
    assert premises is not None
    return Known(
        ids={**more, "geographicAddress": buildings[0].address.hexacle},
        sub_id=premises.pto_reference,
    )


def with_known(case: Any, known: Known) -> Any:
    """The case with its path parameters replaced by identifiers that exist."""
    params = case.path_parameters or {}
    if "id" in params:
        params["id"] = next(
            (value for pattern, value in known.ids.items() if pattern in case.operation.path),
            params["id"],
        )
    if "subId" in params:
        params["subId"] = known.sub_id
    if isinstance(case.body, dict) and isinstance(case.body.get("place"), list):
        # A qualification of an address that exists, for all offers, at once.
        case.body["place"] = [
            {"role": "installationAddress", "hexacle": known.ids["geographicAddress"]}
        ]
        case.body["instantSyncQualification"] = True
        case.body.pop("productOfferingQualificationItem", None)
    if isinstance(case.body, dict) and isinstance(case.body.get("relatedPlace"), dict):
        # A search or a booking at a premises that exists, in a window that may be free.
        case.body["relatedPlace"] = {"ptoReference": known.sub_id}
        if "timeSlot" in case.body or "validFor" in case.body:
            case.body.pop("validFor", None)
            case.body["timeSlot"] = {"id": known.ids.get("timeSlot", "")}
    if case.method == "PATCH" and "/appointment/" in case.operation.path:
        # A change the held appointment can always take (generated bodies rarely are a valid
        # change, and the generated bookings may already have filled the known window).
        case.body = {"status": "confirmed"}
    return case


def fuzz(
    schema: Any,
    path_regex: str,
    *,
    headers: dict[str, str],
    cookies: dict[str, str] | None = None,
    known: Known,
    conformance: bool = False,
) -> dict[str, set[int]]:
    """Run every operation under ``path_regex``: the statuses each answered."""
    statuses: dict[str, set[int]] = {}
    for result in schema.include(path_regex=path_regex).get_all_operations():
        operation = result.ok()
        seen = statuses.setdefault(operation.label, set())
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            if mode is GenerationMode.POSITIVE:
                strategy = st.one_of(strategy, strategy.map(lambda c: with_known(c, known)))
            checks: list[Callable[..., Any]] = [not_a_server_error]
            if conformance and mode is GenerationMode.POSITIVE:
                checks.append(schema_conformance)
            run_cases(strategy, headers, cookies, checks, seen)
    return statuses


def schema_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """The answer matches its response schema, unless ``fields=`` projected it (TMF630)."""
    if "fields" in (case.query or {}):
        return None
    return response_schema_conformance(ctx, response, case)


def run_cases(
    strategy: Any,
    headers: dict[str, str],
    cookies: dict[str, str] | None,
    checks: list[Callable[..., Any]],
    seen: set[int],
) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same cases on every run and every machine
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def one(case: Any) -> None:
        response = case.call(headers=headers, cookies=cookies)
        seen.add(response.status_code)
        case.validate_response(response, checks=checks)

    one()


def unserved(statuses: dict[str, set[int]], *creations: str) -> dict[str, set[int]]:
    """The operations that never answered a success (the run did not reach their logic),
    except ``creations`` whose valid bodies name inventory objects no generator guesses."""
    return {
        label: codes
        for label, codes in statuses.items()
        if not codes & {200, 201, 202, 204, 206} and label not in creations
    }


@pytest.fixture
def schema(openapi: dict[str, Any]) -> Any:
    loaded = schemathesis.openapi.from_dict(openapi)
    loaded.app = InTransaction()
    return loaded


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    """Uploaded bulk files land in the test's directory."""
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def operator_ids(inventory: list[Building], operator_headers: dict[str, str], media: Path) -> Known:
    """A stored qualification and a bulk job of OPEA, made through their doors."""
    client = Client(REMOTE_ADDR="127.0.0.1", headers=operator_headers)
    hexacle = inventory[0].address.hexacle
    poq = client.post(
        "/tmf-api/productOfferingQualification/v4/productOfferingQualification",
        {"instantSyncQualification": True, "place": [{"hexacle": hexacle}]},
        content_type="application/json",
    )
    assert poq.status_code == 200, poq.content
    job = client.post(
        JOBS,
        {"file": SimpleUploadedFile("lignes.csv", f"hexacle\n{hexacle}\n".encode(), "text/csv")},
    )
    assert job.status_code == 202, job.content
    ids = {"productOfferingQualification": poq.json()["id"], "eligibility-jobs": job.json()["id"]}
    return known_ids(inventory, **ids)


def test_eli_01_schemathesis_tmf679_and_bulk_jobs_never_answer_5xx(
    schema: Any, operator_headers: dict[str, str], operator_ids: Known
) -> None:
    statuses = fuzz(schema, POQ, headers=operator_headers, known=operator_ids)
    assert {"POST /tmf-api/productOfferingQualification/v4/productOfferingQualification"} < set(
        statuses
    )
    # A random upload is refused, and the job made above is still queued (no result yet).
    assert unserved(statuses, "POST /api/v1/eligibility-jobs", f"GET {JOBS}/{{id}}/result") == {}


def test_eli_01_schemathesis_tmf679_answers_match_the_openapi_schema(
    schema: Any, operator_headers: dict[str, str], operator_ids: Known
) -> None:
    fuzz(
        schema,
        r"^/tmf-api/productOfferingQualification/v4/",
        headers=operator_headers,
        known=operator_ids,
        conformance=True,
    )


def test_eli_01_schemathesis_provider_rules_never_answer_5xx(
    schema: Any,
    inventory: list[Building],
    provider_session: tuple[dict[str, str], dict[str, str]],
) -> None:
    pm = inventory[0].pm.reference
    zone = create_exclusion_zone(actor=SYSTEM, scope="pm", value=pm, offer="", reason="test")
    freeze = create_freeze(
        actor=SYSTEM,
        scope="pm",
        value=pm,
        offer="",
        starts_on=date(2026, 1, 1),
        ends_on=None,
        reason="test",
    )
    known = known_ids(
        inventory,
        **{"exclusion-zones": str(zone.pk), "freezes": str(freeze.pk)},
    )
    headers, cookies = provider_session
    statuses = fuzz(schema, RULES, headers=headers, cookies=cookies, known=known)
    assert len(statuses) == 9, statuses  # exclusion zones (4), freezes (5)
    creations = [f"POST /api/v1/eligibility-{name}" for name in ("exclusion-zones", "freezes")]
    assert unserved(statuses, *creations) == {}


def test_tao_01_schemathesis_tmf673_addresses_never_answer_5xx(
    schema: Any, inventory: list[Building], operator_headers: dict[str, str]
) -> None:
    hexacle = inventory[0].address.hexacle
    kept = Client().post(
        "/tmf-api/geographicAddressManagement/v4/geographicAddressValidation",
        {"provideAlternative": False, "submittedGeographicAddress": {"hexacle": hexacle}},
        content_type="application/json",
        headers=operator_headers,
    )
    assert kept.status_code == 201, kept.content  # a validation of the caller's, read again
    known = known_ids(inventory, geographicAddressValidation=kept.json()["id"])
    statuses = fuzz(schema, TMF673, headers=operator_headers, known=known, conformance=True)
    assert len(statuses) == 7, statuses  # addresses (2), sub-addresses (2), validations (3)
    assert unserved(statuses) == {}


@pytest.fixture
def rdv_headers(admin_a: User, inventory: list[Building], provider_staff: User) -> dict[str, str]:
    """A real API key of OPEA subscribed to e-RDV (FTTH contract), a person who may book, and a
    technician covering the inventory's commune with the four standard windows."""
    operator = admin_a.operator
    subscribe(operator, "e-rdv")
    give_wholesale(operator, "ftth")
    person = make_person("rdv.a", operator, Role.MEMBER)
    give_profile(person, "RDV", ["e-rdv:read", "e-rdv:book"])
    planner = as_principal(provider_staff, Channel.PORTAL)
    for start, end in WINDOWS:
        rdv.create_slot_template(
            actor=planner, intervention_type=CONNECTION, starts_at=start, ends_at=end
        )
    make_technician(planner, daily_capacity=50)
    key = key_of(admin_a, scopes=("e-rdv",), networks=LOCAL)
    return {"Authorization": f"Bearer {key.token}", "X-On-Behalf-Of": person.username}


def test_rdv_01_rdv_02_schemathesis_tmf646_never_answers_5xx(
    schema: Any, inventory: list[Building], rdv_headers: dict[str, str]
) -> None:
    client = Client(REMOTE_ADDR="127.0.0.1", headers=rdv_headers)
    pto = inventory[0].premises.order_by("code")[0].pto_reference
    booked = client.post(
        "/tmf-api/appointment/v4/appointment",
        {"relatedPlace": {"ptoReference": pto}, "timeSlot": {"id": slot_id(first_day())}},
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    known = known_ids(
        inventory,
        appointment=booked.json()["id"],
        timeSlot=slot_id(first_day(), time(10), time(12)),
    )
    statuses = fuzz(schema, TMF646, headers=rdv_headers, known=known, conformance=True)
    assert len(statuses) == 5, statuses
    assert unserved(statuses) == {}


def test_eli_01_tao_01_schemathesis_covers_every_eligibility_and_address_path(
    openapi: dict[str, Any],
) -> None:
    """A new path of these doors is fuzzed without editing this module."""
    paths = [p for p in openapi["paths"] if re.search(r"eligib|productOffering|geographic", p)]
    for path in paths:
        assert any(re.search(regex, path) for regex in (POQ, RULES, TMF673)), path
