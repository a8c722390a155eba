"""What the identifier modules share: who may manage an identifier, its state map, French
emails through the outbox, ending a person's sessions, and the dormancy clock (IAM-05)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from guichet.accounts.choices import IDENTIFIER_TRANSITIONS, IdentifierState
from guichet.accounts.errors.identifiers import IDENTIFIER_STATE
from guichet.accounts.models import OneTimeLink, Role, User
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.errors import EMAIL_NO_RECIPIENT
from guichet.notifications.services import queue_email

# What the journal keeps of an identifier's state changes (no personal data).
STATE_FIELDS = (
    "username",
    "operator",
    "state",
    "is_active",
    "security_level",
    "deactivated_at",
    "deactivation_reason",
    "deleted_at",
    "replaces",
)


def may_manage(actor: Principal, operator_id: int | None) -> bool:
    """The Provider's staff, or a writing administrator of that very operator."""
    if actor.is_provider:
        return True
    user = actor.user
    return (
        operator_id is not None
        and actor.operator_id == operator_id
        and actor.can_write
        and user is not None
        and getattr(user, "role", None) == Role.ADMIN
    )


def check_transition(user: User, target: str) -> None:
    """Refuse a state change the transition map does not allow (IAM-016)."""
    if target not in IDENTIFIER_TRANSITIONS[user.state]:
        raise GuichetError(
            IDENTIFIER_STATE, login=user.username, state=fr_text(user.get_state_display())
        )


def fr_text(value: Any) -> str:
    with translation.override("fr"):
        return str(value)


def fr_datetime(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return date_format(timezone.localtime(moment), "d/m/Y à H:i", use_l10n=False)


def public_url(path: str) -> str:
    return settings.GUICHET_PUBLIC_URL.rstrip("/") + path


def send_email(
    actor: Principal,
    *,
    to: Iterable[str],
    template: str,
    context: dict[str, Any],
    reason: str,
    operator_id: int | None,
) -> bool:
    """Queue a French email built from ``accounts/identifiers/email/<template>.txt``.

    Returns False when nobody has a valid address: that must never block a security action.
    """
    with translation.override("fr"):
        text = render_to_string(f"accounts/identifiers/email/{template}.txt", context)
    subject, _, body = text.strip().partition("\n")
    try:
        queue_email(
            actor=actor,
            to=list(to),
            subject=subject.strip(),
            body=body.strip() + "\n",
            reason=reason,
            operator_id=operator_id,
        )
    except GuichetError as exc:
        if exc.error is not EMAIL_NO_RECIPIENT:
            raise
        return False
    return True


def operator_admin_emails(operator_id: int | None, *, besides: User | None = None) -> list[str]:
    """Addresses of the operator's active administrators (told of dormancy and losses)."""
    if operator_id is None:
        return []
    admins = User.objects.filter(
        operator_id=operator_id, role=Role.ADMIN, state=IdentifierState.ACTIVE, is_active=True
    )
    if besides is not None:
        admins = admins.exclude(pk=besides.pk)
    return [email for email in admins.values_list("email", flat=True) if email]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_link(token: str, purpose: str, *, lock: bool = False) -> OneTimeLink | None:
    """The emailed link behind ``token`` for ``purpose`` (used or not), locked if asked."""
    queryset = OneTimeLink.objects.select_related("user", "user__operator")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.filter(token_hash=hash_token(token or ""), purpose=purpose).first()


def kill_sessions(user: User, *, keep: str | None = None) -> int:
    """End every live portal session of ``user`` (but ``keep``); returns how many ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == wanted:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def touch_last_used(user: User, when: datetime | None = None) -> None:
    """A successful login or API call on this person's behalf: the dormancy clock restarts (IAM-05)."""
    when = when or timezone.now()
    User.objects.filter(pk=user.pk).update(last_used_at=when, dormancy_warned_at=None)
    user.last_used_at, user.dormancy_warned_at = when, None
