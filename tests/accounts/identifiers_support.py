"""Helpers of the identifier life-cycle tests (IAM-01..06, IAM-08, IAM-09, IAM-11)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.conf import LazySettings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.accounts.models import Role, User
from guichet.accounts.services import identifiers as services
from guichet.core.context import Channel, Principal, principal_for_user
from guichet.notifications import services as notification_services
from guichet.notifications.models import OutboundEmail
from guichet.operators.models import Operator

# Passwords that every level accepts (14+ characters, 3 classes, nothing common).
PASSWORD = "Tournesol-Bleu-Gatine-79"
NEW_PASSWORD = "Heron-Cendre-Sevre-Niortaise-12"
GATES = (
    "guichet.accounts.portal.identifiers_middleware.SecondFactorRequiredMiddleware",
    "guichet.accounts.portal.identifiers_middleware.PasswordExpiryMiddleware",
)
LINK = re.compile(r"https?://[^/\s]+(/compte/activation/([A-Za-z0-9_-]+)/)")


def with_gates(middleware: list[str] | tuple[str, ...]) -> list[str]:
    """MIDDLEWARE with the two identifier gates right after django-otp's (as the lead wires it)."""
    entries = [entry for entry in middleware if entry not in GATES]
    at = entries.index("django_otp.middleware.OTPMiddleware") + 1
    return [*entries[:at], *GATES, *entries[at:]]


@pytest.fixture
def gates(settings: LazySettings) -> None:
    settings.MIDDLEWARE = with_gates(settings.MIDDLEWARE)


@pytest.fixture
def sent_tasks() -> Iterator[mock.MagicMock]:
    """The outbox's tasks, caught instead of reaching the broker (no worker in these tests)."""
    with mock.patch.object(notification_services.current_app, "send_task") as send_task:
        yield send_task


def as_principal(user: User, channel: str = Channel.PORTAL) -> Principal:
    return principal_for_user(user, channel=channel, ip="192.0.2.10", request_id="test-iam")


def issue(actor: User | Principal, operator: Operator | None, login: str, **extra: Any) -> User:
    principal = actor if isinstance(actor, Principal) else as_principal(actor)
    values: dict[str, Any] = {
        "email": f"{login}@example.test",
        "first_name": "Camille",
        "last_name": "Lefebvre",
        "role": Role.MEMBER,
    }
    values.update(extra)
    return services.issue_identifier(actor=principal, operator=operator, username=login, **values)


def emails_to(address: str, reason: str = "") -> list[OutboundEmail]:
    emails = [e for e in OutboundEmail.objects.order_by("id") if address in e.recipients]
    return [e for e in emails if not reason or e.reason == reason]


def activation_path(user: User) -> str:
    """The path of the last link emailed to ``user`` (the token exists nowhere else)."""
    for email in reversed(emails_to(user.email)):
        match = LINK.search(email.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no activation link emailed to {user.email}")


def activate(client: Client, user: User, level: str, password: str = PASSWORD) -> Any:
    """Set the first password through the emailed link (standard or renforcé)."""
    return client.post(
        activation_path(user), {"level": level, "password1": password, "password2": password}
    )


def totp_device(user: User, confirmed: bool | None = None) -> TOTPDevice:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-id").first()


def totp_code(user: User, *, drift: int = 0, confirmed: bool | None = None) -> str:
    """The code an authenticator app would show, computed from the device's key."""
    device = totp_device(user, confirmed)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"


def activate_with_second_factor(client: Client, user: User, password: str = PASSWORD) -> list[str]:
    """The whole TOTP activation; returns the recovery codes shown once."""
    path = activation_path(user)
    response = client.post(
        path, {"level": "strong_2fa", "password1": password, "password2": password}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"{path}second-facteur/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()
    done = client.post(response["Location"], {"code": totp_code(user, confirmed=False)})
    assert done.status_code == 200, done.content.decode()[:2000]
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())


def log_in(client: Client, login: str, password: str = PASSWORD) -> Any:
    """The real login form of the portal."""
    return client.post("/connexion/", {"username": login, "password": password})
