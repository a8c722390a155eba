"""Emails of the audit follow-up: French (security teams), first template line = subject."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from guichet.accounts.models import Role
from guichet.accounts.selectors import people_for
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.errors import EMAIL_NO_RECIPIENT
from guichet.notifications.services import queue_email
from guichet.operators.models import Operator
from guichet.operators.services import provider_security_email


def link(name: str, **kwargs: Any) -> str:
    return settings.GUICHET_PUBLIC_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def fr(label: Any) -> str:
    with translation.override("fr"):
        return str(label)


def day(value: Any) -> str:
    return date_format(value, "d/m/Y", use_l10n=False) if value else "—"


def operator_side(actor: Principal, operator: Operator) -> list[str]:
    """The operator's security contact and its active administrators (annexe 2 §4)."""
    admins = people_for(actor).filter(operator=operator, role=Role.ADMIN, is_active=True)
    return [operator.security_contact_email, *admins.values_list("email", flat=True)]


def provider_side() -> list[str]:
    return [provider_security_email()]


def send(
    actor: Principal, *, to: list[str], operator: Operator, email: str, **context: Any
) -> list[str]:
    """Queue ``compliance/emails/<email>.txt``; no valid address never blocks the action."""
    with translation.override("fr"):
        subject, _, body = render_to_string(
            f"compliance/emails/{email}.txt", {"operator": operator, **context}
        ).partition("\n")
    try:
        queued = queue_email(
            actor=actor,
            to=list(dict.fromkeys(address for address in to if address)),
            subject=subject.strip(),
            body=body.strip() + "\n",
            reason=f"compliance.{email}",
            operator_id=operator.pk,
        )
    except GuichetError as exc:
        if exc.error is not EMAIL_NO_RECIPIENT:
            raise
        return []
    return list(queued.recipients)
