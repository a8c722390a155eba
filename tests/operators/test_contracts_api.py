"""CTR-02..15 through the REST door (/api/v1/contracts, order-forms, subscriptions)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from guichet.accounts.models import Role, User
from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.notifications.models import OutboundEmail
from guichet.operators import rendering
from guichet.operators.models import (
    ContractDocument,
    DocumentKind,
    Signature,
    Subscription,
    WholesaleOffer,
)
from guichet.operators.selectors import active_subscriptions_for
from guichet.operators.selectors.contracts import signed
from guichet.operators.services import terminations
from tests.api_checks import assert_tmf_error
from tests.factories import SYSTEM, make_person
from tests.operators.contract_fixtures import (
    contract_operator,
    contract_ready,
    document,
    load_catalogue,
    sign_both,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def operator_a(db: None) -> Any:
    return contract_operator("OPEA", "Opérateur A")


@pytest.fixture
def operator_b(db: None) -> Any:
    return contract_operator("OPEB", "Opérateur B")


@pytest.fixture
def catalogue(db: None) -> Any:
    return load_catalogue()


def persons() -> list[dict[str, str]]:
    return [{"name": "Paul Martin", "email": "paul@opea.example", "login": "opea.pmartin"}]


def order(client: Any, code: str = "e-rdv", **extra: Any) -> Any:
    body = {"service": code, "designated_persons": persons(), **extra}
    return client.post("/api/v1/order-forms", body, format="json")


def test_ctr_15_catalogue_loads_idempotently(db: None) -> None:
    call_command("load_contract_documents")
    count = ContractDocument.objects.count()
    call_command("load_contract_documents")
    assert ContractDocument.objects.count() == count
    kinds = set(ContractDocument.objects.values_list("kind", flat=True))
    assert kinds == set(DocumentKind.values)
    general = ContractDocument.objects.get(kind=DocumentKind.GENERAL)
    assert general.version == "31 janvier 2019"
    assert "Annexe 1" not in general.body
    specific = ContractDocument.objects.get(kind=DocumentKind.SPECIFIC, service__code="e-rdv")
    assert specific.minimum_commitment_months == 12
    assert specific.termination_notice_months == 3


def test_ctr_15_document_filled_with_operator_identity(catalogue: Any, operator_a: Any) -> None:
    general = document(DocumentKind.GENERAL)
    text = rendering.fill(
        general.body,
        rendering.Party.of(operator_a),
        place="Niort",
        on=date(2026, 3, 1),
        contract_number="OPEA-1",
    )
    assert "XXX" not in text and "#ville#" not in text and "#date#" not in text
    assert "Opérateur A, société anonyme au capital de 1\u202f250\u202f000 €" in text
    assert "immatriculée au RCS de Niort sous le numéro 812 345 678" in text
    assert "par Claire Dupont, en sa qualité de Directrice générale," in text
    assert "Fait à Niort, le 1er mars 2026" in text


def test_ctr_15_incomplete_identity_refused(catalogue: Any, api_as: Any) -> None:
    from tests.factories import make_operator

    bare = make_operator("OPEZ")
    admin = make_person("admin.z", bare, Role.ADMIN)
    framework = document(DocumentKind.FRAMEWORK)
    response = api_as(admin).post(
        "/api/v1/contracts/signatures",
        {
            "document": framework.pk,
            "signatory_name": "Z",
            "signatory_capacity": "PDG",
            "place": "Niort",
        },
        format="json",
    )
    assert_tmf_error(response, 422, "CTR-014")


def test_ctr_02_general_conditions_refused_before_framework(
    catalogue: Any, admin_a: User, api_as: Any
) -> None:
    client = api_as(admin_a)
    general = document(DocumentKind.GENERAL)
    body = {
        "document": general.pk,
        "signatory_name": "Claire Dupont",
        "signatory_capacity": "Directrice générale",
        "place": "Niort",
    }
    assert_tmf_error(
        client.post("/api/v1/contracts/signatures", body, format="json"), 409, "CTR-010"
    )
    assert not Signature.objects.exists()


def test_ctr_03_contract_effective_at_last_signature(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any
) -> None:
    framework = document(DocumentKind.FRAMEWORK)
    body = {
        "document": framework.pk,
        "signatory_name": "Claire Dupont",
        "signatory_capacity": "Directrice générale",
        "signed_on": str(TODAY() - timedelta(days=10)),
        "place": "Niort",
    }
    first = api_as(admin_a).post("/api/v1/contracts/signatures", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["effective_on"] is None
    provider_body = {
        "document": framework.pk,
        "operator": operator_a.pk,
        "signatory_name": "René Bauruel",
        "signatory_capacity": "Président",
        "signed_on": str(TODAY() - timedelta(days=3)),
    }
    second = api_as(provider_staff).post(
        "/api/v1/contracts/signatures", provider_body, format="json"
    )
    assert second.status_code == 201, second.content
    data = second.json()
    assert data["effective_on"] == str(TODAY() - timedelta(days=3))
    assert data["operator_signatory_name"] == "Claire Dupont"
    assert data["provider_signatory_capacity"] == "Président"
    assert data["document_version"] == "31 janvier 2019"
    pdf = api_as(admin_a).get(f"/api/v1/contracts/signatures/{data['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert rendering.sha256(pdf.content) == data["pdf_sha256"]
    assert AuditRecord.objects.filter(action="operators.signature.sign_provider").exists()
    again = api_as(admin_a).post("/api/v1/contracts/signatures", body, format="json")
    assert_tmf_error(again, 409, "CTR-012")
    # The other operator cannot see it; a read-only person cannot sign.
    assert_tmf_error(
        api_as(make_person("admin.b", operator_b_of(), Role.ADMIN)).get(
            f"/api/v1/contracts/signatures/{data['id']}"
        ),
        404,
        "GEN-404",
    )


def operator_b_of() -> Any:
    from tests.factories import make_operator

    return make_operator("OPEY")


def test_ctr_04_versions_in_force(
    catalogue: Any, operator_a: Any, admin_a: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    response = api_as(admin_a).get("/api/v1/contracts/in-force")
    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.json()}
    assert rows["framework"]["version"] == "31 janvier 2019" and rows["framework"]["signature"]
    assert rows["general"]["version"] == "31 janvier 2019"
    assert rows["annex-2"]["version"] is None  # Annex 2 awaits its own signatures
    assert rows["annex-2"]["pending_version"] == "31 janvier 2019"
    assert rows["annex-1"]["version"] == "31 janvier 2019"


def test_ctr_09_new_general_conditions_need_new_signatures(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    published = api_as(provider_staff).post(
        "/api/v1/contracts/documents",
        {
            "kind": "general",
            "version": "1er janvier 2026",
            "effective_on": str(TODAY()),
            "change_summary": "Article 8 reformulé",
        },
        format="json",
    )
    assert published.status_code == 201, published.content
    assert OutboundEmail.objects.filter(reason="operators.contracts.new_version_to_sign").exists()
    rows = {row["kind"]: row for row in api_as(admin_a).get("/api/v1/contracts/in-force").json()}
    assert rows["general"]["version"] == "31 janvier 2019"
    assert rows["general"]["pending_version"] == "1er janvier 2026"
    sign_both(operator_a, DocumentKind.GENERAL, admin_a, on=TODAY())
    rows = {row["kind"]: row for row in api_as(admin_a).get("/api/v1/contracts/in-force").json()}
    assert rows["general"]["version"] == "1er janvier 2026"
    assert rows["general"]["pending_version"] is None


def test_ctr_10_annex_change_notified_one_month_ahead(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    client = api_as(provider_staff)
    body = {"kind": "annex-3", "version": "v2", "effective_on": str(TODAY() + timedelta(days=10))}
    assert_tmf_error(
        client.post("/api/v1/contracts/documents", body, format="json"), 422, "CTR-016"
    )
    body["effective_on"] = str(TODAY() + relativedelta(months=1))
    assert client.post("/api/v1/contracts/documents", body, format="json").status_code == 201
    email = OutboundEmail.objects.get(reason="operators.contracts.document_changed")
    assert admin_a.email in email.recipients
    # An operator may not publish.
    assert_tmf_error(
        api_as(admin_a).post(
            "/api/v1/contracts/documents", {**body, "version": "v3"}, format="json"
        ),
        403,
        "CTR-001",
    )


def test_ctr_05_order_refused_before_general_conditions(
    catalogue: Any, admin_a: User, api_as: Any
) -> None:
    assert_tmf_error(order(api_as(admin_a)), 409, "CTR-020")


def test_ctr_05_order_refused_without_wholesale_contract(
    catalogue: Any, operator_a: Any, admin_a: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a, WholesaleOffer.FTTH_ACCESS)
    client = api_as(admin_a)
    body = assert_tmf_error(order(client, "eligibilite-ftte"), 409, "CTR-021")
    assert "Accès FTTE" in body["message"]
    assert_tmf_error(order(client, "e-soutien"), 409, "CTR-022")
    assert order(client, "e-mutation").status_code == 201
    assert_tmf_error(order(client, "e-mutation"), 409, "CTR-023")


def test_ctr_05_designated_persons_checked(
    catalogue: Any, operator_a: Any, admin_a: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    bad = [{"name": "Paul", "email": "pas-un-courriel", "login": "p"}]
    assert_tmf_error(order(api_as(admin_a), designated_persons=bad), 422, "CTR-025")


def test_ctr_05_06_order_signed_validated_activated(
    catalogue: Any,
    operator_a: Any,
    admin_a: User,
    reader_a: User,
    admin_b: User,
    provider_staff: User,
    api_as: Any,
) -> None:
    contract_ready(operator_a, admin_a)
    client = api_as(admin_a)
    created = order(client)
    assert created.status_code == 201, created.content
    form = created.json()
    assert form["status"] == "draft" and form["specific_conditions_version"] == "31 janvier 2019"
    url = f"/api/v1/order-forms/{form['id']}"
    assert_tmf_error(api_as(reader_a).post(f"{url}/sign", {}, format="json"), 403, "GEN-403-RO")
    assert_tmf_error(api_as(admin_b).get(url), 404, "GEN-404")
    assert_tmf_error(client.post(f"{url}/validate", format="json"), 403, "CTR-001")
    signed = client.post(
        f"{url}/sign",
        {"signatory_name": "Claire Dupont", "signatory_capacity": "Directrice générale"},
        format="json",
    )
    assert signed.status_code == 200, signed.content
    form = signed.json()
    assert form["status"] == "received" and form["received_on"] == str(TODAY())
    pdf = client.get(f"{url}/pdf")
    assert pdf.content.startswith(b"%PDF") and rendering.sha256(pdf.content) == form["pdf_sha256"]
    staff = api_as(provider_staff)
    assert_tmf_error(staff.post(f"{url}/activate", {}, format="json"), 409, "CTR-026")
    assert staff.post(f"{url}/validate", format="json").json()["status"] == "validated"
    activated = staff.post(f"{url}/activate", {"activated_on": str(TODAY())}, format="json")
    assert activated.status_code == 200, activated.content
    subscription = Subscription.objects.get(pk=activated.json()["id"])
    assert subscription.order_received_on == TODAY()
    assert subscription.activated_on == TODAY()
    assert subscription.minimum_commitment_months == 12
    person = User.objects.get(username="opea.pmartin")
    assert person.operator_id == operator_a.pk and person.requested_on == TODAY()
    listed = client.get("/api/v1/subscriptions").json()
    assert [row["service"] for row in listed] == ["e-rdv"]
    assert client.get(f"{url}").json()["status"] == "activated"
    assert AuditRecord.objects.filter(action="operators.order_form.activate").exists()


def test_ctr_05_signed_scan_uploaded(
    catalogue: Any, operator_a: Any, admin_a: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    client = api_as(admin_a)
    form = order(client).json()
    scan = io.BytesIO(b"%PDF-1.4 scanned order form")
    scan.name = "bon.pdf"
    response = client.post(
        f"/api/v1/order-forms/{form['id']}/scan",
        {"scan": scan, "signatory_name": "Claire Dupont", "signatory_capacity": "DG"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["signature_method"] == "scan"
    assert response.json()["pdf_sha256"] == rendering.sha256(b"%PDF-1.4 scanned order form")


def subscribe(
    operator: Any, admin: User, provider: User, api_as: Any, code: str = "e-rdv"
) -> Subscription:
    client = api_as(admin)
    form = order(client, code, designated_persons=[]).json()
    url = f"/api/v1/order-forms/{form['id']}"
    client.post(f"{url}/sign", {"signatory_name": "C D", "signatory_capacity": "DG"}, format="json")
    api_as(provider).post(f"{url}/validate", format="json")
    response = api_as(provider).post(f"{url}/activate", {}, format="json")
    assert response.status_code == 200, response.content
    return Subscription.objects.get(pk=response.json()["id"])


def test_ctr_08_terminate_one_service_with_its_notice(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    subscription = subscribe(operator_a, admin_a, provider_staff, api_as)
    response = api_as(admin_a).post(
        f"/api/v1/subscriptions/{subscription.pk}/terminate", {"reason": "fin"}, format="json"
    )
    assert response.status_code == 200, response.content
    subscription.refresh_from_db()
    assert subscription.ends_on == TODAY() + relativedelta(months=3)
    assert subscription.termination_kind == Subscription.TerminationKind.OPERATOR
    assert subscription.termination_requested_on == TODAY()
    # Ended within the 12-month commitment: the email says the fees run to its end.
    email = OutboundEmail.objects.filter(reason="operators.contracts.termination").last()
    assert "les abonnements restent dus" in email.body
    again = api_as(admin_a).post(
        f"/api/v1/subscriptions/{subscription.pk}/terminate", {}, format="json"
    )
    assert_tmf_error(again, 409, "CTR-031")


def test_ctr_07_terminate_whole_contract(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a, WholesaleOffer.FTTH_ACCESS, WholesaleOffer.FTTE)
    first = subscribe(operator_a, admin_a, provider_staff, api_as, "e-rdv")
    second = subscribe(operator_a, admin_a, provider_staff, api_as, "eligibilite-ftte")
    response = api_as(provider_staff).post(
        "/api/v1/contracts/terminate", {"operator": operator_a.pk, "reason": "fin"}, format="json"
    )
    assert response.status_code == 201, response.content
    for subscription in (first, second):
        subscription.refresh_from_db()
        assert subscription.ends_on == TODAY() + relativedelta(months=3)
        assert subscription.termination_kind == Subscription.TerminationKind.CONTRACT
    # Once notified, the ending Contract takes no new order; from its end the signatures
    # no longer count.
    assert_tmf_error(order(api_as(admin_a), "e-sav", designated_persons=[]), 409, "CTR-028")
    end = TODAY() + relativedelta(months=3)
    assert signed(operator_a, DocumentKind.GENERAL, on=end - timedelta(days=1)) is not None
    assert signed(operator_a, DocumentKind.GENERAL, on=end) is None
    assert signed(operator_a, DocumentKind.FRAMEWORK, on=end) is None


def test_ctr_11_substantial_change_opens_termination_without_penalty(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    subscription = subscribe(operator_a, admin_a, provider_staff, api_as)
    url = f"/api/v1/subscriptions/{subscription.pk}/terminate-substantial"
    assert_tmf_error(api_as(admin_a).post(url, format="json"), 409, "CTR-032")
    staff = api_as(provider_staff)
    body = {
        "kind": "specific",
        "service": "e-rdv",
        "version": "v2",
        "substantial": True,
        "effective_on": str(TODAY() + timedelta(days=5)),
    }
    assert_tmf_error(staff.post("/api/v1/contracts/documents", body, format="json"), 422, "CTR-016")
    body["effective_on"] = str(TODAY() + timedelta(days=45))
    assert staff.post("/api/v1/contracts/documents", body, format="json").status_code == 201
    email = OutboundEmail.objects.get(reason="operators.contracts.document_changed")
    assert "sans pénalité" in email.body and admin_a.email in email.recipients
    response = api_as(admin_a).post(url, format="json")
    assert response.status_code == 200, response.content
    subscription.refresh_from_db()
    assert subscription.ends_on == TODAY() + timedelta(days=45)
    assert subscription.termination_kind == Subscription.TerminationKind.SUBSTANTIAL_CHANGE


def test_ctr_14_effective_date_revokes_exports_then_destroys(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any, settings: Any
) -> None:
    settings.GUICHET_TERMINATION_RETENTION_DAYS = 30
    contract_ready(operator_a, admin_a)
    subscription = subscribe(operator_a, admin_a, provider_staff, api_as)
    api_as(admin_a).post(f"/api/v1/subscriptions/{subscription.pk}/terminate", {}, format="json")
    subscription.refresh_from_db()
    end = subscription.ends_on
    system = Principal.system("tests")
    assert active_subscriptions_for(system, on=end - timedelta(days=1)).filter(pk=subscription.pk)
    assert not active_subscriptions_for(system, on=end).filter(pk=subscription.pk)
    assert terminations.apply_due_terminations(actor=SYSTEM, today=end - timedelta(days=1)) == {
        "exported": 0,
        "destroyed": 0,
    }
    assert terminations.apply_due_terminations(actor=SYSTEM, today=end)["exported"] == 1
    archive = api_as(admin_a).get(f"/api/v1/subscriptions/{subscription.pk}/export")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "souscription.json" in names and any(n.endswith(".pdf") for n in names)
    later = end + timedelta(days=31)
    assert terminations.apply_due_terminations(actor=SYSTEM, today=later)["destroyed"] == 1
    gone = api_as(admin_a).get(f"/api/v1/subscriptions/{subscription.pk}/export")
    assert_tmf_error(gone, 410, "CTR-033")


def test_ctr_14_beat_schedules_the_task() -> None:
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "guichet.operators.tasks.apply_due_terminations" in tasks
