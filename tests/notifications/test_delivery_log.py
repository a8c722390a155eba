"""The email delivery log in the back-office: every email with its status; failed ones resent."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.core.context import Principal
from guichet.notifications import services
from guichet.notifications.choices import DeliveryStatus
from guichet.notifications.models import OutboundEmail
from guichet.operators.models import Operator

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")
LOG = "/back-office/courriels/"


@pytest.fixture(autouse=True)
def sent_tasks() -> Iterator[mock.MagicMock]:
    with mock.patch.object(services.current_app, "send_task") as send_task:
        yield send_task


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queue(subject: str, operator: Operator | None = None, body: str = "Bonjour") -> OutboundEmail:
    return services.queue_email(
        actor=ACTOR,
        to=["ops@example.test"],
        subject=subject,
        body=body,
        reason="tests.log",
        operator_id=operator.pk if operator else None,
    )


def failed(subject: str) -> OutboundEmail:
    email = queue(subject)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("relais injoignable")
    ):
        for _ in range(services.MAX_ATTEMPTS):
            services.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == DeliveryStatus.FAILED
    return email


def test_provider_staff_lists_emails_by_status(provider_staff: User, operator_a: Operator) -> None:
    sent = queue("Identifiant émis", operator_a)
    services.deliver(sent.pk)
    waiting = queue("En attente d'envoi")
    broken = failed("Relais en panne")
    client = client_of(provider_staff)
    page = html.unescape(client.get(LOG).content.decode())
    for email in (sent, waiting, broken):
        assert f"{LOG}{email.pk}/" in page
    assert "1 courriel en échec définitif." in page and "OPEA" in page
    only_failed = client.get(LOG, {"statut": "failed"}).content.decode()
    assert f"{LOG}{broken.pk}/" in only_failed and f"{LOG}{sent.pk}/" not in only_failed
    only_sent = client.get(LOG, {"statut": "sent"}).content.decode()
    assert f"{LOG}{sent.pk}/" in only_sent and f"{LOG}{waiting.pk}/" not in only_sent
    searched = client.get(LOG, {"q": "panne"}).content.decode()
    assert f"{LOG}{broken.pk}/" in searched and f"{LOG}{sent.pk}/" not in searched


def test_detail_shows_the_delivery_and_masks_links(provider_staff: User) -> None:
    email = failed("Définissez votre mot de passe")
    OutboundEmail.objects.filter(pk=email.pk).update(
        body="Votre lien : https://guichet.example/mot-de-passe/s3cr3t-jeton-unique/ (72 h)"
    )
    page = html.unescape(client_of(provider_staff).get(f"{LOG}{email.pk}/").content.decode())
    assert "Échec définitif" in page and "relais injoignable" in page
    assert "s3cr3t-jeton-unique" not in page and "[lien masqué] (72 h)" in page
    assert "Renvoyer ce courriel" in page


def test_a_failed_email_is_resent_and_the_retry_journaled(provider_staff: User) -> None:
    email = failed("Relais en panne")
    response = client_of(provider_staff).post(f"{LOG}{email.pk}/renvoyer")
    assert response.status_code == 302 and response["Location"] == f"{LOG}{email.pk}/"
    email.refresh_from_db()
    assert email.status == DeliveryStatus.QUEUED and email.attempts == 0
    entry = AuditRecord.objects.get(action="notifications.email.retry")
    assert entry.person_login == provider_staff.username and entry.object_id == str(email.pk)
    assert services.deliver(email.pk) == DeliveryStatus.SENT
    # A sent email cannot be resent (stable code NOT-002), and offers no button.
    again = client_of(provider_staff).post(f"{LOG}{email.pk}/renvoyer")
    assert again.status_code == 409 and "NOT-002" in again.content.decode()
    detail = client_of(provider_staff).get(f"{LOG}{email.pk}/").content.decode()
    assert "Renvoyer ce courriel" not in detail
    assert verify()[1] == []


def test_delivery_log_is_for_provider_staff_only(admin_a: User, provider_staff: Any) -> None:
    email = queue("Pour l'opérateur A", admin_a.operator)
    client = client_of(admin_a)
    assert client.get(LOG).status_code == 403
    assert client.get(f"{LOG}{email.pk}/").status_code == 403
    assert client.post(f"{LOG}{email.pk}/renvoyer").status_code == 403
    assert Client().get(LOG).status_code == 302
    assert client_of(provider_staff).get(f"{LOG}999999/").status_code == 404
