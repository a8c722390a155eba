"""Authenticating a call made with a system credential (SEC-01..03, SEC-08, IAM-09).

A call of an operator's information system presents an API key (``Authorization: Bearer
gk_xxxxxxxx.secret`` or ``X-API-Key``) or a client certificate (verified by the TLS
proxy, forwarded in ``X-SSL-Client-Cert`` and accepted only from ``GUICHET_CERT_PROXIES``).
It must come from one of the credential's declared addresses (SEC-02) and name, in
``X-On-Behalf-Of``, an active identifier of the same operator (SEC-03): the journal then
records both the person and the credential. Every refusal of an identified credential
is journaled (``accounts.credential.refused``) with the caller's address.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import ipaddress
import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from guichet.accounts import ca
from guichet.accounts import credential_selectors as selectors
from guichet.accounts.choices import CredentialAccess
from guichet.accounts.errors.credentials import (
    API_KEY_INVALID,
    CERTIFICATE_INVALID,
    CREDENTIAL_EXPIRED,
    CREDENTIAL_REVOKED,
    ON_BEHALF_OF_INVALID,
    ON_BEHALF_OF_MISSING,
    SOURCE_NOT_ALLOWED,
)
from guichet.accounts.models import ApiKey, ClientCertificate, User
from guichet.accounts.rights import area_of, rights_of
from guichet.accounts.services.credentials import API_KEY_PREFIX, hash_secret
from guichet.accounts.services.identifiers import touch_last_used
from guichet.audit.recorder import record
from guichet.core.context import Channel, Principal
from guichet.core.errors import ACCESS_SUSPENDED, ErrorDef, GuichetError
from guichet.core.middleware import client_ip
from guichet.operators.memos import ACCESS

log = logging.getLogger(__name__)

ON_BEHALF_OF = "HTTP_X_ON_BEHALF_OF"
CERT_HEADER = "HTTP_X_SSL_CLIENT_CERT"
CERT_VERIFY_HEADER = "HTTP_X_SSL_CLIENT_VERIFY"
DEFAULT_CERT_PROXIES = "127.0.0.1,::1"
_TOKEN = re.compile(rf"^({API_KEY_PREFIX}[a-z0-9]{{8}})\.([A-Za-z0-9_-]{{20,128}})$")
# last_used_at is written at most once a minute per credential: enough for dormancy (IAM-05).
LAST_USED_GRANULARITY = timedelta(minutes=1)
# A system's calls are journaled like a login: the first call of each (credential, person)
# pair in this window, besides every change they make and every refusal (SEC-03, SEC-04).
USE_JOURNAL_WINDOW = timedelta(minutes=15)

Credential = ApiKey | ClientCertificate
# (credential label, person) pairs this process journaled, and when (monotonic seconds).
_JOURNALED: dict[str, float] = {}


@dataclass(frozen=True)
class SystemCall:
    """What a system credential proved: the credential and the person it acts for.

    It is DRF's ``request.auth``: ``resolve_principal`` asks it for the principal.
    """

    credential: Credential
    person: User
    label: str
    can_write: bool
    rights: frozenset[str]

    def principal(self, *, channel: str, ip: str | None, request_id: str) -> Principal:
        operator = self.credential.operator
        return Principal(
            person_id=self.person.pk,
            login=self.person.get_username(),
            operator_id=operator.pk,
            operator_code=operator.arcep_code,
            is_provider=False,
            can_write=self.can_write,
            credential=self.label,
            channel=channel,
            ip=ip,
            request_id=request_id,
            rights=self.rights,
            suspended=False,
            user=self.person,
        )


@dataclass(frozen=True)
class CallContext:
    """Where the call comes from, as the journal records it."""

    ip: str | None
    channel: str
    request_id: str
    on_behalf_of: str


def context_of(request: Any) -> CallContext:
    django_request = getattr(request, "_request", request)
    return CallContext(
        ip=getattr(django_request, "client_ip", None) or client_ip(django_request),
        channel=getattr(django_request, "channel", Channel.REST),
        request_id=getattr(django_request, "request_id", "-"),
        on_behalf_of=django_request.META.get(ON_BEHALF_OF, "").strip(),
    )


# What the request presents ------------------------------------------------------------


def api_key_presented(meta: dict[str, Any]) -> str | None:
    """The ``gk_…`` token of ``Authorization: Bearer`` or ``X-API-Key``, if any."""
    scheme, _, value = meta.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip().startswith(API_KEY_PREFIX):
        return value.strip()
    value = meta.get("HTTP_X_API_KEY", "").strip()
    return value or None


def trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    configured = getattr(settings, "GUICHET_CERT_PROXIES", DEFAULT_CERT_PROXIES)
    if isinstance(configured, str):
        configured = configured.split(",")
    return [ipaddress.ip_network(item.strip(), strict=False) for item in configured if item.strip()]


def _address_in(address: str | None, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == network.version and ip in network for network in networks)


def certificate_presented(meta: dict[str, Any]) -> str | None:
    """The PEM forwarded by the TLS proxy, only if the TCP peer is a trusted proxy."""
    forwarded = meta.get(CERT_HEADER, "").strip()
    if not forwarded:
        return None
    peer = meta.get("REMOTE_ADDR")
    if not _address_in(peer, trusted_proxies()):
        log.warning("X-SSL-Client-Cert from untrusted peer %s ignored", peer)
        return None
    return unquote(forwarded)


# Checks -------------------------------------------------------------------------------


def _refuse(
    credential: Credential, call: CallContext, error: ErrorDef, **params: Any
) -> GuichetError:
    """Journal the refusal of an identified credential, and return the error to raise."""
    operator = credential.operator
    actor = Principal(
        person_id=None,
        login="",
        operator_id=operator.pk,
        operator_code=operator.arcep_code,
        credential=selectors.label_of(credential),
        channel=call.channel,
        ip=call.ip,
        request_id=call.request_id,
    )
    after = {"code": error.code, "on_behalf_of": call.on_behalf_of[:150]}
    record(actor, "accounts.credential.refused", target=credential, after=after)
    return GuichetError(error, **params)


def _networks(credential: Credential) -> list[Any]:
    networks = []
    for value in credential.allowed_networks or ():
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            log.warning("%s: invalid allowed network %r ignored", credential, value)
    return networks


def _admit(credential: Credential, call: CallContext) -> SystemCall:
    """Revocation, expiry, suspension, source address, on-behalf-of — in that order."""
    now = timezone.now()
    if credential.revoked_at is not None:
        raise _refuse(credential, call, CREDENTIAL_REVOKED)
    if credential.expires_at is not None and credential.expires_at <= now:
        raise _refuse(credential, call, CREDENTIAL_EXPIRED)
    if getattr(credential.operator, "is_suspended", False):
        raise _refuse(credential, call, ACCESS_SUSPENDED)
    # An empty list refuses everything: only declared resources may call (SEC-02).
    if not _address_in(call.ip, _networks(credential)):
        raise _refuse(credential, call, SOURCE_NOT_ALLOWED, ip=call.ip or "?")
    if not call.on_behalf_of:
        raise _refuse(credential, call, ON_BEHALF_OF_MISSING)
    person = selectors.active_person_of(credential.operator_id, call.on_behalf_of)
    if person is None:
        raise _refuse(credential, call, ON_BEHALF_OF_INVALID, login=call.on_behalf_of[:150])
    scopes = set(credential.scopes or ())
    return SystemCall(
        credential=credential,
        person=person,
        label=selectors.label_of(credential),
        can_write=credential.access == CredentialAccess.READ_WRITE and person.can_write,
        rights=frozenset(code for code in rights_of(person) if area_of(code) in scopes),
    )


def _remembered_admission(kind: str, presented: str, call: CallContext, check: Any) -> SystemCall:
    """``check()``'s admission, remembered for the same credential, address and person.

    Only admissions are remembered (every refusal is checked and journaled again); the
    memo is dropped when a credential, a person, a profile, an operator or a subscription
    changes (:mod:`guichet.core.memo`). What depends on the clock is checked on every call.
    """
    digest = hashlib.sha256(presented.encode("utf-8")).hexdigest()
    admitted: SystemCall = ACCESS.get((kind, digest, call.ip, call.on_behalf_of), check)
    now = timezone.now()
    credential = admitted.credential
    if credential.expires_at is not None and credential.expires_at <= now:
        raise _refuse(credential, call, CREDENTIAL_EXPIRED)
    _mark_used(credential, admitted.person, now)
    _journal_use(admitted, call)
    # Each request gets its own instances: a view may annotate request.user.
    return replace(admitted, credential=copy.copy(credential), person=copy.copy(admitted.person))


def _journal_use(system_call: SystemCall, call: CallContext) -> None:
    """``accounts.credential.use``: who acted through which credential, from where."""
    window = int(USE_JOURNAL_WINDOW.total_seconds())
    key = f"guichet:credential-use:{system_call.label}:{system_call.person.pk}"
    # This process already knows the pair was journaled in the window: no cache round trip.
    seen = _JOURNALED.get(key)
    if seen is not None and time.monotonic() - seen < window:
        return
    if len(_JOURNALED) > 10_000:
        _JOURNALED.clear()
    _JOURNALED[key] = time.monotonic()
    if not cache.add(key, 1, window):
        return
    actor = system_call.principal(channel=call.channel, ip=call.ip, request_id=call.request_id)
    record(actor, "accounts.credential.use", target=system_call.credential)


def _mark_used(credential: Credential, person: User, now: datetime) -> None:
    """Last use of the credential, and of the person: API use on its behalf counts (IAM-05)."""
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
    last = credential.last_used_at
    if last is None or last < now - LAST_USED_GRANULARITY:
        type(credential).objects.filter(stale, pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    if person.last_used_at is None or person.last_used_at < now - LAST_USED_GRANULARITY:
        touch_last_used(person, now)


def authenticate_api_key(token: str, call: CallContext) -> SystemCall:
    """An API key: known prefix, right secret (constant-time), then the common checks."""
    match = _TOKEN.match(token)
    if match is None:
        raise GuichetError(API_KEY_INVALID)
    return _remembered_admission("api-key", token, call, lambda: _check_api_key(match, call))


def _check_api_key(match: re.Match[str], call: CallContext) -> SystemCall:
    key = selectors.api_key_by_prefix(match.group(1))
    if key is None:
        raise GuichetError(API_KEY_INVALID)
    if not hmac.compare_digest(hash_secret(match.group(2)), key.secret_hash):
        raise _refuse(key, call, API_KEY_INVALID)
    return _admit(key, call)


def authenticate_certificate(pem: str, call: CallContext) -> SystemCall:
    """A client certificate: issued by our CA, valid now, registered, then the common checks."""
    return _remembered_admission("certificate", pem, call, lambda: _check_certificate(pem, call))


def _check_certificate(pem: str, call: CallContext) -> SystemCall:
    try:
        certificate = ca.load_presented(pem)
    except ca.ExpiredCertificate as expired:
        registered = selectors.certificate_by_fingerprint(ca.fingerprint(expired.certificate))
        if registered is not None:
            raise _refuse(registered, call, CREDENTIAL_EXPIRED) from None
        raise GuichetError(CREDENTIAL_EXPIRED) from None
    except ValueError as exc:
        raise GuichetError(CERTIFICATE_INVALID, detail=str(exc)) from exc
    registered = selectors.certificate_by_fingerprint(ca.fingerprint(certificate))
    if registered is None:
        raise GuichetError(CERTIFICATE_INVALID, detail="certificat inconnu de la plateforme")
    return _admit(registered, call)


def api_key_call(request: Any) -> SystemCall | None:
    """The API key a request presents, checked; None if it presents none."""
    django_request = getattr(request, "_request", request)
    token = api_key_presented(django_request.META)
    return None if token is None else authenticate_api_key(token, context_of(django_request))


def certificate_call(request: Any) -> SystemCall | None:
    """The certificate a trusted proxy forwarded, checked; None if there is none."""
    django_request = getattr(request, "_request", request)
    meta = django_request.META
    pem = certificate_presented(meta)
    if pem is None:
        return None
    if meta.get(CERT_VERIFY_HEADER, "SUCCESS") != "SUCCESS":
        raise GuichetError(CERTIFICATE_INVALID, detail="vérification TLS échouée au proxy")
    return authenticate_certificate(pem, context_of(django_request))


def authenticate_request(request: Any) -> SystemCall | None:
    """The system credential a request presents (API key first, then certificate), or None."""
    return api_key_call(request) or certificate_call(request)
