"""The REST door of billing (/api/v1/): prices, invoices and their PDF, credit notes.

Scoping (IAM-10): an operator sees only its own issued invoices; another operator gets 404;
reading needs ``invoices:read`` or the administrator role; writes are the Provider's.
"""

from __future__ import annotations

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.billing import services
from guichet.billing.choices import PriceKind
from guichet.billing.models import Invoice
from guichet.operators.models import Operator
from tests.accounts.people_support import give_profile
from tests.api_checks import assert_tmf_error
from tests.billing.conftest import PROVIDER, subscribe

pytestmark = pytest.mark.django_db

JUNE = date(2025, 6, 1)


@pytest.fixture
def issued_a(operator_a: Operator, rdv_prices: None) -> Invoice:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 6, 17))
    invoice = services.generate_invoice(
        actor=PROVIDER, operator=operator_a, period=JUNE, issue=True
    )
    assert invoice is not None
    return invoice


def test_bil_02_anonymous_gets_401(issued_a: Invoice, api_as) -> None:
    client = api_as(None)
    for url in (
        "/api/v1/prices",
        "/api/v1/invoices",
        f"/api/v1/invoices/{issued_a.pk}/pdf",
        "/api/v1/credit-notes",
        "/api/v1/liability-claims",
    ):
        assert_tmf_error(client.get(url), 401, "GEN-401")


def test_bil_02_operator_admin_reads_its_invoice_and_pdf(
    issued_a: Invoice, admin_a, api_as
) -> None:
    client = api_as(admin_a)
    listed = client.get("/api/v1/invoices")
    assert listed.status_code == 200
    assert [item["number"] for item in listed.json()] == [issued_a.number]
    detail = client.get(f"/api/v1/invoices/{issued_a.pk}").json()
    assert detail["total_ttc"] == "768.00"
    assert [line["line_kind"] for line in detail["lines"]] == ["one_off", "monthly"]
    pdf = client.get(detail["pdf_href"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["X-Content-SHA256"] == issued_a.pdf_sha256
    asked = client.get(f"/api/v1/invoices/{issued_a.pk}/pdf", HTTP_ACCEPT="application/pdf")
    assert asked.status_code == 200 and asked.content.startswith(b"%PDF")
    missing = client.get("/api/v1/invoices/999999/pdf", HTTP_ACCEPT="application/pdf")
    assert_tmf_error(missing, 404, "GEN-404")
    assert missing["Content-Type"] == "application/json"


def test_bil_02_other_operator_gets_404_and_drafts_stay_hidden(
    issued_a: Invoice, operator_b: Operator, admin_a, admin_b, api_as
) -> None:
    client = api_as(admin_b)
    assert_tmf_error(client.get(f"/api/v1/invoices/{issued_a.pk}"), 404, "GEN-404")
    assert_tmf_error(client.get(f"/api/v1/invoices/{issued_a.pk}/pdf"), 404, "GEN-404")
    assert client.get("/api/v1/invoices").json() == []
    subscribe(operator_b, "e-rdv", order_received_on=date(2025, 1, 1))
    draft = services.generate_invoice(actor=PROVIDER, operator=operator_b, period=JUNE)
    assert_tmf_error(client.get(f"/api/v1/invoices/{draft.pk}"), 404, "GEN-404")


def test_bil_02_reading_needs_the_right_and_writes_are_refused(
    issued_a: Invoice, reader_a, api_as
) -> None:
    client = api_as(reader_a)
    assert_tmf_error(client.get("/api/v1/invoices"), 403, "BIL-027")
    give_profile(reader_a, "Comptabilité", ["invoices:read"])
    reader_a.refresh_from_db()
    client = api_as(reader_a)
    assert client.get(f"/api/v1/invoices/{issued_a.pk}").status_code == 200
    before = AuditRecord.objects.count()
    response = client.post(
        "/api/v1/credit-notes", {"invoice": issued_a.pk, "reason": "x"}, format="json"
    )
    assert_tmf_error(response, 403, "GEN-403-RO")
    assert AuditRecord.objects.count() == before


def test_ctr_12_rest_refuses_an_increase_with_two_months_notice(
    rdv_prices: None, provider_staff, admin_a, api_as
) -> None:
    today = timezone.localdate()
    body = {
        "service": "e-rdv",
        "price_kind": PriceKind.MONTHLY,
        "amount": "330.00",
        "effective_from": (today + relativedelta(months=2)).isoformat(),
    }
    client = api_as(provider_staff)
    error = assert_tmf_error(client.post("/api/v1/prices", body, format="json"), 422, "CTR-121")
    assert error["propertyPath"] == "effective_from"
    body["effective_from"] = (today + relativedelta(months=3)).isoformat()
    created = client.post("/api/v1/prices", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == "330.0000"
    assert_tmf_error(api_as(admin_a).post("/api/v1/prices", body, format="json"), 403, "BIL-001")
    unknown = client.post("/api/v1/prices", {**body, "service": "nope"}, format="json")
    assert_tmf_error(unknown, 404, "BIL-011")
    listed = api_as(admin_a).get("/api/v1/prices?search=e-rdv").json()
    assert len(listed) == 4
    cancel = client.delete(f"/api/v1/prices/{created.json()['id']}")
    assert cancel.status_code == 204


def test_bil_02_provider_generates_issues_and_credits_through_rest(
    operator_a: Operator, rdv_prices: None, provider_staff, api_as
) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 1, 1))
    client = api_as(provider_staff)
    assert_tmf_error(
        client.post("/api/v1/invoices/generate", {"month": "2999-01"}, format="json"),
        422,
        "BIL-020",
    )
    summary = client.post("/api/v1/invoices/generate", {"month": "2025-06"}, format="json").json()
    (draft_id,) = summary["drafted"]
    assert client.get(f"/api/v1/invoices/{draft_id}").json()["invoice_status"] == "draft"
    assert_tmf_error(client.get(f"/api/v1/invoices/{draft_id}/pdf"), 409, "BIL-026")
    issued = client.post(f"/api/v1/invoices/{draft_id}/issue", format="json")
    assert issued.status_code == 200 and issued.json()["number"].startswith("FA-")
    assert_tmf_error(client.post(f"/api/v1/invoices/{draft_id}/issue"), 409, "BIL-021")
    note = client.post(
        "/api/v1/credit-notes",
        {"invoice": draft_id, "reason": "Erreur de prix", "amount_ht": "50.00"},
        format="json",
        HTTP_X_REQUEST_ID="req-billing-1",
    )
    assert note.status_code == 201, note.content
    assert note.json()["total_ttc"] == "60.00"
    pdf = client.get(f"/api/v1/credit-notes/{note.json()['id']}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    entry = AuditRecord.objects.filter(action="billing.credit_note.issue").latest("id")
    assert entry.channel == "rest" and entry.request_id == "req-billing-1"
    assert entry.person_login == provider_staff.username
