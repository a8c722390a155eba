"""Identifier life cycle: issuance with a single-use link (IAM-01..03), loss or fraud (IAM-06).

An identifier is the login of one person (« Personne Habilitée »). It is issued in state
PENDING with an unusable password and an emailed single-use link; the holder sets the
password through that link (see ``identifier_security``). A login is never reused, even
after deletion: deleted identifiers stay as rows in state DELETED.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.accounts.choices import DeactivationReason, IdentifierState
from guichet.accounts.errors import LOGIN_TAKEN
from guichet.accounts.errors.identifiers import (
    IDENTIFIER_CAP_REACHED,
    IDENTIFIER_FORBIDDEN,
    IDENTIFIER_INVALID,
    IDENTIFIER_STATE,
    LINK_EXPIRED,
    LINK_INVALID,
    LINK_USED,
    LOSS_REASON_INVALID,
)
from guichet.accounts.identifier_selectors import identifiers_in_use
from guichet.accounts.models import OneTimeLink, Profile, Role, User
from guichet.accounts.services.identifier_common import (
    STATE_FIELDS,
    check_transition,
    find_link,
    fr_datetime,
    fr_text,
    hash_token,
    kill_sessions,
    may_manage,
    operator_admin_emails,
    public_url,
    send_email,
    touch_last_used,
)
from guichet.audit.recorder import record, snapshot
from guichet.core import calendar
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator

ISSUANCE_BUSINESS_DAYS = 5  # Annex 4: the email leaves within five business days
ACTIVATION_PATH = "/compte/activation/{token}/"
__all__ = [
    "check_transition",
    "declare_lost",
    "issuance_due_at",
    "issue_identifier",
    "kill_sessions",
    "link_for_token",
    "may_manage",
    "reissue_link",
    "touch_last_used",
]
LOSS_REASONS = frozenset({DeactivationReason.LOST, DeactivationReason.FRAUD})


def issuance_due_at(requested_on: date) -> datetime:
    """End of the fifth business day after the order was received (IAM-03, GEN-04)."""
    cal = calendar.get_calendar()
    day = calendar.add_business_days(requested_on, ISSUANCE_BUSINESS_DAYS, calendar=cal)
    return datetime.combine(day, cal.closing, tzinfo=cal.timezone)


# -- the single-use link ---------------------------------------------------------------


def _new_link(user: User, now: datetime) -> str:
    """Create a link for ``user``; returns the token (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    OneTimeLink.objects.create(
        user=user,
        purpose=OneTimeLink.Purpose.SET_PASSWORD,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(hours=settings.GUICHET_LINK_VALIDITY_HOURS),
    )
    return token


def _retire_links(user: User, now: datetime) -> None:
    """Unused links of ``user`` stop working now (a new one replaces them)."""
    OneTimeLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )


def link_for_token(token: str, *, lock: bool = False) -> OneTimeLink:
    """The valid, unused password-initialisation link behind ``token``, else IAM-013/014/015."""
    link = find_link(token, OneTimeLink.Purpose.SET_PASSWORD, lock=lock)
    if link is None:
        raise GuichetError(LINK_INVALID)
    if link.used_at is not None or link.user.state == IdentifierState.ACTIVE:
        raise GuichetError(LINK_USED)
    if link.user.state != IdentifierState.PENDING:
        raise GuichetError(LINK_INVALID)
    if link.expires_at <= timezone.now():
        raise GuichetError(LINK_EXPIRED, expired_at=fr_datetime(link.expires_at))
    return link


def _send_link(actor: Principal, user: User, token: str, template: str) -> None:
    context = {
        "user": user,
        "link": public_url(ACTIVATION_PATH.format(token=token)),
        "expires_at": fr_datetime(
            timezone.now() + timedelta(hours=settings.GUICHET_LINK_VALIDITY_HOURS)
        ),
        "hours": settings.GUICHET_LINK_VALIDITY_HOURS,
        "operator": user.operator,
        "replaces": user.replaces,
        "login_url": public_url("/connexion/"),
    }
    send_email(
        actor,
        to=[user.email],
        template=template,
        context=context,
        reason=f"iam.identifier.{template}",
        operator_id=user.operator_id,
    )


# -- issuance --------------------------------------------------------------------------


def _check_request(username: str, email: str, role: str) -> None:
    try:
        User.username_validator(username)
        if not 3 <= len(username) <= 150:
            raise ValidationError("3 à 150 caractères")
        User._meta.get_field("email").run_validators(email)
        if not email:
            raise ValidationError("adresse courriel obligatoire")
    except ValidationError as exc:
        raise GuichetError(
            IDENTIFIER_INVALID, field="username", detail="; ".join(exc.messages)
        ) from exc
    if role not in Role.values:
        raise GuichetError(IDENTIFIER_INVALID, field="role", detail=f"rôle {role!r} inconnu")


