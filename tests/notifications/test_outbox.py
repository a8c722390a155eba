"""The outbox: every email is a row first, sent after commit, retried with backoff, never lost."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.notifications import services
from guichet.notifications.choices import DeliveryStatus
from guichet.notifications.models import OutboundEmail
from guichet.notifications.selectors import emails_for

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")


@pytest.fixture
def sent_tasks():
    """Tasks sent to the broker, by name and arguments (the worker is not running in unit tests)."""
    with mock.patch.object(services.current_app, "send_task") as send_task:
        yield send_task


def test_email_is_queued_then_sent_after_commit(
    sent_tasks, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(
            actor=ACTOR,
            to=["ops@example.test", "ops@example.test", "pas-une-adresse"],
            subject="Votre identifiant",
            body="Bonjour",
            reason="iam.issuance",
        )
    assert email.recipients == ["ops@example.test"]
    sent_tasks.assert_called_once_with(services.DELIVER_TASK, args=[email.pk], countdown=0)
    assert services.deliver(email.pk) == DeliveryStatus.SENT
    assert mail.outbox[-1].subject == "Votre identifiant" and mail.outbox[-1].to == [
        "ops@example.test"
    ]
    assert AuditRecord.objects.filter(
        action="notifications.email.queue", object_id=str(email.pk)
    ).exists()
    # Delivering twice sends once.
    assert services.deliver(email.pk) == "skipped" and len(mail.outbox) == 1


def test_nothing_leaves_when_the_transaction_rolls_back(
    sent_tasks, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.queue_email(actor=ACTOR, to=["a@example.test"], subject="x", body="y", reason="t")
        raise RuntimeError
    sent_tasks.assert_not_called()
    assert not OutboundEmail.objects.exists()


def test_no_valid_recipient_is_refused(sent_tasks) -> None:
    with pytest.raises(GuichetError) as exc:
        services.queue_email(actor=ACTOR, to=["", "nope"], subject="x", body="y", reason="t")
    assert exc.value.code == "NOT-001"


def test_failures_are_retried_with_backoff_then_given_up(sent_tasks) -> None:
    email = services.queue_email(
        actor=ACTOR, to=["a@example.test"], subject="x", body="y", reason="t"
    )
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("relais injoignable")
    ):
        assert services.deliver(email.pk) == DeliveryStatus.RETRYING
        email.refresh_from_db()
        assert email.attempts == 1 and "relais injoignable" in email.last_error
        assert (
            timedelta(seconds=50) < email.next_attempt_at - timezone.now() <= timedelta(minutes=1)
        )
        for _ in range(services.MAX_ATTEMPTS - 1):
            services.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == DeliveryStatus.FAILED and email.attempts == services.MAX_ATTEMPTS
    retried = services.retry_failed(actor=ACTOR, email=email)
    assert retried.status == DeliveryStatus.QUEUED and retried.attempts == 0
    assert services.deliver(email.pk) == DeliveryStatus.SENT


def test_lost_tasks_are_requeued(sent_tasks) -> None:
    email = services.queue_email(
        actor=ACTOR, to=["a@example.test"], subject="x", body="y", reason="t"
    )
    assert services.requeue_due() == 0
    assert services.requeue_due(now=timezone.now() + timedelta(minutes=6)) == 1
    sent_tasks.assert_called_with(services.DELIVER_TASK, args=[email.pk])


def test_operator_sees_only_its_emails(sent_tasks, admin_a, operator_a, operator_b) -> None:
    from django.test import RequestFactory

    from guichet.core.principal import resolve_principal

    services.queue_email(
        actor=ACTOR, to=["a@x.test"], subject="A", body="", reason="t", operator_id=operator_a.pk
    )
    services.queue_email(
        actor=ACTOR, to=["b@x.test"], subject="B", body="", reason="t", operator_id=operator_b.pk
    )
    request = RequestFactory().get("/")
    request.user = admin_a
    principal = resolve_principal(request)
    assert [e.subject for e in emails_for(principal)] == ["A"]
