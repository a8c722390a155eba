"""Session ends, failed-login lockouts and their unlocking, each journaled (IAM-11, SEC-04).

* a session locked by inactivity or past its lifetime is journaled when it ends;
* after ``AXES_FAILURE_LIMIT`` failed logins django-axes locks the identifier for
  ``AXES_COOLOFF_MINUTES``; the holder can unlock it sooner with a single-use link sent
  to its own address, or its operator's administrator (or the Provider) unlocks it;
* login attempts are journaled under the operator of the identifier they name, so the
  person and its administrator see them in the login history.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone

from guichet.accounts import selectors
from guichet.accounts.choices import IdentifierState
from guichet.accounts.errors.sessions import NOT_LOCKED_OUT, UNLOCK_LINK_INVALID
from guichet.accounts.models import OneTimeLink, User
from guichet.accounts.services.identifier_common import (
    find_link,
    fr_datetime,
    hash_token,
    public_url,
    send_email,
)
from guichet.accounts.services.profiles import require_administer
from guichet.accounts.sessions import EXPIRED
from guichet.audit.recorder import record
from guichet.core.context import Principal
from guichet.core.errors import GuichetError

UNLOCK_LINK_MINUTES = 60
UNLOCK_PATH = "/connexion/deblocage/{token}/"

# Journal actions of the login history (what a person and its administrator are shown).
LOGIN_SUCCEEDED = "accounts.login.success"
LOGIN_FAILED = "accounts.login.failed"
LOGGED_OUT = "accounts.logout"
SESSION_LOCKED = "accounts.session.locked"
SESSION_EXPIRED = "accounts.session.expired"
LOCKED_OUT = "accounts.login.locked_out"
UNLOCKED = "accounts.login.unlocked"
SECOND_FACTOR_FAILED = "accounts.login.second_factor_failed"


def record_session_end(*, actor: Principal, reason: str) -> None:
    """A portal session ended by its clock (inactivity or lifetime)."""
    record(
        actor,
        SESSION_EXPIRED if reason == EXPIRED else SESSION_LOCKED,
        object_type="accounts.user",
        object_id=actor.person_id or "",
    )


def _attempt_actor(actor: Principal, person: User | None) -> Principal:
    """The anonymous actor of a login attempt, filed under the named person's operator."""
    if person is None or person.operator_id is None:
        return actor
    return replace(actor, operator_id=person.operator_id, operator_code=person.operator.arcep_code)


def record_attempt(*, actor: Principal, attempted_login: str, action: str) -> None:
    """A refused login (wrong password, or refused because the identifier is locked)."""
    person = selectors.person_by_login(attempted_login)
    record(
        _attempt_actor(actor, person),
        action,
        object_type="accounts.user",
        object_id=person.pk if person is not None else attempted_login[:100],
        after={"login": attempted_login[:150]},
    )


def _locked_person(login: str) -> User | None:
    person = selectors.person_by_login(login)
    if person is None or person.state != IdentifierState.ACTIVE or not person.is_active:
        return None
    return person if selectors.is_locked_out(person) else None


@transaction.atomic
def request_unlock_link(*, actor: Principal, login: str) -> bool:
    """Email a single-use unlock link to the holder of ``login`` if it is locked.

    The answer shown to the requester never tells whether the login exists or was locked;
    the journal does (``sent``).
    """
    person = _locked_person(login)
    sent = False
    if person is not None and person.email:
        now = timezone.now()
        OneTimeLink.objects.filter(
            user=person, purpose=OneTimeLink.Purpose.UNLOCK, used_at__isnull=True
        ).update(expires_at=now)
        token = secrets.token_urlsafe(32)
        expires_at = now + timedelta(minutes=UNLOCK_LINK_MINUTES)
        OneTimeLink.objects.create(
            user=person,
            purpose=OneTimeLink.Purpose.UNLOCK,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=expires_at,
        )
        sent = send_email(
            actor,
            to=[person.email],
            template="unlock_link",
            context={
                "user": person,
                "link": public_url(UNLOCK_PATH.format(token=token)),
                "expires_at": fr_datetime(expires_at),
                "ip": actor.ip or "—",
            },
            reason="iam.identifier.unlock_link",
            operator_id=person.operator_id,
        )
    record(
        _attempt_actor(actor, person),
        "accounts.login.unlock_requested",
        object_type="accounts.user",
        object_id=person.pk if person is not None else login[:100],
        after={"login": login[:150], "sent": sent},
    )
    return sent


def unlock_link_for_token(token: str, *, lock: bool = False) -> OneTimeLink:
    """The valid, unused unlock link behind ``token``, else IAM-063."""
    link = find_link(token, OneTimeLink.Purpose.UNLOCK, lock=lock)
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise GuichetError(UNLOCK_LINK_INVALID)
    return link


def _reset(person: User) -> int:
    """Forget the failed attempts of every spelling of the login (axes keys them as typed)."""
    return sum(axes_reset(username=login) for login in selectors.attempted_logins(person))


@transaction.atomic
def unlock_with_link(*, actor: Principal, token: str) -> User:
    """The holder followed its unlock link: the failed attempts are forgotten."""
    link = unlock_link_for_token(token, lock=True)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    person = link.user
    cleared = _reset(person)
    record(
        _attempt_actor(actor, person),
        UNLOCKED,
        target=person,
        after={"by": "link", "attempts_cleared": cleared},
    )
    return person


@transaction.atomic
def unlock_identifier(*, actor: Principal, person: User) -> User:
    """An administrator of the person's operator, or the Provider, unlocks it now."""
    require_administer(actor, person.operator_id)
    if not selectors.is_locked_out(person):
        raise GuichetError(NOT_LOCKED_OUT, login=person.username)
    cleared = _reset(person)
    record(
        actor, UNLOCKED, target=person, after={"by": "administrator", "attempts_cleared": cleared}
    )
    return person
