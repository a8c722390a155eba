"""Dormant identifiers (IAM-05, art. 11.2, Annex 4): warned, then deactivated, then deleted.

« Unused » means no successful login and no API call on the person's behalf: both call
:func:`~guichet.accounts.services.identifiers.touch_last_used`. An identifier never used
counts from its activation (password set), else from its issuance. The holder and the
operator's administrators are emailed ``GUICHET_DORMANCY_NOTICE_DAYS`` days before the
deactivation, which never comes sooner than that notice. A deactivated identifier is
deleted after ``GUICHET_DELETION_AFTER_DAYS``: personal data blanked, login kept so that
it is never reused. Every operator's people are swept; the Provider's staff are not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.accounts.choices import DeactivationReason, IdentifierState
from guichet.accounts.models import OneTimeLink, User
from guichet.accounts.services.identifier_common import (
    STATE_FIELDS,
    check_transition,
    fr_datetime,
    kill_sessions,
    operator_admin_emails,
    send_email,
)
from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal

log = logging.getLogger(__name__)
LIVE_STATES = (IdentifierState.ACTIVE, IdentifierState.PENDING)
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone")


def _with_last_use(queryset: QuerySet[User]) -> QuerySet[User]:
    return queryset.annotate(
        last_use=Coalesce("last_used_at", "password_changed_at", "issued_at", "date_joined")
    )


def _swept() -> QuerySet[User]:
    return _with_last_use(User.objects.filter(operator__isnull=False))


def _warn(actor: Principal, user: User, now: datetime) -> None:
    dormancy = timedelta(days=settings.GUICHET_DORMANCY_DAYS)
    notice = timedelta(days=settings.GUICHET_DORMANCY_NOTICE_DAYS)
    user.dormancy_warned_at = now
    user.save(update_fields=["dormancy_warned_at"])
    deadline = max(user.last_use + dormancy, now + notice)
    record(
        actor,
        "accounts.identifier.dormancy_warning",
        target=user,
        after={"last_use": user.last_use, "deactivation_on": deadline},
    )
    send_email(
        actor,
        to=[user.email, *operator_admin_emails(user.operator_id, besides=user)],
        template="dormancy_warning",
        context={
            "user": user,
            "last_use": fr_datetime(user.last_use),
            "deadline": fr_datetime(deadline),
            "months": round(settings.GUICHET_DORMANCY_DAYS / 30.4),
            "login_url": settings.GUICHET_PUBLIC_URL.rstrip("/") + "/connexion/",
        },
        reason="iam.identifier.dormancy_warning",
        operator_id=user.operator_id,
    )


def _deactivate(actor: Principal, user: User, now: datetime) -> None:
    check_transition(user, IdentifierState.DEACTIVATED)
    before = snapshot(user, STATE_FIELDS)
    user.state = IdentifierState.DEACTIVATED
    user.deactivation_reason = DeactivationReason.DORMANT
    user.deactivated_at = now
    user.is_active = False
    user.save()
    OneTimeLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    ended = kill_sessions(user)
    after = snapshot(user, STATE_FIELDS)
    after.update({"last_use": user.last_use, "sessions_ended": ended})
    record(actor, "accounts.identifier.deactivate", target=user, before=before, after=after)
    deletion = now + timedelta(days=settings.GUICHET_DELETION_AFTER_DAYS)
    send_email(
        actor,
        to=[user.email, *operator_admin_emails(user.operator_id, besides=user)],
        template="dormancy_deactivated",
        context={
            "user": user,
            "last_use": fr_datetime(user.last_use),
            "deletion": fr_datetime(deletion),
        },
        reason="iam.identifier.dormancy_deactivated",
        operator_id=user.operator_id,
    )


def _delete(actor: Principal, user: User, now: datetime) -> None:
    check_transition(user, IdentifierState.DELETED)
    before = snapshot(user, STATE_FIELDS)
    for field in PERSONAL_FIELDS:
        setattr(user, field, "")
    user.set_unusable_password()
    user.is_active = False
    user.state = IdentifierState.DELETED
    user.deleted_at = now
    user.save()
    user.profiles.clear()
    OneTimeLink.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(
        actor,
        "accounts.identifier.delete",
        target=user,
        before=before,
        after=snapshot(user, STATE_FIELDS),
    )


def _each(
    queryset: QuerySet[User],
    step: Callable[[Principal, User, datetime], None],
    actor: Principal,
    now: datetime,
) -> int:
    """Apply ``step`` to each person, one transaction each, the row locked and re-checked."""
    done = 0
    for pk in list(queryset.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                user = queryset.select_for_update().filter(pk=pk).first()
                if user is None:  # changed meanwhile (a login, an administrator)
                    continue
                step(actor, user, now)
                done += 1
        except Exception:  # one faulty identifier must not stop the sweep of the others
            log.exception("dormancy sweep failed for person %s", pk)
    return done


def sweep_dormant(now: datetime | None = None) -> dict[str, int]:
    """Warn, deactivate and delete dormant identifiers of every operator (IAM-05)."""
    now = now or timezone.now()
    actor = Principal.system("dormancy")
    dormancy = timedelta(days=settings.GUICHET_DORMANCY_DAYS)
    notice = timedelta(days=settings.GUICHET_DORMANCY_NOTICE_DAYS)
    retention = timedelta(days=settings.GUICHET_DELETION_AFTER_DAYS)
    deleted = _each(
        _swept().filter(state=IdentifierState.DEACTIVATED, deactivated_at__lte=now - retention),
        _delete,
        actor,
        now,
    )
    deactivated = _each(
        _swept().filter(
            state__in=LIVE_STATES,
            last_use__lte=now - dormancy,
            dormancy_warned_at__lte=now - notice,
        ),
        _deactivate,
        actor,
        now,
    )
    warned = _each(
        _swept().filter(
            state__in=LIVE_STATES,
            last_use__lte=now - (dormancy - notice),
            dormancy_warned_at__isnull=True,
        ),
        _warn,
        actor,
        now,
    )
    return {"warned": warned, "deactivated": deactivated, "deleted": deleted}
