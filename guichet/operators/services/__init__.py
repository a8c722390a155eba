"""Every change to operators goes through here, in one transaction with its audit record."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from guichet.accounts.models import Role
from guichet.accounts.selectors import people_for
from guichet.audit.recorder import changes, record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import ACCESS_SUSPENDED, GuichetError
from guichet.notifications.errors import EMAIL_NO_RECIPIENT
from guichet.notifications.services import queue_email
from guichet.operators.errors import (
    ALREADY_SUSPENDED,
    INCIDENT_CLOSE_FORBIDDEN,
    INCIDENT_FORBIDDEN,
    INCIDENT_INVALID,
    INCIDENT_NO_SECURITY_CONTACT,
    INCIDENT_OPERATOR_REQUIRED,
    INCIDENT_TRANSITION,
    LIFT_NOTE_REQUIRED,
    NOT_SUSPENDED,
    OPERATOR_DUPLICATE,
    OPERATOR_INVALID,
    OPERATOR_PROVIDER_ONLY,
    OPERATOR_UNKNOWN_FIELD,
    SUSPENSION_PROVIDER_ONLY,
    SUSPENSION_REASON_REQUIRED,
)
from guichet.operators.models import (
    CONTACT_FIELDS,
    INCIDENT_TRANSITIONS,
    LEGAL_IDENTITY_FIELDS,
    IncidentSeverity,
    IncidentStatus,
    Operator,
    SecurityIncident,
    Suspension,
)
from guichet.operators.selectors import may_handle_incidents, open_suspension

_EDITABLE = frozenset(LEGAL_IDENTITY_FIELDS + CONTACT_FIELDS)


def _validate(operator: Operator) -> None:
    """Model validation turned into stable codes (duplicates → OPE-002, the rest → OPE-003)."""
    try:
        operator.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field in {"siren", "arcep_code"} and any(
                "existe déjà" in m or "already exists" in m for m in messages
            ):
                value = getattr(operator, field)
                raise GuichetError(OPERATOR_DUPLICATE, field=field, value=value) from exc
        field, messages = next(iter(exc.message_dict.items()))
        raise GuichetError(
            OPERATOR_INVALID, field=field, detail=f"{field} : {messages[0]}"
        ) from exc


def _check_fields(values: dict[str, Any]) -> None:
    for field in values:
        if field not in _EDITABLE:
            raise GuichetError(OPERATOR_UNKNOWN_FIELD, field=field)


@transaction.atomic
def create_operator(*, actor: Principal, **values: Any) -> Operator:
    """Register a new operator (Provider staff only)."""
    if not actor.is_provider:
        raise GuichetError(OPERATOR_PROVIDER_ONLY)
    _check_fields(values)
    operator = Operator(**values)
    _validate(operator)
    operator.save()
    record(actor, "operators.operator.create", target=operator, after=snapshot(operator))
    return operator


@transaction.atomic
def update_operator(*, actor: Principal, operator: Operator, **values: Any) -> Operator:
    """Change an operator's record.

    The Provider may change everything; an operator's own people may change only their
    contacts (security and billing), never the legal identity the contract rests on.
    """
    _check_fields(values)
    if not actor.is_provider:
        forbidden = [field for field in values if field not in CONTACT_FIELDS]
        if forbidden or actor.operator_id != operator.pk:
            raise GuichetError(OPERATOR_PROVIDER_ONLY, field=forbidden[0] if forbidden else None)
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    before = snapshot(operator)
    for field, value in values.items():
        setattr(operator, field, value)
    _validate(operator)
    old, new = changes(before, snapshot(operator))
    if new:
        operator.save()
        record(actor, "operators.operator.update", target=operator, before=old, after=new)
    return operator


# Security operations (SEC-07, SEC-08) ---------------------------------------------
# Emails are French (templates under operators/security/emails/): they go to security
# teams whatever the sender's language. Their first line is the subject.


def provider_security_email() -> str:
    """The Provider's security address, told of incidents declared by operators (SEC-07)."""
    return getattr(settings, "GUICHET_SECURITY_EMAIL", "") or "securite@localhost"


