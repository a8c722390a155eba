"""Passwords, security levels and the second factor of an identifier (IAM-04, IAM-11).

The holder sets the first password through the emailed link and chooses a level; the
level « renforcé + second facteur » enrols a TOTP device (django-otp) confirmed by a
first code, and gives 10 single-use recovery codes shown once.

TOTP and recovery-code checks run outside the service's transaction on purpose:
django-otp counts failures on the device (throttling) and a rollback would erase them.
"""

from __future__ import annotations

from base64 import b32encode
from datetime import datetime
from urllib.parse import quote, urlencode

from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.accounts.choices import IdentifierState, SecurityLevel
from guichet.accounts.errors.identifiers import (
    CURRENT_PASSWORD_WRONG,
    IDENTIFIER_STATE,
    LEVEL_INVALID,
    NO_ENROLMENT,
    NO_SECOND_FACTOR,
    OTP_INVALID,
    OTP_THROTTLED,
    PASSWORD_MISMATCH,
    PASSWORD_REJECTED,
)
from guichet.accounts.models import OneTimeLink, User
from guichet.accounts.passwords import (
    RECOVERY_CODE_COUNT,
    password_problems,
    requires_second_factor,
)
from guichet.accounts.services.identifier_common import (
    STATE_FIELDS,
    check_transition,
    fr_text,
    kill_sessions,
    send_email,
    touch_last_used,
)
from guichet.accounts.services.identifiers import link_for_token
from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError

TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
TOTP_ISSUER = "Guichet"


def _check_password(password: str, confirmation: str | None, level: str, user: User) -> None:
    if level not in SecurityLevel.values:
        raise GuichetError(LEVEL_INVALID, field="level", level=level)
    if confirmation is not None and password != confirmation:
        raise GuichetError(PASSWORD_MISMATCH, field="password2")
    problems = password_problems(password, level, user)
    if problems:
        raise GuichetError(
            PASSWORD_REJECTED, field="password1", detail=" ".join(problems), problems=problems
        )


def _set_password(user: User, password: str, now: datetime) -> None:
    user.set_password(password)
    user.password_changed_at = now


# -- TOTP enrolment and recovery codes -------------------------------------------------


def start_enrolment(user: User) -> TOTPDevice:
    """A fresh, unconfirmed TOTP device for ``user`` (earlier unfinished enrolments are dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def pending_enrolment(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def totp_secret(device: TOTPDevice) -> str:
    """The key as the base32 text an authenticator app accepts, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    label = quote(f"{TOTP_ISSUER}:{device.user.get_username()}")
    params = {
        "secret": b32encode(device.bin_key).decode("ascii").rstrip("="),
        "issuer": TOTP_ISSUER,
        "algorithm": "SHA1",
        "digits": device.digits,
        "period": device.step,
    }
    return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _verify(device: Device, code: str) -> None:
    """Check ``code`` on ``device``; failures are counted by django-otp (throttling)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise GuichetError(OTP_THROTTLED, field="code")
    if not device.verify_token(code):
        raise GuichetError(OTP_INVALID, field="code")


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def confirm_enrolment(*, actor: Principal, user: User, code: str, token: str = "") -> list[str]:
    """Confirm the pending TOTP device with a first code; returns the 10 recovery codes.

    From the activation link (``token``) this also activates the identifier; from the
    security page it raises the level to « renforcé + second facteur ».
    """
    device = pending_enrolment(user)
    if device is None:
        raise GuichetError(NO_ENROLMENT)
    _verify(device, _normalise_code(code))
    return _finish_enrolment(actor=actor, user=user, device_id=device.pk, token=token)


@transaction.atomic
def _finish_enrolment(*, actor: Principal, user: User, device_id: int, token: str) -> list[str]:
    link = link_for_token(token, lock=True) if token else None
    user = User.objects.select_for_update().get(pk=user.pk)
    if link is not None and link.user_id != user.pk:
        raise GuichetError(NO_ENROLMENT)
    before = snapshot(user, STATE_FIELDS)
    TOTPDevice.objects.filter(user=user).exclude(pk=device_id).delete()
    TOTPDevice.objects.filter(pk=device_id).update(confirmed=True)
    codes = _new_recovery_codes(user)
    user.security_level = SecurityLevel.STRONG_2FA
    action = "accounts.identifier.level_change"
    if link is not None:
        _activate(user, link)
        action = "accounts.identifier.activate"
    user.save()
    after = snapshot(user, STATE_FIELDS)
    after["second_factor"] = "totp"
    record(actor, action, target=user, before=before, after=after)
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, actor: Principal, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); shown once to the holder."""
    if not requires_second_factor(user):
        raise GuichetError(NO_SECOND_FACTOR)
    codes = _new_recovery_codes(user)
    record(actor, "accounts.identifier.recovery_codes", target=user, after={"count": len(codes)})
    return codes


# -- activation from the emailed link (IAM-03, IAM-04) ---------------------------------


