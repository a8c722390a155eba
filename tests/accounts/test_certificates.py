"""Client certificates: the platform's CA, CSR and generated key pairs, CRL, and the
TLS-proxy header path (SEC-01..03)."""

from __future__ import annotations

import base64
import hashlib
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.test import Client, RequestFactory

from guichet.accounts import ca
from guichet.accounts.api.authentication import authenticate_system_request
from guichet.accounts.models import ClientCertificate, User
from guichet.accounts.services import credentials as services
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.core.middleware import client_ip
from tests.accounts.credential_support import *  # noqa: F403
from tests.accounts.credential_support import AGENT_ADDRESS, OPERATOR_NETWORK, as_person, make_csr
from tests.api_checks import assert_tmf_error

pytestmark = pytest.mark.django_db
PROBE = "/api/v1/test/eligibility"
BODY = {
    "label": "SI commandes",
    "access": "read_write",
    "scopes": ["e-rdv", "eligibilite-ftte"],
    "allowed_networks": [OPERATOR_NETWORK],
}


def issue(admin: User, csr: str = "", days: int = 365) -> services.NewCertificate:
    return services.issue_certificate(
        actor=as_person(admin),
        operator=admin.operator,
        label="SI commandes",
        access="read_write",
        scopes=["e-rdv", "eligibilite-ftte"],
        allowed_networks=[OPERATOR_NETWORK],
        csr_pem=csr,
        validity_days=days,
    )


def load(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


# The CA -------------------------------------------------------------------------------


def test_sec_01_the_ca_is_created_on_first_use_and_published(ca_dir: Path) -> None:
    authority = ca.authority()
    assert stat.S_IMODE((ca_dir / "ca.key").stat().st_mode) == 0o600
    certificate = authority.certificate
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
    assert certificate.public_key().curve.name == "secp256r1"
    ca._cache.clear()  # another process loads the same CA from disk
    assert ca.authority().certificate == certificate
    response = Client().get("/pki/ca.pem")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-pem-file"
    assert load(response.content.decode()) == certificate


# Issuing ------------------------------------------------------------------------------


def test_sec_01_certificate_from_a_csr_has_our_subject_and_client_auth(
    admin_a: User, api_as: Any
) -> None:
    csr, key = make_csr("CN que la plateforme remplace")
    response = api_as(admin_a).post("/api/v1/certificates", {**BODY, "csr": csr}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "private_key_pem" not in body and "csr" not in body
    certificate = load(body["certificate_pem"])
    assert certificate.subject.rfc4514_string() == "O=Opérateur A,CN=OPEA-SI commandes"
    assert certificate.public_key() == key.public_key()
    certificate.verify_directly_issued_by(ca.authority().certificate)
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=365) <= lifetime <= timedelta(days=365, minutes=5)
    stored = ClientCertificate.objects.get(pk=body["id"])
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert stored.fingerprint == body["fingerprint"] == hashlib.sha256(der).hexdigest()
    assert stored.serial == format(certificate.serial_number, "X")
    assert stored.created_by == "admin.a" and stored.expires_at == certificate.not_valid_after_utc
    entry = AuditRecord.objects.get(action="accounts.certificate.issue")
    assert entry.after["key_generated"] is False and entry.after["serial"] == stored.serial


def test_sec_01_a_bad_csr_is_refused(admin_a: User, api_as: Any) -> None:
    good, _ = make_csr()
    tampered = x509.load_pem_x509_csr(good.encode()).public_bytes(serialization.Encoding.DER)
    tampered = tampered[:-8] + bytes(8)  # the signature no longer matches
    tampered_pem = (
        "-----BEGIN CERTIFICATE REQUEST-----\n"
        + base64.encodebytes(tampered).decode()
        + "-----END CERTIFICATE REQUEST-----\n"
    )
    weak, _ = make_csr(key=rsa.generate_private_key(public_exponent=65537, key_size=1024))  # noqa: S505
    for csr in (tampered_pem, weak, "pas une CSR"):
        response = api_as(admin_a).post("/api/v1/certificates", {**BODY, "csr": csr}, format="json")
        body = assert_tmf_error(response, 422, "SEC-017")
        assert body["propertyPath"] == "csr"
    assert not ClientCertificate.objects.exists()


def test_sec_01_generated_key_pair_is_returned_once_and_never_stored(
    admin_a: User, api_as: Any
) -> None:
    client = api_as(admin_a)
    response = client.post("/api/v1/certificates", {**BODY, "validity_days": 90}, format="json")
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    certificate = load(body["certificate_pem"])
    key = serialization.load_pem_private_key(body["private_key_pem"].encode(), password=None)
    assert key.public_key() == certificate.public_key()
    bundle = pkcs12.load_pkcs12(base64.b64decode(body["pkcs12"]), body["pkcs12_password"].encode())
    assert bundle.cert.certificate == certificate
    assert bundle.key.public_key() == certificate.public_key()
    assert [extra.certificate for extra in bundle.additional_certs] == [ca.authority().certificate]
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=90) <= lifetime <= timedelta(days=90, minutes=5)
    secret_part = body["private_key_pem"].splitlines()[1]
    assert secret_part not in str(ClientCertificate.objects.values().get())
    assert secret_part not in client.get(f"/api/v1/certificates/{body['id']}").content.decode()
    assert AuditRecord.objects.get(action="accounts.certificate.issue").after["key_generated"]


