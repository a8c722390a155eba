"""Every read of system credentials (API keys, client certificates), scoped to the caller.

The lookups used while authenticating a call (by prefix, by fingerprint) are not scoped:
the caller is not known yet; they are used only by ``services.system_auth``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.accounts.choices import IdentifierState
from guichet.accounts.models import ApiKey, ClientCertificate, User
from guichet.audit.models import AuditRecord
from guichet.audit.selectors import journal_for
from guichet.core.context import Principal
from guichet.core.scoping import get_scoped, scope
from guichet.operators.models import EService

Credential = ApiKey | ClientCertificate

STATE_LABELS = {"active": _("Actif"), "expired": _("Expiré"), "revoked": _("Révoqué")}


def state_of(credential: Credential, *, now: datetime | None = None) -> str:
    """``revoked``, ``expired`` or ``active``."""
    if credential.revoked_at is not None:
        return "revoked"
    if credential.expires_at is not None and credential.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def label_of(credential: Credential) -> str:
    """How the journal names a credential: ``apikey:<prefix>`` or ``cert:<serial>``."""
    if isinstance(credential, ApiKey):
        return f"apikey:{credential.prefix}"
    return f"cert:{credential.serial}"


def api_keys_for(actor: Principal, *, operator_id: int | None = None) -> QuerySet[ApiKey]:
    """API keys ``actor`` may see (the Provider: all, optionally one operator's)."""
    queryset = scope(ApiKey.objects.select_related("operator"), actor)
    return queryset.filter(operator_id=operator_id) if operator_id else queryset


def api_key_for(actor: Principal, pk: int) -> ApiKey:
    return get_scoped(ApiKey.objects.select_related("operator"), actor, pk=pk)


def certificates_for(
    actor: Principal, *, operator_id: int | None = None
) -> QuerySet[ClientCertificate]:
    """Client certificates ``actor`` may see (the Provider: all, optionally one operator's)."""
    queryset = scope(ClientCertificate.objects.select_related("operator"), actor)
    return queryset.filter(operator_id=operator_id) if operator_id else queryset


def certificate_for(actor: Principal, pk: int) -> ClientCertificate:
    return get_scoped(ClientCertificate.objects.select_related("operator"), actor, pk=pk)


@dataclass(frozen=True)
class CredentialIdentity:
    """« Qui est derrière cet accès ? » (SEC-03): the credential, who created it, who used it."""

    credential: Credential
    label: str
    state: str
    recent_uses: list[AuditRecord]
    persons: list[str]


def identity_behind(
    actor: Principal, reference: str, *, uses: int = 50
) -> CredentialIdentity | None:
    """The credential named by an API key prefix, a serial, a fingerprint or a journal label.

    ``persons`` are the identifiers on whose behalf it acted, from the journal.
    """
    reference = reference.strip()
    for prefix in ("apikey:", "cert:"):
        reference = reference.removeprefix(prefix)
    if not reference:
        return None
    credential: Credential | None = api_keys_for(actor).filter(prefix=reference).first()
    if credential is None:
        credential = (
            certificates_for(actor)
            .filter(Q(serial__iexact=reference) | Q(fingerprint__iexact=reference.replace(":", "")))
            .first()
        )
    if credential is None:
        return None
    label = label_of(credential)
    journal = journal_for(actor).filter(credential=label)
    persons = sorted(set(journal.exclude(person_login="").values_list("person_login", flat=True)))
    return CredentialIdentity(
        credential=credential,
        label=label,
        state=state_of(credential),
        recent_uses=list(journal[:uses]),
        persons=persons,
    )


def eservice_codes() -> list[str]:
    """Codes of the e-service catalogue, in catalogue order (the possible scopes)."""
    return list(EService.objects.order_by("position", "name").values_list("code", flat=True))


def eservice_choices() -> list[tuple[str, str]]:
    return list(EService.objects.order_by("position", "name").values_list("code", "name"))


# Lookups for authentication (unscoped: the caller is being identified) -------------


def api_key_by_prefix(prefix: str) -> ApiKey | None:
    return ApiKey.objects.select_related("operator").filter(prefix=prefix).first()


def certificate_by_fingerprint(fingerprint: str) -> ClientCertificate | None:
    return (
        ClientCertificate.objects.select_related("operator").filter(fingerprint=fingerprint).first()
    )


def active_person_of(operator_id: int, login: str) -> User | None:
    """The active identifier ``login`` of that operator, or None (never another operator's)."""
    return (
        User.objects.select_related("operator")
        .filter(
            operator_id=operator_id,
            username=login,
            state=IdentifierState.ACTIVE,
            is_active=True,
        )
        .first()
    )


def revoked_certificates() -> list[tuple[str, datetime, str]]:
    """``(serial, revoked at, reason)`` of every revoked certificate, for the CRL."""
    rows = ClientCertificate.objects.filter(revoked_at__isnull=False).order_by("revoked_at")
    return [
        (serial, revoked_at, reason)
        for serial, revoked_at, reason in rows.values_list(
            "serial", "revoked_at", "revocation_reason"
        )
    ]


def last_revocation_at() -> datetime | None:
    return (
        ClientCertificate.objects.filter(revoked_at__isnull=False)
        .order_by("-revoked_at")
        .values_list("revoked_at", flat=True)
        .first()
    )
