"""Managing system credentials: REST resources, who may manage them, portal and back-office
pages, « who is behind this credential » (SEC-01..03)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guichet.accounts.models import ApiKey, ClientCertificate, Role, User
from guichet.accounts.services import credentials as services
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.operators.models import Operator
from tests.accounts.credential_support import *  # noqa: F403
from tests.accounts.credential_support import (
    OPERATOR_NETWORK,
    as_person,
    key_of,
    make_csr,
    portal_client,
)
from tests.api_checks import ScopedResourceChecks, assert_tmf_error
from tests.factories import make_person

pytestmark = pytest.mark.django_db


class TestApiKeyResource(ScopedResourceChecks):
    list_url_name = "api:apikey-list"
    detail_url_name = "api:apikey-detail"
    audit_action = "accounts.apikey.update"
    change = {"label": "SI commandes — secours"}

    @pytest.fixture
    def resource(self, admin_a: User) -> ApiKey:
        return key_of(admin_a).key


class TestCertificateResource(ScopedResourceChecks):
    list_url_name = "api:certificate-list"
    detail_url_name = "api:certificate-detail"
    audit_action = "accounts.certificate.update"
    change = {"allowed_networks": ["192.0.2.0/24"]}

    @pytest.fixture
    def resource(self, admin_a: User) -> ClientCertificate:
        return services.issue_certificate(
            actor=as_person(admin_a),
            operator=admin_a.operator,
            label="SI",
            scopes=["e-rdv"],
            allowed_networks=[OPERATOR_NETWORK],
            csr_pem=make_csr()[0],
        ).certificate


NEW_KEY = {"label": "SI", "scopes": ["e-rdv"], "allowed_networks": ["192.0.2.1"]}


def test_sec_01_only_an_administrator_or_the_provider_manages_credentials(
    admin_a: User, operator_a: Operator, operator_b: Operator, provider_staff: User, api_as: Any
) -> None:
    member = make_person("membre.a", operator_a, Role.MEMBER)
    response = api_as(member).post("/api/v1/api-keys", NEW_KEY, format="json")
    assert_tmf_error(response, 403, "SEC-010")
    elsewhere = {**NEW_KEY, "operator": operator_b.pk}
    assert_tmf_error(
        api_as(admin_a).post("/api/v1/api-keys", elsewhere, format="json"), 403, "SEC-010"
    )
    response = api_as(provider_staff).post("/api/v1/api-keys", NEW_KEY, format="json")
    assert_tmf_error(response, 422, "GEN-422")  # the Provider names the operator
    response = api_as(provider_staff).post("/api/v1/api-keys", elsewhere, format="json")
    assert response.status_code == 201, response.content
    key = ApiKey.objects.get()
    assert (key.operator, key.created_by) == (operator_b, "agent.fournisseur")
    # Revocation by someone else's administrator: the key does not even exist for them.
    assert_tmf_error(api_as(admin_a).post(f"/api/v1/api-keys/{key.pk}/revoke"), 404, "GEN-404")
    response = api_as(provider_staff).post(
        f"/api/v1/api-keys/{key.pk}/revoke", {"reason": "test"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    entry = AuditRecord.objects.get(action="accounts.apikey.revoke")
    assert entry.after["reason"] == "test" and entry.operator_id is None


def test_sec_01_expiry_is_a_year_by_default_and_two_years_at_most(
    admin_a: User, api_as: Any
) -> None:
    client = api_as(admin_a)
    too_late = (timezone.now() + timedelta(days=800)).isoformat()
    response = client.post("/api/v1/api-keys", {**NEW_KEY, "expires_at": too_late}, format="json")
    assert_tmf_error(response, 422, "SEC-016")
    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = client.post("/api/v1/api-keys", {**NEW_KEY, "expires_at": past}, format="json")
    assert_tmf_error(response, 422, "SEC-016")
    in_two_years = (timezone.now() + timedelta(days=729)).isoformat()
    response = client.post(
        "/api/v1/api-keys", {**NEW_KEY, "expires_at": in_two_years}, format="json"
    )
    assert response.status_code == 201
    response = client.patch(
        f"/api/v1/api-keys/{response.json()['id']}", {"expires_at": past}, format="json"
    )
    assert_tmf_error(response, 422, "SEC-012")  # an expiry is never pushed back


# Portal: the operator's administrator ------------------------------------------------


def test_sec_01_administrator_creates_a_key_in_the_portal_and_sees_it_once(
    admin_a: User, reader_a: User
) -> None:
    client = portal_client(admin_a)
    page = client.get(reverse("credentials:list"))
    assert page.status_code == 200 and "Aucune clé d'API" in page.content.decode()
    response = client.post(
        reverse("credentials:apikey-create"),
        {
            "label": "SI commandes",
            "access": "read",
            "scopes": ["e-rdv", "tao"],
            "allowed_networks": "198.51.100.0/28\n203.0.113.4",
        },
    )
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    token = re.search(r'value="(gk_[a-z0-9]{8}\.[A-Za-z0-9_-]+)"', html).group(1)
    assert "ne sera plus jamais affichée" in html
    key = ApiKey.objects.get()
    assert key.prefix == token.split(".")[0] and key.scopes == ["e-rdv", "tao"]
    assert key.allowed_networks == ["198.51.100.0/28", "203.0.113.4"]
    listing = client.get(reverse("credentials:list")).content.decode()
    assert key.prefix in listing and token not in listing
    # People who do not administer the operator do not reach the page.
    assert portal_client(reader_a).get(reverse("credentials:list")).status_code == 403


def test_sec_02_portal_form_explains_a_refused_network(admin_a: User) -> None:
    response = portal_client(admin_a).post(
        reverse("credentials:apikey-create"),
        {"label": "SI", "access": "read", "scopes": ["e-rdv"], "allowed_networks": ""},
    )
    assert response.status_code == 200
    assert "SEC-013" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_sec_01_portal_issues_certificates_from_csr_or_generated_keys(admin_a: User) -> None:
    client = portal_client(admin_a)
    common = {"label": "SI", "access": "read_write", "scopes": ["e-rdv"], "validity_days": 365}
    common["allowed_networks"] = OPERATOR_NETWORK
    response = client.post(reverse("credentials:certificate-create"), {**common, "mode": "csr"})
    assert response.status_code == 200 and "Collez la CSR" in response.content.decode()
    csr, _ = make_csr()
    response = client.post(
        reverse("credentials:certificate-create"), {**common, "mode": "csr", "csr": csr}
    )
    assert response.status_code == 201
    assert "PRIVATE KEY" not in response.content.decode()
    response = client.post(
        reverse("credentials:certificate-create"), {**common, "mode": "generate"}
    )
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    key_link = re.search(
        r'id="download-key" href="data:application/x-pem-file;charset=us-ascii,([^"]+)"', html
    )
    key = serialization.load_pem_private_key(unquote(key_link.group(1)).encode(), password=None)
    generated = ClientCertificate.objects.latest("id")
    pem = client.get(reverse("credentials:certificate-pem", args=[generated.pk]))
    assert pem.status_code == 200 and pem.content.decode() == generated.pem
    assert x509.load_pem_x509_certificate(pem.content).public_key() == key.public_key()
    assert 'id="download-p12"' in html and 'id="pkcs12-password"' in html


def test_sec_01_portal_revokes_with_a_reason(admin_a: User) -> None:
    certificate = services.issue_certificate(
        actor=as_person(admin_a),
        operator=admin_a.operator,
        label="SI",
        scopes=["e-rdv"],
        allowed_networks=[OPERATOR_NETWORK],
    ).certificate
    client = portal_client(admin_a)
    url = reverse("credentials:certificate-revoke", args=[certificate.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "key_compromise"})
    assert response.status_code == 302 and response["Location"] == reverse("credentials:list")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revocation_reason == "key_compromise"
    assert "Révoqué" in client.get(reverse("credentials:list")).content.decode()


# Back-office: the Provider -------------------------------------------------------------


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_03_provider_asks_who_is_behind_a_credential(
    admin_a: User, admin_b: User, person_a: User, provider_staff: User, system_api: Any
) -> None:
    new = key_of(admin_a)
    key_of(admin_b, label="SI de B")
    system_api(token=new.token, on_behalf_of="agent.a").get("/api/v1/test/eligibility")
    system_api(token=new.token, on_behalf_of="agent.a", address="203.0.113.1").get(
        "/api/v1/test/eligibility"
    )
    client = portal_client(provider_staff)
    html = client.get(reverse("credentials:backoffice")).content.decode()
    assert new.key.prefix in html and "SI de B" in html and "admin.b" in html
    filtered = client.get(reverse("credentials:backoffice"), {"operator": admin_b.operator_id})
    assert new.key.prefix not in filtered.content.decode()
    answer = client.get(
        reverse("credentials:backoffice"), {"reference": f"apikey:{new.key.prefix}"}
    )
    html = answer.content.decode()
    assert 'id="identity"' in html and "admin.a" in html  # created by
    assert "agent.a" in html and "accounts.credential.refused" in html and "203.0.113.1" in html
    unknown = client.get(reverse("credentials:backoffice"), {"reference": "gk_inconnu0"})
    assert "Aucun accès système ne correspond" in unknown.content.decode()
    # The operator's administrator has no back-office.
    assert portal_client(admin_a).get(reverse("credentials:backoffice")).status_code == 403


def test_sec_01_ca_and_crl_are_public(admin_a: User) -> None:
    for name in ("credentials:ca-pem", "credentials:crl-pem"):
        response = Client().get(reverse(name))
        assert response.status_code == 200, name
        assert response.content.startswith(b"-----BEGIN")


def test_sec_04_the_journal_chain_holds_after_credential_management(admin_a: User) -> None:
    key = key_of(admin_a).key
    services.update_credential(actor=as_person(admin_a), credential=key, scopes=["tao", "e-rdv"])
    services.revoke_credential(actor=as_person(admin_a), credential=key)
    update = AuditRecord.objects.get(action="accounts.apikey.update")
    assert update.after == {"scopes": ["e-rdv", "tao"]}  # catalogue order
    count, problems = verify()
    assert count >= 3 and problems == []
