"""Operators over REST: the generic resource checks plus the CTR-01 rules."""

from __future__ import annotations

from typing import Any

import pytest

from guichet.audit.models import AuditRecord
from guichet.operators.models import Operator
from tests.api_checks import ScopedResourceChecks, assert_tmf_error

pytestmark = pytest.mark.django_db


class TestOperatorResource(ScopedResourceChecks):
    list_url_name = "api:operator-list"
    detail_url_name = "api:operator-detail"
    audit_action = "operators.operator.update"
    change = {"security_contact_email": "soc@opea.example", "security_contact_name": "SOC"}

    @pytest.fixture
    def resource(self, operator_a: Operator) -> Operator:
        return operator_a


NEW_OPERATOR = {
    "name": "Nouvel Opérateur",
    "legal_form": "SAS",
    "siren": "444555668",
    "arcep_code": "NOUV",
    "head_office_street": "1 rue Neuve",
    "head_office_postcode": "79200",
    "head_office_city": "Parthenay",
    "representative_name": "Marie Neuve",
    "representative_capacity": "Présidente",
}


def test_ctr_01_provider_creates_operator_with_legal_identity(
    provider_staff: Any, api_as: Any
) -> None:
    response = api_as(provider_staff).post("/api/v1/operators", NEW_OPERATOR, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["arcep_code"] == "NOUV" and body["siren"] == "444555668"
    assert body["href"].endswith(f"/api/v1/operators/{body['id']}")
    entry = AuditRecord.objects.get(action="operators.operator.create", object_id=str(body["id"]))
    assert entry.after["name"] == "Nouvel Opérateur"
    assert entry.person_login == provider_staff.username


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("siren", "444555667", "OPE-003"),  # Luhn key wrong
        ("siren", "12345678", "OPE-003"),  # 8 digits
        ("arcep_code", "abcd", "OPE-003"),  # lower case
        ("arcep_code", "ABCDE", "GEN-422"),  # 5 characters: refused by the field type itself
    ],
)
def test_ctr_01_invalid_identifiers_refused(
    provider_staff: Any, api_as: Any, field: str, value: str, code: str
) -> None:
    payload = {**NEW_OPERATOR, field: value}
    response = api_as(provider_staff).post("/api/v1/operators", payload, format="json")
    body = assert_tmf_error(response, 422, code)
    assert body["propertyPath"] == field
    assert not Operator.objects.filter(name="Nouvel Opérateur").exists()


def test_ctr_01_duplicate_arcep_code_is_a_conflict(
    provider_staff: Any, operator_a: Operator, api_as: Any
) -> None:
    payload = {**NEW_OPERATOR, "arcep_code": operator_a.arcep_code}
    response = api_as(provider_staff).post("/api/v1/operators", payload, format="json")
    body = assert_tmf_error(response, 409, "OPE-002")
    assert operator_a.arcep_code in body["message"]


def test_operator_admin_cannot_create_operator(admin_a: Any, api_as: Any) -> None:
    response = api_as(admin_a).post("/api/v1/operators", NEW_OPERATOR, format="json")
    assert_tmf_error(response, 403, "OPE-001")


def test_operator_admin_cannot_change_legal_identity(
    admin_a: Any, operator_a: Operator, api_as: Any
) -> None:
    response = api_as(admin_a).patch(
        f"/api/v1/operators/{operator_a.pk}", {"name": "Autre nom"}, format="json"
    )
    assert_tmf_error(response, 403, "OPE-001")
    operator_a.refresh_from_db()
    assert operator_a.name == "Opérateur A"


def test_iam_10_operator_lists_only_itself(
    admin_a: Any, operator_a: Operator, operator_b: Operator, api_as: Any
) -> None:
    response = api_as(admin_a).get("/api/v1/operators")
    assert response.status_code == 200
    assert [item["arcep_code"] for item in response.json()] == ["OPEA"]
    assert response["X-Total-Count"] == "1"


def test_provider_lists_all_with_tmf_pagination(
    provider_staff: Any, operator_a: Operator, operator_b: Operator, api_as: Any
) -> None:
    client = api_as(provider_staff)
    full = client.get("/api/v1/operators?sort=arcep_code")
    assert full.status_code == 200
    assert [item["arcep_code"] for item in full.json()] == ["OPEA", "OPEB"]
    partial = client.get("/api/v1/operators?sort=-arcep_code&limit=1")
    assert partial.status_code == 206
    assert partial["X-Total-Count"] == "2" and partial["X-Result-Count"] == "1"
    assert [item["arcep_code"] for item in partial.json()] == ["OPEB"]


def test_tmf_fields_selection(provider_staff: Any, operator_a: Operator, api_as: Any) -> None:
    response = api_as(provider_staff).get(f"/api/v1/operators/{operator_a.pk}?fields=name")
    assert set(response.json()) == {"id", "href", "name"}


def test_unchanged_patch_writes_no_audit(admin_a: Any, operator_a: Operator, api_as: Any) -> None:
    before = AuditRecord.objects.count()
    response = api_as(admin_a).patch(
        f"/api/v1/operators/{operator_a.pk}",
        {"security_contact_name": operator_a.security_contact_name},
        format="json",
    )
    assert response.status_code == 200
    assert AuditRecord.objects.count() == before


def test_admin_changes_go_through_services_and_are_journaled(operator_a: Operator) -> None:
    from django.test import Client

    from tests.factories import make_person

    superuser = make_person("super.admin", None, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    form = client.get(f"/admin/operators/operator/{operator_a.pk}/change/")
    assert form.status_code == 200
    data = {**NEW_OPERATOR, "arcep_code": "OPEA", "siren": operator_a.siren}
    data["name"] = "Opérateur A renommé"
    response = client.post(f"/admin/operators/operator/{operator_a.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    operator_a.refresh_from_db()
    assert operator_a.name == "Opérateur A renommé"
    entry = AuditRecord.objects.filter(action="operators.operator.update").latest("id")
    assert entry.channel == "admin" and entry.person_login == "super.admin"
    assert entry.after["name"] == "Opérateur A renommé"
    assert client.post("/admin/operators/operator/add/", {**NEW_OPERATOR}).status_code == 302
    created = Operator.objects.get(arcep_code="NOUV")
    assert AuditRecord.objects.filter(
        action="operators.operator.create", object_id=str(created.pk), channel="admin"
    ).exists()
