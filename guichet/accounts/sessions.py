"""The portal session's clock (IAM-11): an inactivity lock and an absolute lifetime.

Two timestamps live in the session: when the person logged in and when it was last seen.
A session unused for ``GUICHET_SESSION_IDLE_MINUTES`` locks; one older than
``SESSION_COOKIE_AGE`` expires, however busy. Either way the person logs in again and
lands back on the page it was on (the login and the page are kept in the new session).

Pure functions over the session mapping: the middleware and the login view call them,
the services journal what happened.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

STARTED = "guichet.session.started"
LAST_SEEN = "guichet.session.last_seen"
RESUME = "guichet.session.resume"
# Activity is written at most this often (seconds): one session write per half minute.
TOUCH_GRANULARITY = 30

IDLE = "idle"
EXPIRED = "expired"

Session = MutableMapping[str, Any]


def idle_seconds() -> int:
    return settings.GUICHET_SESSION_IDLE_MINUTES * 60


def max_age_seconds() -> int:
    return settings.SESSION_COOKIE_AGE


def start(session: Session, now: float) -> None:
    """A login: the clock starts, any pending resume is consumed."""
    session[STARTED] = now
    session[LAST_SEEN] = now
    session.pop(RESUME, None)


def verdict(session: Session, now: float) -> str | None:
    """``IDLE``, ``EXPIRED`` or None (the session may go on)."""
    started = session.get(STARTED)
    last_seen = session.get(LAST_SEEN)
    if started is not None and now - started > max_age_seconds():
        return EXPIRED
    if last_seen is not None and now - last_seen > idle_seconds():
        return IDLE
    return None


def touch(session: Session, now: float) -> None:
    """The person is active now (a session that predates the clock starts it)."""
    session.setdefault(STARTED, now)
    last_seen = session.get(LAST_SEEN)
    if last_seen is None or now - last_seen >= TOUCH_GRANULARITY:
        session[LAST_SEEN] = now


@dataclass(frozen=True)
class Resume:
    """What the login page needs after a lock: who was there, why, and where."""

    login: str
    reason: str
    path: str


def remember(session: Session, resume: Resume) -> None:
    session[RESUME] = {"login": resume.login, "reason": resume.reason, "path": resume.path}


def pending(session: Session) -> Resume | None:
    value = session.get(RESUME)
    if not isinstance(value, dict):
        return None
    return Resume(
        login=str(value.get("login", "")),
        reason=str(value.get("reason", IDLE)),
        path=str(value.get("path", "")),
    )
