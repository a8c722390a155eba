"""Every contracts REST resource: anonymous → 401, another operator → 404 (and not listed),
read-only → 403 on writes, writes journaled with the door they came through."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.operators.models import DocumentKind, OrderForm
from guichet.operators.services import orders
from tests.api_checks import assert_tmf_error
from tests.operators.contract_fixtures import (
    as_principal,
    contract_operator,
    contract_ready,
    load_catalogue,
    service,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_a(db: None) -> Any:
    return contract_operator("OPEA", "Opérateur A")


@pytest.fixture
def order_form(operator_a: Any, admin_a: User) -> OrderForm:
    load_catalogue()
    contract_ready(operator_a, admin_a)
    return orders.create_order_form(actor=as_principal(admin_a), service=service("e-rdv"))


def urls(order_form: OrderForm) -> dict[str, str]:
    signature = order_form.operator.signatures.get(document__kind=DocumentKind.GENERAL)
    wholesale = order_form.operator.wholesale_contracts.get()
    return {
        "/api/v1/order-forms": f"/api/v1/order-forms/{order_form.pk}",
        "/api/v1/contracts/signatures": f"/api/v1/contracts/signatures/{signature.pk}",
        "/api/v1/contracts/wholesale": f"/api/v1/contracts/wholesale/{wholesale.pk}",
    }


def test_ctr_04_contract_resources_are_scoped(
    order_form: OrderForm, admin_b: User, api_as: Any
) -> None:
    for list_url, detail_url in urls(order_form).items():
        assert_tmf_error(APIClient().get(list_url), 401, "GEN-401")
        assert_tmf_error(APIClient().get(detail_url), 401, "GEN-401")
        client = api_as(admin_b)
        assert_tmf_error(client.get(detail_url), 404, "GEN-404")
        assert client.get(list_url).json() == []
    assert_tmf_error(
        api_as(admin_b).post(f"/api/v1/order-forms/{order_form.pk}/cancel"), 404, "GEN-404"
    )


def test_ctr_05_read_only_profile_cannot_write(
    order_form: OrderForm, reader_a: User, api_as: Any
) -> None:
    client = api_as(reader_a)
    assert client.get(f"/api/v1/order-forms/{order_form.pk}").status_code == 200
    before = AuditRecord.objects.count()
    response = client.post(f"/api/v1/order-forms/{order_form.pk}/cancel")
    assert_tmf_error(response, 403, "GEN-403-RO")
    response = client.post("/api/v1/order-forms", {"service": "e-sav"}, format="json")
    assert_tmf_error(response, 403, "GEN-403-RO")
    assert AuditRecord.objects.count() == before


def test_ctr_05_order_form_write_journaled_with_its_door(
    order_form: OrderForm, admin_a: User, api_as: Any
) -> None:
    response = api_as(admin_a).post(
        f"/api/v1/order-forms/{order_form.pk}/sign",
        {"signatory_name": "Claire Dupont", "signatory_capacity": "DG"},
        format="json",
        HTTP_X_REQUEST_ID="req-ctr-0001",
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 200, response.content
    entry = AuditRecord.objects.filter(action="operators.order_form.sign").latest("id")
    assert entry.person_login == admin_a.username and entry.channel == "rest"
    assert entry.request_id == "req-ctr-0001" and entry.object_id == str(order_form.pk)
    assert entry.after["pdf_sha256"] == response.json()["pdf_sha256"]


def test_ctr_05_lists_paginate_sort_and_search(
    order_form: OrderForm, provider_staff: User, api_as: Any
) -> None:
    client = api_as(provider_staff)
    response = client.get("/api/v1/order-forms?limit=1&sort=-created_at&search=OPEA")
    assert response.status_code == 200
    assert response["X-Total-Count"] == "1" and len(response.json()) == 1
    assert client.get("/api/v1/order-forms?search=inconnu").json() == []
    documents = client.get("/api/v1/contracts/documents?kind=specific&limit=2")
    assert documents.status_code == 206 and len(documents.json()) == 2


def test_ctr_07_contract_termination_not_twice(
    order_form: OrderForm, admin_a: User, api_as: Any
) -> None:
    client = api_as(admin_a)
    assert client.post("/api/v1/contracts/terminate", {}, format="json").status_code == 201
    again = client.post("/api/v1/contracts/terminate", {}, format="json")
    assert_tmf_error(again, 422, "CTR-030")


def test_ctr_15_pdf_asked_as_pdf_and_errors_stay_json(
    order_form: OrderForm, admin_a: User, api_as: Any
) -> None:
    client = api_as(admin_a)
    signature = order_form.operator.signatures.get(document__kind=DocumentKind.GENERAL)
    response = client.get(
        f"/api/v1/contracts/signatures/{signature.pk}/pdf", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == signature.pdf_sha256
    assert response["Cache-Control"] == "private, no-store"
    # Not signed yet: no PDF, and the refusal is a JSON TMF630 body.
    missing = client.get(f"/api/v1/order-forms/{order_form.pk}/pdf", HTTP_ACCEPT="application/pdf")
    assert_tmf_error(missing, 404, "GEN-404")
