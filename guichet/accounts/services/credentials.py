"""Managing the system credentials of Mode Intégré: API keys and client certificates (SEC-01, SEC-02).

An operator's administrator (right ``users:administer``) or the Provider's staff create
them for one operator. Secrets are shown once: an API key's secret is kept only as its
SHA-256, a generated private key is never kept at all. Every credential declares the
source addresses it may be used from; at least one is required, since an empty list
would refuse every call (SEC-02, Annex 2 §1–2).
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from guichet.accounts import ca
from guichet.accounts import credential_selectors as selectors
from guichet.accounts.choices import CredentialAccess
from guichet.accounts.errors.credentials import (
    CREDENTIAL_ALREADY_REVOKED,
    CREDENTIAL_FORBIDDEN,
    CREDENTIAL_INVALID,
    CREDENTIAL_PERSON_ONLY,
    CSR_INVALID,
    EXPIRY_INVALID,
    NETWORK_INVALID,
    NETWORKS_REQUIRED,
    SCOPE_UNKNOWN,
)
from guichet.accounts.models import ApiKey, ClientCertificate, Role
from guichet.audit.recorder import changes, record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator

API_KEY_PREFIX = "gk_"
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
DEFAULT_VALIDITY_DAYS = 365
MAX_VALIDITY_DAYS = 730
ADMINISTER = "users:administer"
EDITABLE = ("label", "access", "scopes", "allowed_networks")
_API_KEY_AUDIT = ("operator", "label", "access", "scopes", "allowed_networks", "expires_at",
                  "revoked_at", "prefix", "created_by")  # fmt: skip
_CERT_AUDIT = ("operator", "label", "access", "scopes", "allowed_networks", "expires_at",
               "revoked_at", "serial", "subject", "fingerprint", "not_before",
               "revocation_reason", "created_by")  # fmt: skip

Credential = ApiKey | ClientCertificate


@dataclass(frozen=True)
class NewApiKey:
    """A key just created; ``token`` (``gk_xxxxxxxx.secret``) is never available again."""

    key: ApiKey
    token: str


@dataclass(frozen=True)
class NewCertificate:
    """A certificate just issued; a generated private key comes with it, this once only."""

    certificate: ClientCertificate
    private_key_pem: str = ""
    pkcs12: bytes = b""
    pkcs12_password: str = ""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# Rules shared by both kinds ---------------------------------------------------------


def may_manage(actor: Principal, operator_id: int | None) -> bool:
    """The Provider's staff, or an administrator of that operator, signed in as a person."""
    if actor.credential or not actor.can_write:
        return False
    if actor.is_provider:
        return True
    administers = actor.has_right(ADMINISTER) or getattr(actor.user, "role", None) == Role.ADMIN
    return actor.operator_id is not None and actor.operator_id == operator_id and administers


def _check_may_manage(actor: Principal, operator_id: int) -> None:
    if actor.credential:
        raise GuichetError(CREDENTIAL_PERSON_ONLY)
    if not may_manage(actor, operator_id):
        raise GuichetError(CREDENTIAL_FORBIDDEN)


def clean_networks(values: Any) -> list[str]:
    """Addresses or CIDR networks, normalised; at least one; never "any address"."""
    if isinstance(values, str):
        values = values.replace(",", "\n").splitlines()
    cleaned: list[str] = []
    for raw in values or ():
        value = str(raw).strip()
        if not value:
            continue
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise GuichetError(NETWORK_INVALID, field="allowed_networks", value=value) from exc
        if network.prefixlen == 0:
            raise GuichetError(NETWORK_INVALID, field="allowed_networks", value=value)
        text = str(network.network_address) if network.num_addresses == 1 else str(network)
        if text not in cleaned:
            cleaned.append(text)
    if not cleaned:
        raise GuichetError(NETWORKS_REQUIRED, field="allowed_networks")
    return cleaned


