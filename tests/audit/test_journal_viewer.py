"""SEC-04: the journal viewer and its export, through the portal (Django test client)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import record, verify
from guichet.core.context import Channel, Principal
from guichet.operators.models import Operator
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PROVIDER_URL = "/back-office/journal/"
OPERATOR_URL = "/administration/journal/"


def _principal(user: User, channel: str = Channel.PORTAL, **extra: Any) -> Principal:
    operator = user.operator
    return Principal(
        person_id=user.pk,
        login=user.username,
        operator_id=operator.pk if operator else None,
        operator_code=operator.arcep_code if operator else "",
        is_provider=operator is None,
        can_write=True,
        channel=channel,
        ip=extra.pop("ip", "192.0.2.10"),
        request_id=extra.pop("request_id", "req-test-0001"),
    )


@pytest.fixture
def entries(admin_a: User, admin_b: User, provider_staff: User) -> dict[str, AuditRecord]:
    """A few journal entries of both operators and of the Provider, on different doors."""
    return {
        "a_portal": record(_principal(admin_a), "eligibility.query.run", object_id=1),
        "a_rest": record(
            _principal(admin_a, Channel.REST, ip="198.51.100.7", request_id="req-rest-a-42"),
            "eligibility.query.run",
            object_id=2,
            before={"state": "old"},
            after={"state": "new", "note": "été"},
        ),
        "b_portal": record(_principal(admin_b), "tickets.ticket.create", object_id=3),
        "provider": record(_principal(provider_staff), "operators.operator.update", object_id=4),
    }


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv_rows(response: Any) -> tuple[list[list[str]], list[list[str]]]:
    """(metadata lines, table rows with the header first) of a streamed CSV export."""
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    blank = lines.index([])
    return lines[:blank], lines[blank + 1 :]


def _json(response: Any) -> dict[str, Any]:
    return json.loads(b"".join(response.streaming_content).decode("utf-8"))


# Who sees what ------------------------------------------------------------------


def test_sec_04_provider_staff_sees_every_entry(provider_staff: User, entries: dict) -> None:
    response = _login(provider_staff).get(PROVIDER_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for entry in entries.values():
        assert f"/back-office/journal/{entry.pk}/" in html
    assert "Journal d'audit" in html and "Exporter en CSV" in html


def test_sec_04_operator_admin_sees_only_its_operator(admin_a: User, entries: dict) -> None:
    client = _login(admin_a)
    html = client.get(OPERATOR_URL).content.decode()
    assert f"/administration/journal/{entries['a_portal'].pk}/" in html
    assert f"/administration/journal/{entries['a_rest'].pk}/" in html
    assert f"/administration/journal/{entries['b_portal'].pk}/" not in html
    assert f"/administration/journal/{entries['provider'].pk}/" not in html
    # Filtering on another operator cannot widen the scope (the field does not even exist).
    other = client.get(OPERATOR_URL, {"operator": entries["b_portal"].operator_id})
    assert f"/administration/journal/{entries['b_portal'].pk}/" not in other.content.decode()
    # Another operator's entry is "not found", never "forbidden".
    detail = client.get(f"{OPERATOR_URL}{entries['b_portal'].pk}/")
    assert detail.status_code == 404


def test_sec_04_journal_doors_are_closed_to_others(
    admin_a: User, reader_a: User, provider_staff: User
) -> None:
    assert Client().get(PROVIDER_URL).status_code == 302  # anonymous → login
    assert _login(admin_a).get(PROVIDER_URL).status_code == 403
    assert _login(reader_a).get(OPERATOR_URL).status_code == 403
    assert _login(reader_a).get(OPERATOR_URL + "export.csv").status_code == 403
    assert _login(provider_staff).get(OPERATOR_URL).status_code == 403


def test_sec_04_detail_shows_before_and_after(provider_staff: User, entries: dict) -> None:
    entry = entries["a_rest"]
    response = _login(provider_staff).get(f"{PROVIDER_URL}{entry.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "&quot;state&quot;: &quot;old&quot;" in html
    assert "&quot;note&quot;: &quot;été&quot;" in html
    assert "req-rest-a-42" in html and "198.51.100.7" in html and entry.hash in html


# Filters --------------------------------------------------------------------------


def _listed(client: Client, url: str, **params: Any) -> set[int]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    html = response.content.decode()
    return {
        pk
        for pk in AuditRecord.objects.values_list("pk", flat=True)
        if f'{url}{pk}/"' in html or f"{url}{pk}/?" in html
    }


def test_sec_04_filters(provider_staff: User, operator_b: Operator, entries: dict) -> None:
    client = _login(provider_staff)
    ids = {name: entry.pk for name, entry in entries.items()}
    assert _listed(client, PROVIDER_URL, operator=operator_b.pk) == {ids["b_portal"]}
    assert _listed(client, PROVIDER_URL, person="ADMIN.A") == {ids["a_portal"], ids["a_rest"]}
    assert _listed(client, PROVIDER_URL, action="eligibility.") == {ids["a_portal"], ids["a_rest"]}
    assert _listed(client, PROVIDER_URL, action="tickets") == {ids["b_portal"]}
    assert _listed(client, PROVIDER_URL, channel="rest") == {ids["a_rest"]}
    assert _listed(client, PROVIDER_URL, request_id="req-rest-a-42") == {ids["a_rest"]}
    assert _listed(client, PROVIDER_URL, ip="198.51.100.7") == {ids["a_rest"]}
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    # French dates (dd/mm/yyyy) or what a date picker sends (ISO); "to" is inclusive.
    assert _listed(
        client, PROVIDER_URL, since=today.strftime("%d/%m/%Y"), action="eligibility"
    ) == {
        ids["a_portal"],
        ids["a_rest"],
    }
    assert _listed(client, PROVIDER_URL, until=today.isoformat(), action="eligibility") == {
        ids["a_portal"],
        ids["a_rest"],
    }
    assert _listed(client, PROVIDER_URL, since=tomorrow.isoformat()) == set()
    # Invalid filters are shown, nothing is listed.
    bad = client.get(PROVIDER_URL, {"since": "31/02/2026", "ip": "pas-une-ip"})
    assert bad.status_code == 200
    assert "Corrigez les filtres" in bad.content.decode()
    reversed_range = client.get(
        PROVIDER_URL, {"since": tomorrow.isoformat(), "until": today.isoformat()}
    )
    assert "La date de fin précède la date de début." in reversed_range.content.decode()


def test_sec_04_pagination_50_per_page_newest_first(provider_staff: User) -> None:
    actor = _principal(provider_staff)
    made = [record(actor, "tests.bulk.write", object_id=i) for i in range(120)]
    client = _login(provider_staff)
    first = _listed(client, PROVIDER_URL, action="tests.bulk")
    assert first == {entry.pk for entry in made[-50:]}
    third = _listed(client, PROVIDER_URL, action="tests.bulk", page=3)
    assert third == {entry.pk for entry in made[:20]}
    html = client.get(PROVIDER_URL, {"action": "tests.bulk", "page": 2}).content.decode()
    assert "120 entrées" in html
    assert "action=tests.bulk&amp;page=3" in html  # page links keep the filters
    assert html.index(f"{PROVIDER_URL}{made[69].pk}/") < html.index(f"{PROVIDER_URL}{made[50].pk}/")


# Export ---------------------------------------------------------------------------


def test_sec_04_csv_export_of_the_filtered_journal(provider_staff: User, entries: dict) -> None:
    response = _login(provider_staff).get(PROVIDER_URL + "export.csv", {"person": "admin.a"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="journal-guichet-')
    assert response["X-Journal-Chain-OK"] == "true"
    metadata, rows = _csv_rows(response)
    header, *data = rows
    assert header[:3] == ["N°", "Date (heure de Paris)", "Identifiant"]
    assert [row[0] for row in data] == [str(entries["a_rest"].pk), str(entries["a_portal"].pk)]
    rest = data[0]
    assert rest[header.index("Canal")] == "API REST"
    assert json.loads(rest[header.index("Après")]) == {"state": "new", "note": "été"}
    assert rest[header.index("Empreinte")] == entries["a_rest"].hash
    chain = dict((line[0], line[1:]) for line in metadata[1:])
    assert chain["Chaîne de hachage"][0].startswith("intègre")
    assert chain["Filtres"] == ["person=admin.a"]
    assert chain["Enregistrements exportés"] == ["2"]
    # The export is itself journaled, with the chain check it made.
    export = AuditRecord.objects.get(action="audit.journal.export")
    assert export.person_login == provider_staff.username
    assert export.after["format"] == "csv" and export.after["count"] == 2
    assert export.after["chain_ok"] is True


def test_sec_04_json_export_with_chain_check(admin_a: User, entries: dict) -> None:
    response = _login(admin_a).get(OPERATOR_URL + "export.json")
    assert response.status_code == 200 and response.streaming
    body = _json(response)
    assert body["chain_ok"] is True and body["checked"] >= 4
    assert body["head"]["hash"] == AuditRecord.objects.order_by("-id")[1].hash
    ids = [item["id"] for item in body["records"]]
    # Only operator A's entries (its login creations included), newest first.
    assert entries["a_rest"].pk in ids and entries["a_portal"].pk in ids
    assert entries["b_portal"].pk not in ids and entries["provider"].pk not in ids
    assert ids == sorted(ids, reverse=True)
    assert {item["operator_code"] for item in body["records"]} == {"OPEA"}
    rest = next(item for item in body["records"] if item["id"] == entries["a_rest"].pk)
    assert rest["occurred_at"] == entries["a_rest"].occurred_at.isoformat()
    assert rest["after"] == {"state": "new", "note": "été"}
    # The export's own record is not inside it (frozen at the verified head), but journaled.
    export = AuditRecord.objects.get(action="audit.journal.export")
    assert export.pk not in ids and export.operator_code == "OPEA"
    assert body["count"] == len(ids)


def test_sec_04_export_reports_a_broken_chain(provider_staff: User, entries: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_append_only")
        cursor.execute(
            "UPDATE audit_auditrecord SET action = %s WHERE id = %s",
            ["tampered", entries["b_portal"].pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_append_only")
    client = _login(provider_staff)
    body = _json(client.get(PROVIDER_URL + "export.json"))
    assert body["chain_ok"] is False
    assert any(f"#{entries['b_portal'].pk}" in problem for problem in body["chain_problems"])
    metadata, _ = _csv_rows(client.get(PROVIDER_URL + "export.csv"))
    assert metadata[2][1].startswith("ROMPUE")


def test_sec_04_csv_export_neutralises_spreadsheet_formulas(provider_staff: User) -> None:
    # A login typed at the login page is attacker-controlled and lands in the journal.
    Client().post("/connexion/", {"username": '=HYPERLINK("http://x")', "password": "x"})
    response = _login(provider_staff).get(
        PROVIDER_URL + "export.csv", {"action": "accounts.login.failed"}
    )
    _, (header, row) = _csv_rows(response)
    assert row[header.index("Identifiant")] == '\'=HYPERLINK("http://x")'


def test_sec_04_export_refuses_invalid_filters(provider_staff: User) -> None:
    response = _login(provider_staff).get(PROVIDER_URL + "export.csv", {"ip": "999.1.1.1"})
    assert response.status_code == 400
    assert not AuditRecord.objects.filter(action="audit.journal.export").exists()
    assert _login(provider_staff).get(PROVIDER_URL + "export.xml").status_code == 404


def test_sec_04_operator_admin_of_b_exports_only_b(admin_b: User, entries: dict) -> None:
    make_person("autre.b", admin_b.operator)
    _, (header, *rows) = _csv_rows(_login(admin_b).get(OPERATOR_URL + "export.csv"))
    operators = {row[header.index("Opérateur")] for row in rows}
    assert operators == {"OPEB"}
    assert str(entries["b_portal"].pk) in {row[0] for row in rows}
    assert verify()[1] == []
