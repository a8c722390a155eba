"""SEC-09 over REST: /api/v1/security-audits, non-conformities, remediation-plans —
scoped (another operator gets 404), read-only refused, every write journaled."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.compliance import services
from guichet.compliance.models import NonConformity, RemediationPlan
from guichet.core.context import Principal
from guichet.operators.models import Operator
from tests.accounts.people_support import give_profile
from tests.api_checks import ScopedResourceChecks, assert_tmf_error
from tests.compliance.conftest import frozen

pytestmark = pytest.mark.django_db

SYSTEM = Principal.system("tests")
AUDITS, NCS, PLANS = (
    "/api/v1/security-audits",
    "/api/v1/non-conformities",
    "/api/v1/remediation-plans",
)
TODAY = timezone.localdate()


def as_person(user: User) -> Principal:
    from guichet.core.context import principal_for_user

    return principal_for_user(user, channel="rest", ip=None, request_id="t")


def notified_nc(operator: Operator) -> NonConformity:
    audit = services.record_audit(
        actor=SYSTEM,
        operator=operator,
        performed_on=TODAY,
        scope="Point d'accès",
        auditor="Orange",
        auditor_kind="orange",
    )
    nc = services.add_non_conformity(
        actor=SYSTEM,
        audit=audit,
        description="Pas d'antivirus",
        severity="major",
        requirement="A2-3",
    )
    return services.notify_non_conformity(actor=SYSTEM, non_conformity=nc)


ITEMS = [{"action": "Antivirus partout", "owner": "DSI", "due_on": TODAY + timedelta(days=20)}]


@pytest.fixture
def reader_with_journal(reader_a: User) -> User:
    """A read-only person of A who reads its journal reads its audits (no write)."""
    give_profile(reader_a, "Journal", ["journal:read"])
    return reader_a


@pytest.mark.usefixtures("reader_with_journal")
class TestRemediationPlanResource(ScopedResourceChecks):
    list_url_name = "api:remediationplan-list"
    detail_url_name = "api:remediationplan-detail"
    audit_action = "compliance.remediation_plan.progress"
    change = {"items": [{"position": 1, "done": True}]}

    @pytest.fixture
    def resource(self, operator_a: Operator, admin_a: User) -> RemediationPlan:
        nc = notified_nc(operator_a)
        plan = services.file_plan(actor=as_person(admin_a), non_conformity=nc, items=ITEMS)
        return services.approve_plan(actor=SYSTEM, plan=plan)


def test_sec_09_rest_journey_audit_notify_plan_approve_progress(
    provider_staff: User, admin_a: User, operator_a: Operator, api_as: Any
) -> None:
    staff, operator = api_as(provider_staff), api_as(admin_a)
    response = staff.post(
        AUDITS,
        {
            "operator": operator_a.pk,
            "performed_on": TODAY.isoformat(),
            "scope": "Postes des Intervenants",
            "auditor": "Audit & Co",
            "auditor_kind": "third_party",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    audit_id = response.json()["id"]
    bad = staff.post(
        NCS,
        {"audit": audit_id, "description": "", "severity": "minor", "requirement": "A2-2"},
        format="json",
    )
    assert_tmf_error(bad, 422, "SEC-092")
    response = staff.post(
        NCS,
        {
            "audit": audit_id,
            "description": "Sessions sans verrouillage",
            "severity": "minor",
            "requirement": "A2-3",
        },
        format="json",
    )
    assert response.status_code == 201
    nc_id = response.json()["id"]
    # Draft: the operator does not see it; it cannot file a plan on it.
    assert_tmf_error(operator.get(f"{NCS}/{nc_id}"), 404, "GEN-404")
    assert_tmf_error(operator.post(f"{NCS}/{nc_id}/notify"), 404, "GEN-404")
    response = staff.post(f"{NCS}/{nc_id}/notify")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "notified" and body["late"] is False
    assert body["plan_due_on"] == (timezone.localdate() + timedelta(days=10)).isoformat()
    assert operator.get(f"{NCS}/{nc_id}").status_code == 200
    listed = operator.get(AUDITS)
    assert listed.status_code == 200 and listed["X-Total-Count"] == "1"
    assert listed.json()[0]["non_conformities"] == [nc_id]

    refused = operator.post(f"{NCS}/{nc_id}/notify")
    assert_tmf_error(refused, 403, "SEC-090")
    response = operator.post(PLANS, {"non_conformity": nc_id, "items": []}, format="json")
    assert_tmf_error(response, 422, "SEC-096")
    response = operator.post(
        PLANS,
        {
            "non_conformity": nc_id,
            "summary": "Verrouillage",
            "items": [{**ITEMS[0], "due_on": ITEMS[0]["due_on"].isoformat()}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    assert_tmf_error(operator.post(f"{PLANS}/{plan_id}/approve"), 403, "SEC-090")
    assert_tmf_error(
        staff.post(f"{PLANS}/{plan_id}/reject", {"reason": ""}, format="json"), 422, "SEC-097"
    )
    approved = staff.post(f"{PLANS}/{plan_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert_tmf_error(staff.post(f"{PLANS}/{plan_id}/approve"), 409, "SEC-094")
    progress = operator.patch(
        f"{PLANS}/{plan_id}", {"items": [{"position": 1, "done": True}]}, format="json"
    )
    assert progress.status_code == 200 and progress.json()["items"][0]["done_by"] == "admin.a"
    again = operator.patch(
        f"{PLANS}/{plan_id}", {"items": [{"position": 1, "done": True}]}, format="json"
    )
    assert_tmf_error(again, 409, "SEC-099")
    assert staff.post(f"{NCS}/{nc_id}/resolve").json()["status"] == "resolved"
    assert staff.post(f"{AUDITS}/{audit_id}/close").json()["status"] == "closed"
    actions = list(
        AuditRecord.objects.filter(action__startswith="compliance.").values_list(
            "channel", flat=True
        )
    )
    assert actions and set(actions) == {"rest"}


def test_sec_09_rest_another_operator_never_sees_them(
    operator_a: Operator, admin_a: User, admin_b: User, provider_staff: User, api_as: Any
) -> None:
    nc = notified_nc(operator_a)
    plan = services.file_plan(actor=as_person(admin_a), non_conformity=nc, items=ITEMS)
    other = api_as(admin_b)
    for url in (f"{AUDITS}/{nc.audit_id}", f"{NCS}/{nc.pk}", f"{PLANS}/{plan.pk}"):
        assert_tmf_error(other.get(url), 404, "GEN-404")
    for url in (AUDITS, NCS, PLANS):
        response = other.get(url)
        assert response.status_code == 200 and response.json() == []
    response = other.post(PLANS, {"non_conformity": nc.pk, "items": []}, format="json")
    assert_tmf_error(response, 404, "GEN-404")
    assert_tmf_error(api_as(None).get(AUDITS), 401, "GEN-401")
    assert api_as(provider_staff).get(f"{PLANS}/{plan.pk}").status_code == 200


def test_sec_09_rest_late_filter_with_a_frozen_clock(
    operator_a: Operator, provider_staff: User, api_as: Any
) -> None:
    with frozen(date(2026, 12, 18)):
        nc = notified_nc(operator_a)
    assert nc.plan_due_on == date(2026, 12, 28)
    with frozen(date(2026, 12, 29)):
        staff = api_as(provider_staff)
        late = staff.get(f"{NCS}?late=true").json()
        on_time = staff.get(f"{NCS}?late=false").json()
        audits = staff.get(f"{AUDITS}?late=true&operator={operator_a.pk}").json()
    assert [item["id"] for item in late] == [nc.pk] and late[0]["late"] is True
    assert on_time == [] and [a["id"] for a in audits] == [nc.audit_id]
