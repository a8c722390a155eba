"""Queueing and delivering emails. Services queue (in their transaction); the worker delivers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications.choices import DeliveryStatus
from guichet.notifications.errors import EMAIL_NO_RECIPIENT, EMAIL_NOT_RETRYABLE
from guichet.notifications.models import OutboundEmail, OutboundEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Backoff after attempt n: 1, 5, 15, 60, 240 minutes.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
DELIVER_TASK = "guichet.notifications.tasks.deliver_email"


def _valid(recipients: Iterable[str]) -> list[str]:
    valid = []
    for address in recipients:
        address = (address or "").strip()
        try:
            validate_email(address)
        except ValidationError:
            continue
        if address not in valid:
            valid.append(address)
    return valid


def _enqueue(email_id: int, countdown: int = 0) -> None:
    transaction.on_commit(
        lambda: current_app.send_task(DELIVER_TASK, args=[email_id], countdown=countdown)
    )


def queue_email(
    *,
    actor: Principal,
    to: Iterable[str],
    subject: str,
    body: str,
    reason: str,
    html_body: str = "",
    operator_id: int | None = None,
) -> OutboundEmail:
    """Put an email in the outbox; it leaves after the caller's transaction commits."""
    recipients = _valid(to)
    if not recipients:
        raise GuichetError(EMAIL_NO_RECIPIENT)
    email = OutboundEmail.objects.create(
        recipients=recipients,
        subject=subject[:250],
        body=body,
        html_body=html_body,
        reason=reason,
        operator_id=operator_id,
    )
    record(
        actor,
        "notifications.email.queue",
        target=email,
        after={"reason": reason, "recipients": recipients, "subject": email.subject},
    )
    _enqueue(email.pk)
    return email


def queue_event(
    *,
    actor: Principal,
    operator_id: int,
    type: str,
    source: str,
    subject: str,
    data: dict[str, Any],
) -> OutboundEvent:
    """Record an event for an operator (CloudEvents 1.0); the webhook delivery sends it later."""
    event = OutboundEvent.objects.create(
        event_id=uuid.uuid4(),
        operator_id=operator_id,
        type=type,
        source=source,
        subject=subject[:200],
        occurred_at=timezone.now(),
        data=data,
    )
    record(
        actor,
        "notifications.event.queue",
        target=event,
        after={"type": type, "subject": event.subject, "operator_id": operator_id},
    )
    return event


def deliver(email_id: int) -> str:
    """Send one queued email; on failure schedule the next attempt with backoff. Idempotent."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in {DeliveryStatus.SENT, DeliveryStatus.FAILED}:
            return "skipped"
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.recipients,
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        email.attempts += 1
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # any transport failure is retried
            log.warning("email %s attempt %s failed: %s", email.pk, email.attempts, exc)
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = DeliveryStatus.FAILED
                email.next_attempt_at = None
            else:
                delay = BACKOFF_MINUTES[min(email.attempts, len(BACKOFF_MINUTES)) - 1]
                email.status = DeliveryStatus.RETRYING
                email.next_attempt_at = timezone.now() + timedelta(minutes=delay)
                _enqueue(email.pk, countdown=delay * 60)
        else:
            email.status = DeliveryStatus.SENT
            email.sent_at = timezone.now()
            email.next_attempt_at = None
            email.last_error = ""
        email.save()
        return email.status


def requeue_due(now: datetime | None = None) -> int:
    """Re-send what the broker may have lost: queued for over 5 minutes, or retries now due."""
    now = now or timezone.now()
    due = list(
        OutboundEmail.objects.filter(
            status=DeliveryStatus.QUEUED, created_at__lte=now - timedelta(minutes=5)
        ).values_list("pk", flat=True)
    ) + list(
        OutboundEmail.objects.filter(
            status=DeliveryStatus.RETRYING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in due:
        current_app.send_task(DELIVER_TASK, args=[pk])
    return len(due)


@transaction.atomic
def retry_failed(*, actor: Principal, email: OutboundEmail) -> OutboundEmail:
    """Provider staff send a failed email again (after fixing the address or the SMTP relay)."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status != DeliveryStatus.FAILED:
        raise GuichetError(EMAIL_NOT_RETRYABLE, status=email.get_status_display())
    email.status = DeliveryStatus.QUEUED
    email.attempts = 0
    email.save(update_fields=["status", "attempts", "updated_at"])
    record(actor, "notifications.email.retry", target=email)
    _enqueue(email.pk)
    return email