def _link(name: str, **kwargs: Any) -> str:
    return settings.GUICHET_PUBLIC_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _fr(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "non précisé"
    return date_format(timezone.localtime(moment), "d/m/Y à H:i", use_l10n=False)


def _security_recipients(actor: Principal, operator: Operator) -> list[str]:
    """The operator's security contact and its active administrators."""
    admins = people_for(actor).filter(operator=operator, role=Role.ADMIN, is_active=True)
    return [operator.security_contact_email, *admins.values_list("email", flat=True)]


def _notify(
    actor: Principal, *, to: list[str], operator: Operator, email: str, **context: Any
) -> list[str]:
    """Queue the email ``email``; no valid address must not block a security action."""
    with translation.override("fr"):
        subject, _, body = render_to_string(
            f"operators/security/emails/{email}.txt", {"operator": operator, **context}
        ).partition("\n")
    try:
        queued = queue_email(
            actor=actor,
            to=[address for address in to if address],
            subject=subject.strip(),
            body=body.strip() + "\n",
            reason=f"operators.security.{email}",
            operator_id=operator.pk,
        )
    except GuichetError as exc:
        if exc.error is not EMAIL_NO_RECIPIENT:
            raise
        return []
    return list(queued.recipients)


_SUSPENDED_NOTICE = f"{ACCESS_SUSPENDED.fr} ({ACCESS_SUSPENDED.code})"


def _end_sessions_of(actor: Principal, operator: Operator) -> int:
    """End every live portal session of the operator's people at once; returns how many.

    Each session loses its login but keeps one message, « Accès suspendu », for the
    person's next click. Sessions the sweep cannot see are refused on their next
    request anyway: the portal and API checks read the suspension on every request.
    """
    people = people_for(actor).filter(operator=operator).values_list("pk", flat=True)
    user_ids = {str(pk) for pk in people}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    notice = MessageEncoder().encode([Message(message_levels.ERROR, _SUSPENDED_NOTICE)])
    ended = 0
    for row in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if row.get_decoded().get(SESSION_KEY) not in user_ids:
            continue
        session = store(session_key=row.session_key)
        session.clear()
        session[SessionStorage.session_key] = notice
        try:
            session.save()
        except UpdateError:  # the person logged out meanwhile
            continue
        ended += 1
    return ended


@transaction.atomic
def suspend_operator(*, actor: Principal, operator: Operator, reason: str) -> Suspension:
    """Suspendre l'accès (SEC-08): total and immediate; live sessions end now, contacts are told."""
    if not actor.is_provider:
        raise GuichetError(SUSPENSION_PROVIDER_ONLY)
    reason = (reason or "").strip()
    if not reason:
        raise GuichetError(SUSPENSION_REASON_REQUIRED, field="reason")
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    if operator.is_suspended:
        raise GuichetError(
            ALREADY_SUSPENDED, operator=operator.arcep_code, since=_when(operator.suspended_at)
        )
    now = timezone.now()
    operator.suspended_at = now
    operator.suspension_reason = reason
    operator.save(update_fields=["suspended_at", "suspension_reason", "updated_at"])
    suspension = Suspension.objects.create(
        operator=operator, suspended_at=now, suspended_by=actor.login, reason=reason
    )
    ended = _end_sessions_of(actor, operator)
    notified = _notify(
        actor,
        to=_security_recipients(actor, operator),
        operator=operator,
        email="suspended",
        when=_when(now),
        reason=reason,
    )
    record(
        actor,
        "operators.operator.suspend",
        target=operator,
        before={"suspended_at": None},
        after={
            "suspended_at": now,
            "suspension_reason": reason,
            "suspension_id": suspension.pk,
            "sessions_ended": ended,
            "notified": notified,
        },
    )
    return suspension


@transaction.atomic
def lift_suspension(*, actor: Principal, operator: Operator, note: str) -> Suspension:
    """Lever la suspension: access is restored at once; the note says why."""
    if not actor.is_provider:
        raise GuichetError(SUSPENSION_PROVIDER_ONLY)
    note = (note or "").strip()
    if not note:
        raise GuichetError(LIFT_NOTE_REQUIRED, field="note")
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    if not operator.is_suspended:
        raise GuichetError(NOT_SUSPENDED, operator=operator.arcep_code)
    now = timezone.now()
    before = {
        "suspended_at": operator.suspended_at,
        "suspension_reason": operator.suspension_reason,
    }
    suspension = open_suspension(operator) or Suspension(
        operator=operator,
        suspended_at=operator.suspended_at,
        reason=operator.suspension_reason,
    )
    operator.suspended_at = None
    operator.suspension_reason = ""
    operator.save(update_fields=["suspended_at", "suspension_reason", "updated_at"])
    suspension.lifted_at, suspension.lifted_by, suspension.lift_note = now, actor.login, note
    suspension.save()
    notified = _notify(
        actor,
        to=_security_recipients(actor, operator),
        operator=operator,
        email="lifted",
        when=_when(now),
        note=note,
    )
    record(
        actor,
        "operators.operator.lift_suspension",
        target=operator,
        before=before,
        after={"suspended_at": None, "suspension_id": suspension.pk, "lift_note": note}
        | {"notified": notified},
    )
    return suspension


def _check_incident(
    title: str, description: str, severity: str, occurred_at: datetime | None
) -> None:
    problems = [
        ("title", not title, "l'objet est obligatoire"),
        ("title", len(title) > 200, "objet de 200 caractères au plus"),
        ("description", not description, "la description est obligatoire"),
        ("severity", severity not in IncidentSeverity.values, "choisissez une gravité"),
        (
            "occurred_at",
            occurred_at is not None and occurred_at > timezone.now(),
            "la date de survenue est dans le futur",
        ),
    ]
    for field, failed, detail in problems:
        if failed:
            raise GuichetError(INCIDENT_INVALID, field=field, detail=detail)


@transaction.atomic
def declare_incident(
    *,
    actor: Principal,
    title: str,
    description: str,
    severity: str,
    occurred_at: datetime | None = None,
    operator: Operator | None = None,
) -> SecurityIncident:
    """Déclarer un incident de sécurité (SEC-07); the other side is emailed.

    An operator's person declares for its own operator (the Provider's security address
    is told); the Provider's staff declare for ``operator`` (its security contact is told).
    """
    if not may_handle_incidents(actor):
        raise GuichetError(INCIDENT_FORBIDDEN)
    title, description = " ".join((title or "").split()), (description or "").strip()
    _check_incident(title, description, severity, occurred_at)
    if actor.is_provider:
        if operator is None:
            raise GuichetError(INCIDENT_OPERATOR_REQUIRED, field="operator")
        operator = Operator.objects.get(pk=operator.pk)
        if not operator.security_contact_email:
            raise GuichetError(
                INCIDENT_NO_SECURITY_CONTACT, field="operator", operator=operator.arcep_code
            )
        recipients = [operator.security_contact_email]
    else:
        operator = Operator.objects.get(pk=actor.operator_id)
        recipients = [provider_security_email()]
    incident = SecurityIncident.objects.create(
        operator=operator,
        declared_by_provider=actor.is_provider,
        declared_by=actor.login,
        title=title,
        description=description,
        severity=severity,
        occurred_at=occurred_at,
    )
    notified = _notify(
        actor,
        to=recipients,
        operator=operator,
        email="incident_declared",
        incident=incident,
        declarer=actor.login,
        severity=_fr(incident.get_severity_display()),
        occurred=_when(occurred_at),
        link=_link("security:incident-detail", pk=incident.pk),
    )
    record(
        actor,
        "operators.security_incident.declare",
        target=incident,
        after={**snapshot(incident), "notified": notified},
    )
    return incident


@transaction.atomic
def close_incident(*, actor: Principal, incident: SecurityIncident) -> SecurityIncident:
    """Clore un incident: the Provider, or the side that declared it; the other side is told."""
    if not may_handle_incidents(actor):
        raise GuichetError(INCIDENT_FORBIDDEN)
    incident = SecurityIncident.objects.select_for_update().get(pk=incident.pk)
    own = not incident.declared_by_provider and incident.operator_id == actor.operator_id
    if not (actor.is_provider or (actor.is_operator and own)):
        raise GuichetError(INCIDENT_CLOSE_FORBIDDEN)
    if IncidentStatus.CLOSED not in INCIDENT_TRANSITIONS[incident.status]:
        raise GuichetError(
            INCIDENT_TRANSITION,
            status=_fr(incident.get_status_display()),
            target=_fr(IncidentStatus.CLOSED.label),
        )
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "closed_at", "updated_at"])
    operator = incident.operator
    notified = _notify(
        actor,
        to=[operator.security_contact_email if actor.is_provider else provider_security_email()],
        operator=operator,
        email="incident_closed",
        incident=incident,
        closer=actor.login,
        when=_when(incident.closed_at),
        link=_link("security:incident-detail", pk=incident.pk),
    )
    record(
        actor,
        "operators.security_incident.close",
        target=incident,
        before={"status": IncidentStatus.OPEN, "closed_at": None},
        after={"status": incident.status, "closed_at": incident.closed_at, "notified": notified},
    )
    return incident


SECURITY_CONTACT_FIELDS = (
    "security_contact_name",
    "security_contact_email",
    "security_contact_phone",
)


@transaction.atomic
def update_security_contact(*, actor: Principal, operator: Operator, **values: str) -> Operator:
    """Changer le point de contact sécurité (annexe 2 §4, §7): the Provider is told in writing."""
    unknown = [field for field in values if field not in SECURITY_CONTACT_FIELDS]
    if unknown:
        raise GuichetError(OPERATOR_UNKNOWN_FIELD, field=unknown[0])
    before = {field: getattr(operator, field) for field in SECURITY_CONTACT_FIELDS}
    operator = update_operator(actor=actor, operator=operator, **values)
    after = {field: getattr(operator, field) for field in SECURITY_CONTACT_FIELDS}
    if after != before and not actor.is_provider:
        _notify(
            actor,
            to=[provider_security_email()],
            operator=operator,
            email="contact_changed",
            author=actor.login,
            before=before,
            after=after,
        )
    return operator
