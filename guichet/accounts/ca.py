"""The platform's small certification authority (SEC-01, art. 1 « Certificat d'Authentification »).

It signs the operators' client certificates, publishes its own certificate and a CRL,
and checks that a certificate presented by the TLS proxy is one of its own. It knows
nothing of the database: services hand it what to sign or list as revoked.

The CA key and certificate are created on first use in ``GUICHET_CA_DIR`` (default
``<var>/ca``): ``ca.key`` (EC P-256, mode 0600), ``ca.pem`` and ``crl.pem``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CA_VALIDITY = timedelta(days=3650)
# nginx refuses every client certificate once its CRL is past nextUpdate: the CRL is
# valid 30 days and rewritten daily (``manage.py pki_crl``) and on every revocation.
CRL_VALIDITY = timedelta(days=30)
CRL_REFRESH_AFTER = timedelta(days=1)
CLOCK_SKEW = timedelta(minutes=5)
MAX_CSR_BYTES = 16 * 1024
ACCEPTED_CURVES = (ec.SECP256R1, ec.SECP384R1)
MIN_RSA_BITS = 2048


class RevocationReason(models.TextChoices):
    """Motif de révocation, as RFC 5280 names it (written into the CRL)."""

    UNSPECIFIED = "unspecified", _("Non précisé")
    KEY_COMPROMISE = "key_compromise", _("Clé privée compromise")
    AFFILIATION_CHANGED = "affiliation_changed", _("Changement de rattachement")
    SUPERSEDED = "superseded", _("Remplacé par un nouveau certificat")
    CESSATION_OF_OPERATION = "cessation_of_operation", _("Système arrêté")


@dataclass(frozen=True)
class Authority:
    """The CA's key and self-signed certificate, loaded from its directory."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    directory: Path

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


_cache: dict[Path, Authority] = {}


def ca_dir() -> Path:
    """Where the CA lives: ``GUICHET_CA_DIR`` or ``<var>/ca``."""
    configured = getattr(settings, "GUICHET_CA_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "ca"


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialise CA creation and CRL writes between processes (web, worker, commands)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _fit(value: str, limit: int = 64) -> str:
    """X.520 bounds CN and O to 64 bytes of UTF-8: cut on a character boundary."""
    return value.encode("utf-8")[:limit].decode("utf-8", errors="ignore").strip() or "-"


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organization)),
        ]
    )


def _create(directory: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    provider = getattr(settings, "GUICHET_PROVIDER_NAME", "") or "Guichet"
    name = _name(f"Guichet AC {provider}", provider)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_atomic(directory / "ca.key", key_pem, mode=0o600)
    _write_atomic(directory / "ca.pem", certificate.public_bytes(serialization.Encoding.PEM))


def authority() -> Authority:
    """The CA, created on first use (key file mode 0600)."""
    directory = ca_dir()
    cached = _cache.get(directory)
    if cached is not None:
        return cached
    with _locked(directory):
        if not (directory / "ca.key").exists():
            _create(directory)
    key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{directory / 'ca.key'}: an EC private key is expected")
    certificate = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
    loaded = Authority(key=key, certificate=certificate, directory=directory)
    _cache[directory] = loaded
    return loaded


# Issuing ---------------------------------------------------------------------------

ClientPublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


def load_csr(pem: str) -> x509.CertificateSigningRequest:
    """A CSR whose signature proves possession of an accepted key; ``ValueError`` otherwise."""
    data = pem.strip().encode("ascii", errors="replace")
    if len(data) > MAX_CSR_BYTES:
        raise ValueError(f"plus de {MAX_CSR_BYTES} octets")
    try:
        csr = x509.load_pem_x509_csr(data)
    except ValueError as exc:
        raise ValueError("ce n'est pas une CSR au format PEM") from exc
    if not csr.is_signature_valid:
        raise ValueError("la signature de la CSR est invalide")
    check_public_key(csr.public_key())
    return csr


def check_public_key(key: object) -> ClientPublicKey:
    """RSA of 2048 bits or more, or EC P-256/P-384: what nginx and every TLS client accept."""
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= MIN_RSA_BITS:
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ACCEPTED_CURVES):
        return key
    raise ValueError("clé refusée : RSA 2048 bits ou plus, ou EC P-256/P-384")


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    """A key pair for an operator that did not bring a CSR (the private key is never stored)."""
    return ec.generate_private_key(ec.SECP256R1())


def sign(
    public_key: ClientPublicKey, *, common_name: str, organization: str, days: int
) -> x509.Certificate:
    """A client-authentication certificate for ``public_key``; the subject is ours, never the CSR's."""
    ca = authority()
    now = datetime.now(UTC)
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=isinstance(public_key, rsa.RSAPublicKey),
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER encoding, lower-case hex."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def serial_hex(certificate: x509.Certificate) -> str:
    """Serial number in upper-case hex, as nginx's ``$ssl_client_serial`` shows it."""
    return format(certificate.serial_number, "X")


def to_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def pkcs12_bundle(
    key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate, *, name: str, password: str
) -> bytes:
    """Key, certificate and CA in one PKCS#12 file, encrypted with ``password``."""
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"),
        key,
        certificate,
        [authority().certificate],
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )


# Checking what the proxy forwards -------------------------------------------------


def load_presented(pem: str) -> x509.Certificate:
    """The certificate the proxy forwarded, if ours and valid now; ``ValueError`` otherwise."""
    try:
        certificate = x509.load_pem_x509_certificate(pem.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValueError("certificat illisible") from exc
    try:
        certificate.verify_directly_issued_by(authority().certificate)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise ValueError("certificat non émis par l'autorité de la plateforme") from exc
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise ExpiredCertificate(certificate)
    return certificate


class ExpiredCertificate(ValueError):
    """Ours, but outside its validity period."""

    def __init__(self, certificate: x509.Certificate) -> None:
        super().__init__("certificat hors de sa période de validité")
        self.certificate = certificate


# CRL ---------------------------------------------------------------------------------

_REASON_FLAGS = {
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
}


def write_crl(revoked: Iterable[tuple[str, datetime, str]]) -> bytes:
    """Sign and publish the CRL listing ``(serial hex, revoked at, reason)``; returns its PEM."""
    ca = authority()
    now = datetime.now(UTC)
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - CLOCK_SKEW)
        .next_update(now + CRL_VALIDITY)
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
    )
    for serial, revoked_at, reason in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(serial, 16))
            .revocation_date(revoked_at.astimezone(UTC))
        )
        flag = _REASON_FLAGS.get(reason)  # type: ignore[call-overload]
        if flag is not None:
            entry = entry.add_extension(x509.CRLReason(flag), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    pem = builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    with _locked(ca.directory):
        _write_atomic(ca.directory / "crl.pem", pem)
    return pem


def published_crl() -> tuple[bytes, datetime] | None:
    """The CRL file and when it was written, if there is one."""
    path = authority().directory / "crl.pem"
    try:
        return path.read_bytes(), datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:
        return None
