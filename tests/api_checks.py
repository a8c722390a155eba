"""Generic checks any API resource gets by declaring itself (NetBox habit).

A test class subclasses :class:`ScopedResourceChecks` and provides, as fixtures or
attributes, how to reach one object of operator A and a valid change; it then gets:
anonymous → 401, another operator → 404, read-only → 403, and an audit row for a write.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from guichet.audit.models import AuditRecord


def assert_tmf_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is a TMF630 error body with our stable code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["status"] == str(status)
    assert body["reason"] and body["message"]
    return body


class ScopedResourceChecks:
    """Subclasses set ``list_url_name``/``detail_url_name`` (URL names), ``change`` (a valid
    PATCH body an operator admin may send), ``audit_action``, and define a ``resource`` fixture
    returning an object of operator A."""

    list_url_name: str
    detail_url_name: str
    audit_action: str
    change: dict[str, Any]

    @property
    def list_url(self) -> str:
        return reverse(self.list_url_name)

    def detail_url(self, obj: Any) -> str:
        return reverse(self.detail_url_name, args=[obj.pk])

    def test_anonymous_gets_401(self, resource: Any) -> None:
        client = APIClient()
        assert_tmf_error(client.get(self.list_url), 401, "GEN-401")
        response = client.get(self.detail_url(resource))
        assert_tmf_error(response, 401, "GEN-401")
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_other_operator_gets_404(self, resource: Any, admin_b: Any, api_as: Any) -> None:
        client = api_as(admin_b)
        assert_tmf_error(client.get(self.detail_url(resource)), 404, "GEN-404")
        response = client.patch(self.detail_url(resource), self.change, format="json")
        assert_tmf_error(response, 404, "GEN-404")
        listed = client.get(self.list_url).json()
        assert str(resource.pk) not in {str(item["id"]) for item in listed}

    def test_read_only_gets_403(self, resource: Any, reader_a: Any, api_as: Any) -> None:
        client = api_as(reader_a)
        assert client.get(self.detail_url(resource)).status_code == 200
        before = AuditRecord.objects.count()
        response = client.patch(self.detail_url(resource), self.change, format="json")
        assert_tmf_error(response, 403, "GEN-403-RO")
        assert AuditRecord.objects.count() == before

    def test_write_records_audit(self, resource: Any, admin_a: Any, api_as: Any) -> None:
        client = api_as(admin_a)
        response = client.patch(
            self.detail_url(resource),
            self.change,
            format="json",
            HTTP_X_REQUEST_ID="req-test-0001",
            REMOTE_ADDR="192.0.2.10",
        )
        assert response.status_code == 200, response.content
        entry = AuditRecord.objects.filter(action=self.audit_action).latest("id")
        assert entry.person_login == admin_a.username
        assert entry.operator_id == admin_a.operator_id
        assert entry.channel == "rest"
        assert entry.ip == "192.0.2.10"
        assert entry.request_id == "req-test-0001"
        assert entry.object_id == str(resource.pk)
        assert set(self.change) <= set(entry.after)
