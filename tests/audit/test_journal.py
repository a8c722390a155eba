"""SEC-04: the journal is append-only and tamper-evident."""

from __future__ import annotations

import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from guichet.audit.models import AppendOnlyError, AuditRecord
from guichet.audit.recorder import GENESIS, record, verify
from guichet.core.context import Channel, Principal
from guichet.operators import services as operators_services
from guichet.operators.models import Operator

pytestmark = pytest.mark.django_db

ACTOR = Principal(
    person_id=7,
    login="agent.test",
    operator_id=None,
    is_provider=True,
    can_write=True,
    channel=Channel.ADMIN,
    ip="198.51.100.4",
    request_id="req-audit-1",
)


def _write(n: int) -> list[AuditRecord]:
    return [
        record(ACTOR, "tests.thing.update", object_type="tests.thing", object_id=i, after={"n": i})
        for i in range(n)
    ]


def _tamper(sql: str, params: list[Any]) -> None:
    """Change the table behind the model's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_append_only")


def test_sec_04_records_who_what_when_where_and_chain() -> None:
    first, second = _write(2)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert first.person_login == "agent.test" and first.ip == "198.51.100.4"
    assert first.channel == "admin" and first.request_id == "req-audit-1"
    assert verify() == (2, [])


def test_sec_04_verify_names_a_modified_record() -> None:
    records = _write(4)
    _tamper("UPDATE audit_auditrecord SET after = %s WHERE id = %s", ['{"n": 99}', records[2].pk])
    count, problems = verify()
    assert count == 4
    assert [(p.record_id, p.kind) for p in problems] == [(records[2].pk, "modified")]


def test_sec_04_verify_names_where_a_record_was_removed() -> None:
    records = _write(4)
    _tamper("DELETE FROM audit_auditrecord WHERE id = %s", [records[1].pk])
    count, problems = verify()
    assert count == 3
    assert [(p.record_id, p.kind) for p in problems] == [(records[2].pk, "missing_before")]


def test_sec_04_audit_verify_command() -> None:
    records = _write(3)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "3 enregistrements" in out.getvalue()
    _tamper("UPDATE audit_auditrecord SET action = %s WHERE id = %s", ["forged", records[0].pk])
    err = StringIO()
    with pytest.raises(CommandError, match="1 rupture"):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert f"record #{records[0].pk}" in err.getvalue()


def test_sec_04_model_refuses_update_and_delete() -> None:
    (entry,) = _write(1)
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.get(pk=entry.pk).action == "tests.thing.update"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL only")
def test_sec_04_postgresql_trigger_refuses_raw_update_and_delete() -> None:
    (entry,) = _write(1)
    for sql in (
        "UPDATE audit_auditrecord SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditrecord WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditRecord.objects.get(pk=entry.pk).action == "tests.thing.update"


def test_sec_04_record_rolls_back_with_the_change() -> None:
    actor = Principal.system("tests")
    before = AuditRecord.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        operators_services.create_operator(
            actor=actor,
            name="Éphémère",
            legal_form="SAS",
            siren="444555668",
            arcep_code="EPHE",
            head_office_street="1 rue",
            head_office_postcode="79000",
            head_office_city="Niort",
            representative_name="A B",
            representative_capacity="Président",
        )
        raise RuntimeError("the caller fails after the service")
    assert AuditRecord.objects.count() == before
    assert not Operator.objects.filter(arcep_code="EPHE").exists()


@pytest.mark.django_db(transaction=True)
def test_sec_04_concurrent_writers_never_fork_the_chain() -> None:
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    record(ACTOR, "tests.concurrent", object_id=i)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert verify() == (60, [])