def clean_scopes(values: Any) -> list[str]:
    """E-service codes of the catalogue; at least one."""
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    known = selectors.eservice_codes()
    cleaned: list[str] = []
    for raw in values or ():
        code = str(raw).strip()
        if code not in known:
            raise GuichetError(SCOPE_UNKNOWN, field="scopes", scope=code)
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise GuichetError(SCOPE_UNKNOWN, field="scopes", scope="")
    return sorted(cleaned, key=known.index)


def _clean_label(label: str) -> str:
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise GuichetError(
            CREDENTIAL_INVALID, field="label", detail="libellé de 1 à 100 caractères"
        )
    return label


def _clean_access(access: str) -> str:
    if access not in CredentialAccess.values:
        raise GuichetError(CREDENTIAL_INVALID, field="access", detail=f"accès « {access} » inconnu")
    return access


def _clean_expiry(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None:
        return now + timedelta(days=DEFAULT_VALIDITY_DAYS)
    if timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if not now < expires_at <= now + timedelta(days=MAX_VALIDITY_DAYS):
        raise GuichetError(EXPIRY_INVALID, field="expires_at", max_days=MAX_VALIDITY_DAYS)
    return expires_at


def _kind(credential: Credential) -> str:
    return "apikey" if isinstance(credential, ApiKey) else "certificate"


def _audit_fields(credential: Credential) -> tuple[str, ...]:
    return _API_KEY_AUDIT if isinstance(credential, ApiKey) else _CERT_AUDIT


# API keys ---------------------------------------------------------------------------


def _new_prefix() -> str:
    while True:
        prefix = API_KEY_PREFIX + "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def create_api_key(
    *,
    actor: Principal,
    operator: Operator,
    label: str,
    scopes: Any,
    allowed_networks: Any,
    access: str = CredentialAccess.READ,
    expires_at: datetime | None = None,
) -> NewApiKey:
    """Clé d'API ``gk_xxxxxxxx.<secret>``: the secret is returned here once, only its hash is kept."""
    _check_may_manage(actor, operator.pk)
    now = timezone.now()
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        operator=operator,
        label=_clean_label(label),
        access=_clean_access(access),
        scopes=clean_scopes(scopes),
        allowed_networks=clean_networks(allowed_networks),
        expires_at=_clean_expiry(expires_at, now),
        prefix=_new_prefix(),
        secret_hash=hash_secret(secret),
        created_by=actor.login,
    )
    key.save()
    record(actor, "accounts.apikey.create", target=key, after=snapshot(key, _API_KEY_AUDIT))
    return NewApiKey(key=key, token=f"{key.prefix}.{secret}")


# Client certificates ----------------------------------------------------------------


@transaction.atomic
def issue_certificate(
    *,
    actor: Principal,
    operator: Operator,
    label: str,
    scopes: Any,
    allowed_networks: Any,
    access: str = CredentialAccess.READ,
    csr_pem: str = "",
    validity_days: int = DEFAULT_VALIDITY_DAYS,
) -> NewCertificate:
    """Certificat d'authentification signed by the platform's CA, from the operator's CSR or
    from a key pair generated here (returned once, never stored).

    The subject is always ``CN=<ARCEP code>-<label>, O=<operator name>``, whatever the CSR says.
    """
    _check_may_manage(actor, operator.pk)
    label = _clean_label(label)
    values = {
        "access": _clean_access(access),
        "scopes": clean_scopes(scopes),
        "allowed_networks": clean_networks(allowed_networks),
    }
    if not 1 <= int(validity_days) <= MAX_VALIDITY_DAYS:
        raise GuichetError(EXPIRY_INVALID, field="validity_days", max_days=MAX_VALIDITY_DAYS)
    private_key = None
    if csr_pem.strip():
        try:
            public_key = ca.check_public_key(ca.load_csr(csr_pem).public_key())
        except ValueError as exc:
            raise GuichetError(CSR_INVALID, field="csr", detail=str(exc)) from exc
    else:
        private_key = ca.generate_private_key()
        public_key = private_key.public_key()
    common_name = f"{operator.arcep_code}-{label}"
    x509_cert = ca.sign(
        public_key, common_name=common_name, organization=operator.name, days=int(validity_days)
    )
    certificate = ClientCertificate(
        operator=operator,
        label=label,
        **values,
        serial=ca.serial_hex(x509_cert),
        subject=x509_cert.subject.rfc4514_string()[:255],
        fingerprint=ca.fingerprint(x509_cert),
        not_before=x509_cert.not_valid_before_utc,
        expires_at=x509_cert.not_valid_after_utc,
        pem=ca.to_pem(x509_cert),
        created_by=actor.login,
    )
    certificate.save()
    after = {**snapshot(certificate, _CERT_AUDIT), "key_generated": private_key is not None}
    record(actor, "accounts.certificate.issue", target=certificate, after=after)
    if private_key is None:
        return NewCertificate(certificate=certificate)
    password = secrets.token_urlsafe(12)
    return NewCertificate(
        certificate=certificate,
        private_key_pem=ca.private_key_pem(private_key),
        pkcs12=ca.pkcs12_bundle(private_key, x509_cert, name=common_name, password=password),
        pkcs12_password=password,
    )


