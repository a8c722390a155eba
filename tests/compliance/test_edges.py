"""SEC-09 edges: transition maps cover every status, odd input never gives a 500."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from guichet.accounts.models import User
from guichet.compliance.choices import (
    AUDIT_TRANSITIONS,
    NON_CONFORMITY_TRANSITIONS,
    PLAN_TRANSITIONS,
    AuditStatus,
    NonConformityStatus,
    PlanStatus,
)
from guichet.compliance.services import PLAN_DAYS, plan_due_on
from guichet.operators.models import Operator
from tests.api_checks import assert_tmf_error
from tests.compliance.conftest import browser, frozen

pytestmark = pytest.mark.django_db


def test_sec_09_transition_maps_cover_every_status() -> None:
    for statuses, transitions in (
        (AuditStatus, AUDIT_TRANSITIONS),
        (NonConformityStatus, NON_CONFORMITY_TRANSITIONS),
        (PlanStatus, PLAN_TRANSITIONS),
    ):
        assert set(transitions) == set(statuses.values)
        assert all(set(targets) <= set(statuses.values) for targets in transitions.values())
    # A rejected plan sends the non-conformity back to « plan attendu »; nothing leaves « levée ».
    assert NonConformityStatus.NOTIFIED in NON_CONFORMITY_TRANSITIONS["plan_submitted"]
    assert NON_CONFORMITY_TRANSITIONS["resolved"] == frozenset()


def test_sec_09_ten_calendar_days_from_the_notification() -> None:
    assert PLAN_DAYS == 10
    assert plan_due_on(date(2026, 12, 18)) == date(2026, 12, 28)  # across Christmas
    assert plan_due_on(date(2027, 2, 19)) == date(2027, 3, 1)  # across the end of February


def test_sec_09_odd_input_gets_a_clear_answer_never_a_500(
    provider_staff: User, admin_a: User, operator_a: Operator, api_as: Any
) -> None:
    staff, operator = api_as(provider_staff), api_as(admin_a)
    assert_tmf_error(staff.get("/api/v1/non-conformities/abc"), 404, "GEN-404")
    assert staff.get("/api/v1/security-audits?late=maybe&operator=x&status=zz").status_code == 200
    bad_date = {"non_conformity": 1, "items": [{"action": "a", "owner": "b", "due_on": "31/02"}]}
    response = operator.post("/api/v1/remediation-plans", bad_date, format="json")
    assert_tmf_error(response, 422, "GEN-422")
    audit = {"scope": "x", "auditor": "y", "auditor_kind": "orange"}
    unknown = {**audit, "operator": 999999, "performed_on": "2026-01-01"}
    assert_tmf_error(staff.post("/api/v1/security-audits", unknown, format="json"), 404, "GEN-404")
    future = {**audit, "operator": operator_a.pk, "performed_on": "2999-01-01"}
    assert_tmf_error(staff.post("/api/v1/security-audits", future, format="json"), 422, "SEC-091")
    undo = {"items": [{"position": 1, "done": False}]}
    response = operator.patch("/api/v1/remediation-plans/1", undo, format="json")
    assert_tmf_error(response, 404, "GEN-404")
    with frozen(date(2026, 12, 1)):
        client = browser(provider_staff)
        for url in (
            "/back-office/audits/?operateur=abc&retard=peut-etre&statut=x&page=zz",
            "/back-office/audits/999999/",
            "/back-office/audits/non-conformites/999999/",
        ):
            assert client.get(url).status_code in {200, 404}, url
        response = client.post(
            "/back-office/audits/nouveau",
            {"operator": operator_a.pk, "performed_on": "pas une date", "auditor_kind": "x"},
        )
        assert response.status_code == 400
        missing = browser(admin_a).post("/securite/audits/plans/999999/actions/1/faite")
        assert missing.status_code == 404