def _activate(user: User, link: OneTimeLink) -> None:
    check_transition(user, IdentifierState.ACTIVE)
    now = timezone.now()
    user.state = IdentifierState.ACTIVE
    user.is_active = True
    link.used_at = now
    link.save(update_fields=["used_at"])


@transaction.atomic
def set_initial_password(
    *, actor: Principal, token: str, password: str, confirmation: str, level: str
) -> TOTPDevice | None:
    """The holder sets the first password and chooses the level.

    Standard or renforcé: the identifier becomes active and the link is spent. Renforcé +
    second facteur: the password is kept but the identifier stays pending until the first
    TOTP code is confirmed (:func:`confirm_enrolment`); returns the device to enrol.
    """
    link = link_for_token(token, lock=True)
    user = User.objects.select_for_update().get(pk=link.user_id)
    _check_password(password, confirmation, level, user)
    before = snapshot(user, STATE_FIELDS)
    _set_password(user, password, timezone.now())
    if level == SecurityLevel.STRONG_2FA:
        user.save()
        record(actor, "accounts.identifier.password_set", target=user, after={"level": level})
        return start_enrolment(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.security_level = level
    _activate(user, link)
    user.save()
    record(
        actor,
        "accounts.identifier.activate",
        target=user,
        before=before,
        after=snapshot(user, STATE_FIELDS),
    )
    return None


# -- login second step (IAM-04) --------------------------------------------------------


def verify_second_factor(*, actor: Principal, user: User, code: str) -> Device:
    """Check a TOTP code (6 digits) or a recovery code at login; journal either way."""
    code = _normalise_code(code)
    if code.isdigit():
        device: Device | None = (
            TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
        )
        method = "totp"
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        method = "recovery_code"
    try:
        if device is None:
            raise GuichetError(OTP_INVALID, field="code")
        _verify(device, code)
    except GuichetError:
        with transaction.atomic():
            record(
                actor, "accounts.login.second_factor_failed", target=user, after={"method": method}
            )
        raise
    with transaction.atomic():
        touch_last_used(user)
        left = recovery_codes_left(user)
        after: dict[str, object] = {"method": method}
        if method == "recovery_code":
            after["recovery_codes_left"] = left
            send_email(
                actor,
                to=[user.email],
                template="recovery_used",
                context={"user": user, "left": left},
                reason="iam.identifier.recovery_used",
                operator_id=user.operator_id,
            )
        record(actor, "accounts.login.second_factor", target=user, after=after)
    return device


# -- renewal and change of level (IAM-11, IAM-04) --------------------------------------


def _check_current(user: User, current_password: str) -> None:
    if not user.check_password(current_password):
        raise GuichetError(CURRENT_PASSWORD_WRONG, field="current_password")


@transaction.atomic
def change_password(
    *,
    actor: Principal,
    user: User,
    current_password: str,
    new_password: str,
    confirmation: str,
    keep_session: str | None = None,
) -> User:
    """Renouveler le mot de passe under the person's level; other sessions end."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.state != IdentifierState.ACTIVE:
        raise GuichetError(
            IDENTIFIER_STATE, login=user.username, state=fr_text(user.get_state_display())
        )
    _check_current(user, current_password)
    level = user.security_level or SecurityLevel.STANDARD
    _check_password(new_password, confirmation, level, user)
    if new_password == current_password:
        raise GuichetError(
            PASSWORD_REJECTED,
            field="password1",
            detail="le nouveau mot de passe doit différer de l'actuel.",
            problems=["Le nouveau mot de passe doit différer de l'actuel."],
        )
    _set_password(user, new_password, timezone.now())
    user.save()
    ended = kill_sessions(user, keep=keep_session)
    record(
        actor, "accounts.identifier.password_change", target=user, after={"sessions_ended": ended}
    )
    return user


@transaction.atomic
def change_security_level(
    *,
    actor: Principal,
    user: User,
    level: str,
    current_password: str,
    new_password: str = "",
    confirmation: str = "",
) -> TOTPDevice | None:
    """Change level: the (current or new) password must meet the new level's rules.

    Towards « renforcé + second facteur » the level changes only once the TOTP device is
    confirmed (:func:`confirm_enrolment`); returns that device to enrol. Leaving it removes
    the TOTP device and the recovery codes.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if level not in SecurityLevel.values:
        raise GuichetError(LEVEL_INVALID, field="level", level=level)
    _check_current(user, current_password)
    password = new_password or current_password
    _check_password(password, confirmation if new_password else None, level, user)
    before = snapshot(user, STATE_FIELDS)
    if new_password:
        _set_password(user, new_password, timezone.now())
    if level == SecurityLevel.STRONG_2FA and user.security_level != SecurityLevel.STRONG_2FA:
        user.save()
        if new_password:
            record(
                actor, "accounts.identifier.password_change", target=user, after={"level": level}
            )
        return start_enrolment(user)
    if level != SecurityLevel.STRONG_2FA:
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    user.security_level = level
    user.save()
    after = snapshot(user, STATE_FIELDS)
    after["password_changed"] = bool(new_password)
    record(actor, "accounts.identifier.level_change", target=user, before=before, after=after)
    return None