# CRL ------------------------------------------------------------------------------------


def test_sec_01_crl_lists_a_revoked_serial(
    admin_a: User, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    revoked, kept = issue(admin_a).certificate, issue(admin_a).certificate
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(admin_a).post(
            f"/api/v1/certificates/{revoked.pk}/revoke", {"reason": "key_compromise"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "revoked"
    assert response.json()["revocation_reason"] == "key_compromise"
    response = Client().get("/pki/crl.pem")  # public
    assert response.status_code == 200
    crl = x509.load_pem_x509_crl(response.content)
    assert crl.is_signature_valid(ca.authority().certificate.public_key())
    assert crl.issuer == ca.authority().certificate.subject
    assert crl.next_update_utc > datetime.now(UTC) + timedelta(days=7)
    entry = crl.get_revoked_certificate_by_serial_number(int(revoked.serial, 16))
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason == x509.ReasonFlags.key_compromise
    assert crl.get_revoked_certificate_by_serial_number(int(kept.serial, 16)) is None
    response = api_as(admin_a).post(f"/api/v1/certificates/{revoked.pk}/revoke", {}, format="json")
    assert_tmf_error(response, 409, "SEC-018")


def test_sec_01_crl_download_is_never_older_than_the_last_revocation(admin_a: User) -> None:
    first = issue(admin_a).certificate
    services.refresh_crl()
    # Revoked without the after-commit rewrite (the test transaction never commits).
    services.revoke_credential(actor=as_person(admin_a), credential=first, reason="superseded")
    crl = x509.load_pem_x509_crl(Client().get("/pki/crl.pem").content)
    assert crl.get_revoked_certificate_by_serial_number(int(first.serial, 16)) is not None


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command not installed")
def test_sec_01_openssl_verifies_like_nginx_does(admin_a: User, ca_dir: Path) -> None:
    """nginx (ssl_client_certificate + ssl_crl) relies on OpenSSL's chain and CRL checks."""
    good, bad = issue(admin_a).certificate, issue(admin_a).certificate
    services.revoke_credential(actor=as_person(admin_a), credential=bad, reason="key_compromise")
    services.refresh_crl()
    for certificate, expected in ((good, "OK"), (bad, "certificate revoked")):
        path = ca_dir / f"{certificate.serial}.pem"
        path.write_text(certificate.pem)
        result = subprocess.run(
            ["openssl", "verify", "-crl_check", "-purpose", "sslclient", "-CAfile",
             str(ca_dir / "ca.pem"), "-CRLfile", str(ca_dir / "crl.pem"), str(path)],
            capture_output=True, text=True, check=False, timeout=30,
        )  # fmt: skip
        assert expected in result.stdout + result.stderr


# The header path behind nginx ------------------------------------------------------------


@pytest.fixture
def behind_proxy(settings: Any) -> None:
    """Production: one nginx in front (the client address comes from X-Forwarded-For)."""
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_01_certificate_forwarded_by_a_trusted_proxy_is_accepted(
    admin_a: User, person_a: User, system_api: Any, behind_proxy: None
) -> None:
    certificate = issue(admin_a, make_csr()[0]).certificate
    response = system_api(certificate_pem=certificate.pem, on_behalf_of="agent.a").get(PROBE)
    assert response.status_code == 200, response.content
    assert response.json()["credential"] == f"cert:{certificate.serial}"
    assert response.json()["login"] == "agent.a"
    certificate.refresh_from_db()
    assert certificate.last_used_at is not None


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_01_certificate_header_from_an_untrusted_peer_is_ignored(
    admin_a: User, person_a: User, system_api: Any, behind_proxy: None, settings: Any
) -> None:
    pem = issue(admin_a).certificate.pem

    def call(peer: str) -> Any:
        return system_api(certificate_pem=pem, on_behalf_of="agent.a", peer=peer).get(PROBE)

    assert call("127.0.0.1").status_code == 200
    assert_tmf_error(call(AGENT_ADDRESS), 401, "GEN-401")  # straight to the app, no proxy
    settings.GUICHET_CERT_PROXIES = "10.0.0.0/8, fd00::1"
    assert_tmf_error(call("127.0.0.1"), 401, "GEN-401")  # no longer a trusted proxy
    assert call("10.1.2.3").status_code == 200
    assert call("fd00::1").status_code == 200
    assert not AuditRecord.objects.filter(action="accounts.credential.refused").exists()


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_01_revoked_expired_or_foreign_certificates_are_refused(
    admin_a: User,
    person_a: User,
    system_api: Any,
    behind_proxy: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    revoked, short = issue(admin_a).certificate, issue(admin_a, days=1).certificate
    services.revoke_credential(actor=as_person(admin_a), credential=revoked, reason="superseded")
    response = system_api(certificate_pem=revoked.pem, on_behalf_of="agent.a").get(PROBE)
    assert_tmf_error(response, 401, "SEC-021")

    # Another CA, even one with the same name, signs nothing we accept.
    other_key = ec.generate_private_key(ec.SECP256R1())
    ours = ca.authority().certificate
    forged = (
        x509.CertificateBuilder()
        .subject_name(load(short.pem).subject)
        .issuer_name(ours.subject)
        .public_key(other_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.now(UTC) - timedelta(days=1))
        .not_valid_after(datetime.now(UTC) + timedelta(days=30))
        .sign(other_key, hashes.SHA256())
    )
    forged_pem = forged.public_bytes(serialization.Encoding.PEM).decode()
    body = assert_tmf_error(
        system_api(certificate_pem=forged_pem, on_behalf_of="agent.a").get(PROBE), 401, "SEC-026"
    )
    assert "autorité" in body["message"] or "authority" in body["message"]
    garbage = system_api(certificate_pem="-----BEGIN CERTIFICATE-----\nxx", on_behalf_of="agent.a")
    assert_tmf_error(garbage.get(PROBE), 401, "SEC-026")
    failed = system_api(certificate_pem=short.pem, on_behalf_of="agent.a")
    assert_tmf_error(failed.get(PROBE, HTTP_X_SSL_CLIENT_VERIFY="FAILED:expired"), 401, "SEC-026")

    class TwoDaysLater(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) + timedelta(days=2)

    monkeypatch.setattr(ca, "datetime", TwoDaysLater)
    response = system_api(certificate_pem=short.pem, on_behalf_of="agent.a").get(PROBE)
    assert_tmf_error(response, 401, "SEC-022")
    refused = AuditRecord.objects.filter(action="accounts.credential.refused")
    assert sorted(refused.values_list("after__code", flat=True)) == ["SEC-021", "SEC-022"]


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_02_certificate_call_checks_the_forwarded_client_address(
    admin_a: User, person_a: User, system_api: Any, behind_proxy: None
) -> None:
    certificate = issue(admin_a).certificate
    client = system_api(
        certificate_pem=certificate.pem, on_behalf_of="agent.a", address="203.0.113.50"
    )
    assert_tmf_error(client.get(PROBE), 403, "SEC-023")
    entry = AuditRecord.objects.get(action="accounts.credential.refused")
    assert (entry.ip, entry.credential) == ("203.0.113.50", f"cert:{certificate.serial}")
    missing = system_api(certificate_pem=certificate.pem)
    assert_tmf_error(missing.get(PROBE), 400, "SEC-024")
    assert verify()[1] == []


def test_sec_03_soap_door_accepts_a_forwarded_certificate(
    admin_a: User, person_a: User, behind_proxy: None
) -> None:
    certificate = issue(admin_a).certificate
    request = RequestFactory().post(
        "/ws/eligibilite",
        data=b"<x/>",
        content_type="text/xml",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=AGENT_ADDRESS,
        HTTP_X_SSL_CLIENT_CERT=certificate.pem.replace("\n", "%0A").replace(" ", "%20"),
        HTTP_X_ON_BEHALF_OF="agent.a",
    )
    request.channel = "soap"
    request.client_ip = client_ip(request)  # what RequestContextMiddleware does
    principal = authenticate_system_request(request)
    assert principal is not None
    assert principal.credential == f"cert:{certificate.serial}"
    assert (principal.login, principal.ip, principal.channel) == ("agent.a", AGENT_ADDRESS, "soap")
