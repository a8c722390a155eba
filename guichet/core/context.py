"""Who is acting, through which door, from where: resolved once per request.

A :class:`Principal` is what every selector and service receives (``actor=``). It
carries the person (or, later, the system credential), the operator it acts for,
and the request's channel, address and id so that the audit journal can record
them without looking anything up again.
"""

from __future__ import annotations

import contextvars
import logging
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class Channel(models.TextChoices):
    """The door an action came through."""

    PORTAL = "portal", _("Portail")
    REST = "rest", _("API REST")
    SOAP = "soap", _("Web service SOAP")
    SFTP = "sftp", _("Échange de fichiers (SFTP)")
    ADMIN = "admin", _("Administration")
    SYSTEM = "system", _("Système")


@dataclass(frozen=True)
class Principal:
    """The caller of a service or selector: a person or a system, for the Provider or an operator."""

    person_id: int | None
    login: str
    operator_id: int | None
    operator_code: str = ""
    is_provider: bool = False
    can_write: bool = False
    credential: str = ""
    channel: str = Channel.SYSTEM
    ip: str | None = None
    request_id: str = "-"
    rights: frozenset[str] = frozenset()
    suspended: bool = False
    user: Any = field(default=None, compare=False, repr=False)

    @property
    def is_operator(self) -> bool:
        return self.operator_id is not None and not self.is_provider

    def has_right(self, right: str) -> bool:
        """A right such as ``e-rdv:book`` (IAM-07); the Provider's staff hold every right."""
        return self.is_provider or right in self.rights

    def via(
        self, channel: str, *, ip: str | None = None, request_id: str | None = None
    ) -> Principal:
        """The same principal seen through another door."""
        return replace(
            self, channel=channel, ip=ip or self.ip, request_id=request_id or self.request_id
        )

    @classmethod
    def system(cls, job: str = "system") -> Principal:
        """The platform itself (scheduled jobs, imports started from the console)."""
        return cls(
            person_id=None,
            login=job,
            operator_id=None,
            is_provider=True,
            can_write=True,
            channel=Channel.SYSTEM,
            request_id=current_request_id(),
        )


def principal_for_user(user: Any, *, channel: str, ip: str | None, request_id: str) -> Principal:
    """The principal of an authenticated person (``accounts.User`` duck-typed: core knows no domain)."""
    operator = getattr(user, "operator", None)
    rights = getattr(user, "rights", None)
    return Principal(
        person_id=user.pk,
        login=user.get_username(),
        operator_id=operator.pk if operator is not None else None,
        operator_code=getattr(operator, "arcep_code", "") if operator is not None else "",
        is_provider=operator is None,
        can_write=bool(getattr(user, "can_write", False)),
        channel=channel,
        ip=ip,
        request_id=request_id,
        rights=frozenset(rights()) if callable(rights) else frozenset(),
        suspended=bool(getattr(operator, "is_suspended", False)),
        user=user,
    )


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_request_id(value: str) -> contextvars.Token[str]:
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdLogFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
