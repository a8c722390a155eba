"""IAM-05: dormant identifiers warned, deactivated, then deleted by the real scheduled task.

The clock is frozen with ``django.utils.timezone.now``; the task is the one Celery beat
runs (``guichet.accounts.tasks.dormancy_sweep``), called directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from guichet.accounts.choices import DeactivationReason, IdentifierState, SecurityLevel
from guichet.accounts.models import User
from guichet.accounts.services.identifiers import touch_last_used
from guichet.accounts.tasks import dormancy_sweep
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.core.errors import GuichetError
from tests.accounts.identifiers_support import (
    activate,
    emails_to,
    gates,  # noqa: F401 (fixture)
    issue,
    log_in,
    sent_tasks,  # noqa: F401 (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sent_tasks", "gates")]


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def sweep_on(start: datetime, days: float) -> dict[str, int]:
    with frozen(start + timedelta(days=days)):
        return dormancy_sweep()


def test_iam_05_dormant_identifier_warned_deactivated_then_deleted(
    settings, provider_staff, operator_a, admin_a
):
    assert settings.GUICHET_DORMANCY_DAYS == 183 and settings.GUICHET_DORMANCY_NOTICE_DAYS == 15
    assert dormancy_sweep.name == "guichet.accounts.tasks.dormancy_sweep"  # the beat entry's name
    person = issue(provider_staff, operator_a, "dormeur")
    User.objects.filter(pk=person.pk).update(phone="05 49 00 00 00")
    activate(Client(), person, SecurityLevel.STRONG)
    client = Client()
    assert log_in(client, "dormeur").status_code == 302
    touch_last_used(person)  # what the login does once the lead wires it
    person.refresh_from_db()
    start = person.last_used_at
    with frozen(start + timedelta(days=100)):
        touch_last_used(admin_a)  # the administrator keeps working meanwhile

    assert sweep_on(start, 167)["warned"] == 0
    assert sweep_on(start, 169) == {"warned": 1, "deactivated": 0, "deleted": 0}
    person.refresh_from_db()
    assert person.dormancy_warned_at == start + timedelta(days=169)
    (warning,) = emails_to("dormeur@example.test", "iam.identifier.dormancy_warning")
    assert "admin.a@example.test" in warning.recipients
    assert "dormeur" in warning.subject and "désactivé" in warning.body
    assert sweep_on(start, 170)["warned"] == 0  # warned once only

    assert sweep_on(start, 182)["deactivated"] == 0  # not yet six months
    assert sweep_on(start, 184) == {"warned": 0, "deactivated": 1, "deleted": 0}
    person.refresh_from_db()
    assert person.state == IdentifierState.DEACTIVATED and not person.is_active
    assert person.deactivation_reason == DeactivationReason.DORMANT
    assert emails_to("admin.a@example.test", "iam.identifier.dormancy_deactivated")
    assert client.get("/tableau-de-bord/").status_code == 302  # the session is over

    deactivated_at = person.deactivated_at
    assert sweep_on(deactivated_at, 364)["deleted"] == 0
    assert sweep_on(deactivated_at, 366)["deleted"] == 1
    person.refresh_from_db()
    assert person.state == IdentifierState.DELETED and person.deleted_at is not None
    assert (person.first_name, person.last_name, person.email, person.phone) == ("", "", "", "")
    assert person.username == "dormeur" and not person.has_usable_password()
    assert not person.profiles.exists()
    # The login is never reused.
    with pytest.raises(GuichetError) as taken:
        issue(provider_staff, operator_a, "Dormeur")
    assert taken.value.code == "IAM-001"
    actions = list(
        AuditRecord.objects.filter(
            object_type="accounts.user", object_id=str(person.pk), person_login="dormancy"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "accounts.identifier.dormancy_warning",
        "accounts.identifier.deactivate",
        "accounts.identifier.delete",
    ]
    assert verify()[1] == []


def test_iam_05_a_login_restarts_the_clock(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "reveille")
    activate(Client(), person, SecurityLevel.STRONG)
    touch_last_used(person)
    start = User.objects.get(pk=person.pk).last_used_at
    sweep_on(start, 170)
    assert User.objects.get(pk=person.pk).dormancy_warned_at is not None
    with frozen(start + timedelta(days=171)):
        touch_last_used(person)
    assert User.objects.get(pk=person.pk).dormancy_warned_at is None
    assert sweep_on(start, 185)["deactivated"] == 0
    assert User.objects.get(pk=person.pk).state == IdentifierState.ACTIVE


def test_iam_05_never_used_identifier_counts_from_its_issuance(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "jamais.venu")
    issued = person.issued_at
    assert sweep_on(issued, 169)["warned"] == 1
    assert sweep_on(issued, 184)["deactivated"] == 1
    person.refresh_from_db()
    assert person.state == IdentifierState.DEACTIVATED
    # Its unused link died with it.
    assert not person.links.filter(expires_at__gt=issued + timedelta(days=184)).exists()


def test_iam_05_notice_always_comes_first(provider_staff, operator_a):
    person = issue(provider_staff, operator_a, "tres.ancien")
    issued = person.issued_at
    # The sweep did not run for a year: the holder is still warned before losing access.
    assert sweep_on(issued, 365) == {"warned": 1, "deactivated": 0, "deleted": 0}
    assert sweep_on(issued, 379)["deactivated"] == 0
    assert sweep_on(issued, 380)["deactivated"] == 1


def test_iam_05_every_operator_swept_provider_staff_spared(
    provider_staff, operator_a, operator_b, admin_a, admin_b
):
    issue(provider_staff, operator_a, "dort.a")
    issue(provider_staff, operator_b, "dort.b")
    later = timezone.now() + timedelta(days=400)
    result = sweep_on(later, 0)
    assert result["warned"] == 4  # both admins and both new identifiers: none used since
    assert not User.objects.filter(pk=provider_staff.pk, dormancy_warned_at__isnull=False).exists()