# Both kinds ----------------------------------------------------------------------------


@transaction.atomic
def update_credential(*, actor: Principal, credential: Credential, **values: Any) -> Credential:
    """Change the label, access, scopes or source addresses of a credential (not its secret)."""
    _check_may_manage(actor, credential.operator_id)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise GuichetError(
            CREDENTIAL_INVALID, field=unknown[0], detail=f"{unknown[0]} non modifiable"
        )
    cleaners = {
        "label": _clean_label,
        "access": _clean_access,
        "scopes": clean_scopes,
        "allowed_networks": clean_networks,
    }
    fields = _audit_fields(credential)
    before = snapshot(credential, fields)
    for name, value in values.items():
        setattr(credential, name, cleaners[name](value))
    credential.save()
    old, new = changes(before, snapshot(credential, fields))
    if new:
        record(
            actor, f"accounts.{_kind(credential)}.update", target=credential, before=old, after=new
        )
    return credential


@transaction.atomic
def revoke_credential(*, actor: Principal, credential: Credential, reason: str = "") -> Credential:
    """Révocation: at once and for good. A certificate's serial enters the CRL."""
    _check_may_manage(actor, credential.operator_id)
    credential = type(credential).objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise GuichetError(CREDENTIAL_ALREADY_REVOKED)
    credential.revoked_at = timezone.now()
    if isinstance(credential, ClientCertificate):
        reason = reason or ca.RevocationReason.UNSPECIFIED
        if reason not in ca.RevocationReason.values:
            raise GuichetError(
                CREDENTIAL_INVALID, field="reason", detail=f"motif « {reason} » inconnu"
            )
        credential.revocation_reason = reason
        # robust: the revocation stands even if the file cannot be written now; the
        # download (current_crl) and the daily pki_crl rewrite it.
        transaction.on_commit(refresh_crl, robust=True)
    credential.save()
    record(
        actor,
        f"accounts.{_kind(credential)}.revoke",
        target=credential,
        after={"revoked_at": credential.revoked_at, "reason": reason[:200]},
    )
    return credential


# The CA's publications ------------------------------------------------------------------


def refresh_crl() -> bytes:
    """Sign and publish a fresh CRL with every revoked serial."""
    return ca.write_crl(selectors.revoked_certificates())


def current_crl() -> bytes:
    """The CRL to publish: rewritten when missing, a day old, or older than the last revocation."""
    published = ca.published_crl()
    if published is not None:
        pem, written_at = published
        last = selectors.last_revocation_at()
        fresh = timezone.now() - written_at < ca.CRL_REFRESH_AFTER
        if fresh and (last is None or last <= written_at):
            return pem
    return refresh_crl()


def ca_certificate_pem() -> bytes:
    return ca.authority().certificate_pem
