"""Delivery of the outbox by the worker."""

from __future__ import annotations

from celery import shared_task

from guichet.notifications import services


@shared_task(name="guichet.notifications.tasks.deliver_email", acks_late=True)
def deliver_email(email_id: int) -> str:
    return services.deliver(email_id)


@shared_task(name="guichet.notifications.tasks.requeue_due_emails")
def requeue_due_emails() -> int:
    return services.requeue_due()
