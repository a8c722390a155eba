"""CTR rules through the portal door: operator pages and the Provider's back-office."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guichet.accounts.models import User
from guichet.operators.models import (
    DocumentKind,
    OrderForm,
    OrderFormStatus,
    Subscription,
    WholesaleContract,
)
from guichet.operators.services import terminations
from tests.factories import SYSTEM
from tests.operators.contract_fixtures import (
    contract_operator,
    contract_ready,
    document,
    load_catalogue,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-2026!"
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


def logged_in(user: User) -> Client:
    client = Client()
    response = client.post("/connexion/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def order_through_portal(admin: User, provider: User, code: str = "e-rdv") -> OrderForm:
    client = logged_in(admin)
    response = client.post(
        "/administration/contrats/bons-de-commande/nouveau",
        {
            "service": code,
            "designated_persons": "Paul Martin ; paul@opea.example ; opea.pmartin\n",
            "comment": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    order_form = OrderForm.objects.get()
    response = client.post(
        f"/administration/contrats/bons-de-commande/{order_form.pk}/",
        {
            "action": "accept",
            "signatory_name": "Claire Dupont",
            "signatory_capacity": "Directrice générale",
            "accept": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    staff = logged_in(provider)
    url = f"/back-office/contrats/bons-de-commande/{order_form.pk}/"
    assert staff.post(url, {"action": "validate"}).status_code == 302
    assert staff.post(url, {"action": "activate", "activated_on": str(TODAY())}).status_code == 302
    order_form.refresh_from_db()
    return order_form


def test_ctr_04_portal_shows_versions_in_force(
    catalogue: Any, operator_a: Any, admin_a: User
) -> None:
    contract_ready(operator_a, admin_a)
    client = logged_in(admin_a)
    page = client.get("/administration/contrats/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Documents en vigueur" in html and "31 janvier 2019" in html
    assert "Accord-cadre" in html and "Annexe 2" in html
    general = document(DocumentKind.GENERAL)
    signature = general.signatures.get(operator=operator_a)
    pdf = client.get(f"/administration/contrats/signatures/{signature.pk}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_ctr_02_portal_refuses_general_conditions_before_framework(
    catalogue: Any, admin_a: User
) -> None:
    general = document(DocumentKind.GENERAL)
    response = logged_in(admin_a).post(
        f"/administration/contrats/documents/{general.pk}/signer",
        {"signatory_name": "Claire Dupont", "signatory_capacity": "DG", "place": "Niort"},
    )
    assert response.status_code == 409
    assert "CTR-010" in response.content.decode()


def test_ctr_05_portal_order_refused_without_wholesale(
    catalogue: Any, operator_a: Any, admin_a: User
) -> None:
    contract_ready(operator_a, admin_a)
    WholesaleContract.objects.all().delete()
    response = logged_in(admin_a).post(
        "/administration/contrats/bons-de-commande/nouveau",
        {"service": "e-mutation", "designated_persons": ""},
    )
    assert response.status_code == 409
    assert "CTR-021" in response.content.decode()


def test_ctr_05_06_portal_order_signed_validated_activated(
    catalogue: Any, operator_a: Any, admin_a: User, admin_b: User, provider_staff: User
) -> None:
    contract_ready(operator_a, admin_a)
    order_form = order_through_portal(admin_a, provider_staff)
    assert order_form.status == OrderFormStatus.ACTIVATED
    assert order_form.pdf_sha256 and order_form.signature_method == "electronic"
    subscription = Subscription.objects.get(operator=operator_a)
    assert subscription.order_received_on == order_form.received_on
    assert User.objects.get(username="opea.pmartin").requested_on == order_form.received_on
    page = logged_in(admin_a).get("/administration/contrats/souscriptions/").content.decode()
    assert "e-RDV Grand Public" in page
    other = logged_in(admin_b).get(f"/administration/contrats/bons-de-commande/{order_form.pk}/")
    assert other.status_code == 404


def test_ctr_05_backoffice_is_the_providers(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User
) -> None:
    for url in (
        "/back-office/contrats/",
        "/back-office/contrats/signatures/",
        "/back-office/contrats/offres-de-gros/",
        "/back-office/contrats/bons-de-commande/",
        "/back-office/contrats/resiliations/",
        "/back-office/contrats/publier",
        "/back-office/contrats/signatures/signer",
    ):
        assert logged_in(provider_staff).get(url).status_code == 200, url
        assert logged_in(admin_a).get(url).status_code == 403, url


def test_ctr_03_backoffice_countersigns(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User
) -> None:
    framework = document(DocumentKind.FRAMEWORK)
    client = logged_in(admin_a)
    response = client.post(
        f"/administration/contrats/documents/{framework.pk}/signer",
        {
            "signatory_name": "Claire Dupont",
            "signatory_capacity": "DG",
            "place": "Niort",
            "signed_on": str(TODAY() - timedelta(days=2)),
        },
    )
    assert response.status_code == 302
    response = logged_in(provider_staff).post(
        "/back-office/contrats/signatures/signer",
        {
            "operator": operator_a.pk,
            "document": framework.pk,
            "signatory_name": "René Bauruel",
            "signatory_capacity": "Président",
            "signed_on": str(TODAY()),
        },
    )
    assert response.status_code == 302, response.content.decode()
    signature = framework.signatures.get()
    assert signature.effective_on == TODAY()


def test_ctr_09_backoffice_publishes_a_new_version(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User
) -> None:
    contract_ready(operator_a, admin_a)
    response = logged_in(provider_staff).post(
        "/back-office/contrats/publier",
        {"kind": "annex-2", "version": "v2026", "effective_on": str(TODAY())},
    )
    assert response.status_code == 302, response.content.decode()
    page = logged_in(admin_a).get("/administration/contrats/").content.decode()
    assert "v2026" in page and "Signer" in page


def test_ctr_08_portal_terminates_one_service(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User
) -> None:
    contract_ready(operator_a, admin_a)
    order_form = order_through_portal(admin_a, provider_staff)
    url = f"/administration/contrats/souscriptions/{order_form.subscription_id}/resilier"
    client = logged_in(admin_a)
    assert "Préavis des Conditions Spécifiques : 3 mois" in client.get(url).content.decode()
    assert client.post(url, {"reason": "Arrêt"}).status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.termination_kind == Subscription.TerminationKind.OPERATOR
    again = client.post(url, {"reason": "Arrêt"})
    assert again.status_code == 409 and "CTR-031" in again.content.decode()


def test_ctr_14_portal_downloads_the_data_archive(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User
) -> None:
    contract_ready(operator_a, admin_a)
    order_form = order_through_portal(admin_a, provider_staff)
    client = logged_in(admin_a)
    client.post(f"/administration/contrats/souscriptions/{order_form.subscription_id}/resilier")
    subscription = Subscription.objects.get()
    terminations.apply_due_terminations(actor=SYSTEM, today=subscription.ends_on)
    page = client.get("/administration/contrats/souscriptions/").content.decode()
    assert "Archive des données" in page
    archive = client.get(f"/administration/contrats/souscriptions/{subscription.pk}/donnees")
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"


def test_ctr_07_portal_terminates_the_contract(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User
) -> None:
    contract_ready(operator_a, admin_a)
    order_through_portal(admin_a, provider_staff)
    assert logged_in(admin_a).post("/administration/contrats/resilier").status_code == 302
    assert Subscription.objects.get().termination_kind == Subscription.TerminationKind.CONTRACT


def test_ctr_05_portal_signed_scan_uploaded(catalogue: Any, operator_a: Any, admin_a: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    contract_ready(operator_a, admin_a)
    client = logged_in(admin_a)
    client.post(
        "/administration/contrats/bons-de-commande/nouveau",
        {"service": "e-sav", "designated_persons": ""},
    )
    order_form = OrderForm.objects.get()
    url = f"/administration/contrats/bons-de-commande/{order_form.pk}/"
    not_pdf = SimpleUploadedFile("bon.txt", b"texte", content_type="text/plain")
    refused = client.post(
        url,
        {"action": "scan", "scan": not_pdf, "signatory_name": "C D", "signatory_capacity": "DG"},
    )
    assert refused.status_code == 422 and "CTR-025" in refused.content.decode()
    scan = SimpleUploadedFile("bon.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = client.post(
        url, {"action": "scan", "scan": scan, "signatory_name": "C D", "signatory_capacity": "DG"}
    )
    assert response.status_code == 302, response.content.decode()
    order_form.refresh_from_db()
    assert order_form.status == OrderFormStatus.RECEIVED
    assert order_form.signature_method == OrderForm.SignatureMethod.SCAN


def test_ctr_11_portal_termination_without_penalty(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User
) -> None:
    contract_ready(operator_a, admin_a)
    order_form = order_through_portal(admin_a, provider_staff)
    effective = TODAY() + timedelta(days=40)
    response = logged_in(provider_staff).post(
        "/back-office/contrats/publier",
        {
            "kind": "specific",
            "service": "e-rdv",
            "version": "v2",
            "effective_on": str(effective),
            "substantial": "on",
            "change_summary": "Créneaux réduits",
        },
    )
    assert response.status_code == 302, response.content.decode()
    client = logged_in(admin_a)
    assert (
        "Résilier sans pénalité"
        in client.get("/administration/contrats/souscriptions/").content.decode()
    )
    url = (
        f"/administration/contrats/souscriptions/{order_form.subscription_id}/"
        "resilier-sans-penalite"
    )
    assert effective.strftime("%d/%m/%Y") in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.ends_on == effective
    assert subscription.termination_kind == Subscription.TerminationKind.SUBSTANTIAL_CHANGE


def test_ctr_05_wholesale_contract_ended_blocks_new_orders(
    catalogue: Any, operator_a: Any, admin_a: User, provider_staff: User, api_as: Any
) -> None:
    contract_ready(operator_a, admin_a)
    contract = WholesaleContract.objects.get()
    staff = logged_in(provider_staff)
    assert (
        "Enregistrer la fin" in staff.get("/back-office/contrats/offres-de-gros/").content.decode()
    )
    response = staff.post(f"/back-office/contrats/offres-de-gros/{contract.pk}/terminer")
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.ended_on == TODAY()
    again = api_as(provider_staff).post(
        f"/api/v1/contracts/wholesale/{contract.pk}/end", {}, format="json"
    )
    assert again.status_code == 422 and again.json()["code"] == "CTR-027"
    refused = api_as(admin_a).post("/api/v1/order-forms", {"service": "e-rdv"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "CTR-021"
