"""Fixtures and helpers of the system-credential tests (SEC-01..03, IAM-09).

Import the fixtures into a test module with ``from tests.accounts.credential_support import *``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import Client
from rest_framework.test import APIClient

from guichet.accounts.choices import CredentialAccess
from guichet.accounts.models import Role, User
from guichet.accounts.services import credentials as services
from guichet.core.context import Principal, principal_for_user
from guichet.operators.models import Operator
from tests.accounts.people_support import give_profile, subscribe
from tests.factories import make_person

__all__ = [
    "AGENT_ADDRESS",
    "OPERATOR_NETWORK",
    "as_person",
    "ca_dir",
    "csr_pem",
    "fast_password_hashing",
    "key_of",
    "make_csr",
    "person_a",
    "portal_client",
    "system_api",
]

OPERATOR_NETWORK = "198.51.100.0/28"
AGENT_ADDRESS = "198.51.100.7"  # inside OPERATOR_NETWORK
PROXY = "127.0.0.1"


def as_person(user: User) -> Principal:
    """The principal the portal builds for ``user`` (signed in, no credential)."""
    return principal_for_user(user, channel="portal", ip="192.0.2.1", request_id="test")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """These tests create many people and never check a password: skip argon2's 0.8 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def ca_dir(settings: Any, tmp_path: Path) -> Path:
    """Every test gets its own CA, so no test trusts another's certificates."""
    settings.GUICHET_CA_DIR = str(tmp_path / "ca")
    return tmp_path / "ca"


@pytest.fixture
def person_a(operator_a: Operator) -> User:
    """An active member of operator A with e-RDV and eligibility rights (subscribed)."""
    subscribe(operator_a, "e-rdv", "eligibilite-ftte")
    person = make_person("agent.a", operator_a, Role.MEMBER)
    give_profile(person, "Agent SI", ["e-rdv:read", "e-rdv:book", "eligibilite-ftte:read"])
    return person


def key_of(
    admin: User,
    *,
    access: str = CredentialAccess.READ_WRITE,
    scopes: tuple[str, ...] = ("e-rdv", "eligibilite-ftte"),
    networks: tuple[str, ...] = (OPERATOR_NETWORK,),
    label: str = "SI commandes",
) -> services.NewApiKey:
    """A key of ``admin``'s operator, created by ``admin`` through the service."""
    return services.create_api_key(
        actor=as_person(admin),
        operator=admin.operator,
        label=label,
        access=access,
        scopes=list(scopes),
        allowed_networks=list(networks),
    )


@pytest.fixture
def system_api() -> Callable[..., APIClient]:
    """An API client presenting a key (or a certificate) from an address, on behalf of a person."""

    def build(
        *,
        token: str | None = None,
        certificate_pem: str | None = None,
        on_behalf_of: str | None = None,
        address: str = AGENT_ADDRESS,
        peer: str = PROXY,
    ) -> APIClient:
        headers: dict[str, str] = {}
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if certificate_pem is not None:
            # nginx: proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
            headers["HTTP_X_SSL_CLIENT_CERT"] = quote(certificate_pem)
            headers["HTTP_X_FORWARDED_FOR"] = address
            headers["REMOTE_ADDR"] = peer
        else:
            headers["REMOTE_ADDR"] = address
        if on_behalf_of is not None:
            headers["HTTP_X_ON_BEHALF_OF"] = on_behalf_of
        client = APIClient()
        client.credentials(**headers)
        return client

    return build


def make_csr(common_name: str = "ignored", key: Any = None) -> tuple[str, Any]:
    """A CSR (PEM) as an operator would make it, and its private key."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode("ascii"), key


@pytest.fixture
def csr_pem() -> str:
    return make_csr("systeme-commandes")[0]


def portal_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