def _issue(
    *,
    actor: Principal,
    operator: Operator | None,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    profiles: Iterable[Profile],
    requested_on: date | None,
    replaces: User | None = None,
) -> User:
    operator_id = operator.pk if operator is not None else None
    if not may_manage(actor, operator_id) or (operator is None and not actor.is_provider):
        raise GuichetError(IDENTIFIER_FORBIDDEN)
    username, email = username.strip(), email.strip()
    _check_request(username, email, role)
    profiles = list(profiles)
    if any(p.operator_id not in (None, operator_id) for p in profiles):
        raise GuichetError(
            IDENTIFIER_INVALID, field="profiles", detail="profil d'un autre opérateur"
        )
    if operator is not None:
        # Lock the operator row before counting, so two issuances never both take the last slot.
        operator = Operator.objects.select_for_update().get(pk=operator.pk)
    if User.objects.filter(username__iexact=username).exists():
        raise GuichetError(LOGIN_TAKEN, field="username", login=username)
    limit = settings.GUICHET_MAX_IDENTIFIERS
    if operator is not None and identifiers_in_use(operator.pk, besides=replaces) >= limit:
        raise GuichetError(IDENTIFIER_CAP_REACHED, operator=operator.arcep_code, limit=limit)
    now = timezone.now()
    requested_on = requested_on or timezone.localdate(now)
    person = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        operator=operator,
        role=role,
        is_staff=operator is None,
        is_active=False,
        state=IdentifierState.PENDING,
        requested_on=requested_on,
        issuance_due_at=issuance_due_at(requested_on),
        issued_at=now,
        replaces=replaces,
    )
    person.set_unusable_password()
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        detail = "; ".join(f"{k} : {v[0]}" for k, v in exc.message_dict.items())
        raise GuichetError(IDENTIFIER_INVALID, detail=detail) from exc
    person.save()
    person.profiles.set(profiles)
    token = _new_link(person, now)
    after = snapshot(person)
    after["profiles"] = [p.pk for p in profiles]
    record(actor, "accounts.identifier.issue", target=person, after=after)
    _send_link(actor, person, token, "issue")
    return person


@transaction.atomic
def issue_identifier(
    *,
    actor: Principal,
    operator: Operator | None,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.MEMBER,
    profiles: Iterable[Profile] = (),
    requested_on: date | None = None,
) -> User:
    """Émettre un identifiant: register a designated person and email the login and a link (IAM-01..03).

    ``requested_on`` is the day the order form was received (today by default); the
    email must leave within 5 business days of it. At most ``GUICHET_MAX_IDENTIFIERS``
    identifiers per operator (IAM-02); a login is unique forever, whatever its case.
    """
    return _issue(
        actor=actor,
        operator=operator,
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        profiles=profiles,
        requested_on=requested_on,
    )


@transaction.atomic
def reissue_link(*, actor: Principal, user: User) -> User:
    """Send a new initialisation link (the previous one expired or was lost); older links die."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not may_manage(actor, user.operator_id):
        raise GuichetError(IDENTIFIER_FORBIDDEN)
    if user.state != IdentifierState.PENDING:
        raise GuichetError(
            IDENTIFIER_STATE, login=user.username, state=fr_text(user.get_state_display())
        )
    now = timezone.now()
    _retire_links(user, now)
    token = _new_link(user, now)
    record(
        actor, "accounts.identifier.link_reissue", target=user, after={"username": user.username}
    )
    _send_link(actor, user, token, "link_reissue")
    return user


# -- loss or fraud (IAM-06) ------------------------------------------------------------


def _replacement_login(login: str) -> str:
    """``jdupont`` → ``jdupont.2``, ``jdupont.2`` → ``jdupont.3``: the first never used."""
    match = re.fullmatch(r"(.+)\.(\d+)", login)
    base, n = (match.group(1), int(match.group(2)) + 1) if match else (login, 2)
    while User.objects.filter(username__iexact=f"{base}.{n}").exists():
        n += 1
    return f"{base}.{n}"


@transaction.atomic
def declare_lost(*, actor: Principal, user: User, reason: str, note: str = "") -> User:
    """Déclarer une perte ou une fraude: deactivate at once, end sessions, issue a new identifier.

    The old identifier stops working immediately (sessions deleted, password and second
    factor wiped); the same person receives a new identifier and link. Returns the new one.
    """
    if reason not in LOSS_REASONS:
        raise GuichetError(LOSS_REASON_INVALID, field="reason", reason=reason)
    user = User.objects.select_for_update(of=("self",)).select_related("operator").get(pk=user.pk)
    if not may_manage(actor, user.operator_id):
        raise GuichetError(IDENTIFIER_FORBIDDEN)
    if user.state not in (IdentifierState.PENDING, IdentifierState.ACTIVE):
        raise GuichetError(
            IDENTIFIER_STATE, login=user.username, state=fr_text(user.get_state_display())
        )
    check_transition(user, IdentifierState.DEACTIVATED)
    before = snapshot(user, STATE_FIELDS)
    now = timezone.now()
    user.state = IdentifierState.DEACTIVATED
    user.deactivation_reason = reason
    user.deactivated_at = now
    user.is_active = False
    user.set_unusable_password()  # also invalidates every session's auth hash
    user.save()
    _retire_links(user, now)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ended = kill_sessions(user)
    after = snapshot(user, STATE_FIELDS)
    after.update({"note": note.strip()[:500], "sessions_ended": ended})
    record(actor, "accounts.identifier.declare_lost", target=user, before=before, after=after)
    replacement = _issue(
        actor=actor,
        operator=user.operator,
        username=_replacement_login(user.username),
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        role=user.role,
        profiles=user.profiles.all(),
        requested_on=timezone.localdate(now),
        replaces=user,
    )
    send_email(
        actor,
        to=operator_admin_emails(user.operator_id),
        template="lost",
        context={
            "user": user,
            "replacement": replacement,
            "reason": fr_text(user.get_deactivation_reason_display()),
        },
        reason="iam.identifier.lost",
        operator_id=user.operator_id,
    )
    return replacement
