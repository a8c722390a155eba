"""Exporting the journal for an audit (SEC-04, Annex 2 §5): CSV for a spreadsheet, JSON for tools.

Both are streamed row by row (``.iterator()``), so a large journal never sits in memory.
Each export first walks the whole hash chain (:func:`verify`) and states the result
and the head it checked (id and hash, to be kept outside the platform: it proves later
that no record was removed from the end); the export is frozen at that head and is
itself journaled (``audit.journal.export``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation

from guichet.audit.models import AuditRecord
from guichet.audit.recorder import record, verify
from guichet.audit.selectors import JournalFilter, filtered_journal_for, journal_head
from guichet.core.context import Channel, Principal

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
BOM = "\ufeff"  # Excel opens a UTF-8 CSV correctly only with it
CSV_HEADERS = (
    "N°",
    "Date (heure de Paris)",
    "Identifiant",
    "Personne (id)",
    "Opérateur",
    "Opérateur (id)",
    "Accès système",
    "Canal",
    "Action",
    "Type d'objet",
    "Objet",
    "Avant",
    "Après",
    "Adresse IP",
    "Requête",
    "Empreinte",
    "Empreinte précédente",
)
# A cell starting with one of these is a formula for a spreadsheet (CSV injection):
# logins typed at a failed login are attacker-controlled, so such cells are quoted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class JournalExport:
    """A ready-to-stream export: its file name, media type and content chunks."""

    filename: str
    content_type: str
    chunks: Iterator[str]
    count: int
    chain_ok: bool


def _metadata(
    actor: Principal, filters: JournalFilter, count: int, head: tuple[int, str] | None
) -> dict[str, Any]:
    checked, problems = verify()
    return {
        "journal": "Guichet — journal d'accès et de modifications",
        "exported_at": timezone.now().isoformat(),
        "exported_by": actor.login,
        "scope": actor.operator_code or "all",
        "filters": filters.as_dict(),
        "chain_ok": not problems,
        "checked": checked,
        "chain_problems": [problem.message for problem in problems],
        "head": {"id": head[0], "hash": head[1]} if head else None,
        "count": count,
    }


@transaction.atomic
def _journal_the_export(actor: Principal, fmt: str, meta: dict[str, Any]) -> None:
    record(
        actor,
        "audit.journal.export",
        object_type="audit.journal",
        after={key: meta[key] for key in ("filters", "chain_ok", "checked", "head", "count")}
        | {"format": fmt},
    )


def export_journal(*, actor: Principal, filters: JournalFilter, fmt: str) -> JournalExport:
    """Check the chain, journal the export, and return it ready to stream (``fmt``: csv or json)."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}")
    head = journal_head()
    # Frozen at the head: records written while streaming (this export's own) stay out.
    filters = replace(filters, up_to_id=head[0] if head else 0)
    queryset = filtered_journal_for(actor, filters)
    meta = _metadata(actor, filters, queryset.count(), head)
    _journal_the_export(actor, fmt, meta)
    rows = queryset.iterator(chunk_size=2000)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return JournalExport(
        filename=f"journal-guichet-{stamp}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
        chunks=_csv_chunks(meta, rows) if fmt == "csv" else _json_chunks(meta, rows),
        count=meta["count"],
        chain_ok=meta["chain_ok"],
    )


# JSON ------------------------------------------------------------------------------


def entry_as_dict(entry: AuditRecord) -> dict[str, Any]:
    """One record as exported: every stored field, dates in ISO 8601."""
    return {
        "id": entry.pk,
        "occurred_at": entry.occurred_at.isoformat(),
        "person_id": entry.person_id,
        "person_login": entry.person_login,
        "operator_id": entry.operator_id,
        "operator_code": entry.operator_code,
        "credential": entry.credential,
        "channel": entry.channel,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
        "ip": entry.ip,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def _json_chunks(meta: dict[str, Any], rows: Iterable[AuditRecord]) -> Iterator[str]:
    # {metadata..., "records": [ ...streamed... ]}
    yield _dumps(meta)[:-1] + ', "records": ['
    separator = "\n"
    for entry in rows:
        yield separator + _dumps(entry_as_dict(entry))
        separator = ",\n"
    yield "\n]}\n"


# CSV -------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = _dumps(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([_cell(v) for v in values])
    return buffer.getvalue()


def _csv_chunks(meta: dict[str, Any], rows: Iterable[AuditRecord]) -> Iterator[str]:
    chain = (
        f"intègre ({meta['checked']} enregistrements contrôlés)"
        if meta["chain_ok"]
        else f"ROMPUE : {len(meta['chain_problems'])} anomalie(s) sur {meta['checked']} "
        f"enregistrements — {' ; '.join(meta['chain_problems'][:20])}"
    )
    head = meta["head"] or {"id": "", "hash": ""}
    filters = ", ".join(f"{key}={value}" for key, value in meta["filters"].items())
    yield BOM + _line([meta["journal"]])
    exported_at = timezone.localtime(datetime.fromisoformat(meta["exported_at"]))
    yield _line(["Exporté le", f"{exported_at:%d/%m/%Y %H:%M:%S}", "par", meta["exported_by"]])
    yield _line(["Chaîne de hachage", chain])
    yield _line(["Dernier enregistrement contrôlé", f"#{head['id']}", head["hash"]])
    yield _line(["Filtres", filters or "aucun"])
    yield _line(["Enregistrements exportés", meta["count"]])
    yield "\r\n"
    yield _line(CSV_HEADERS)
    with translation.override("fr"):
        channels = {value: str(label) for value, label in Channel.choices}
    for entry in rows:
        yield _line(
            [
                entry.pk,
                timezone.localtime(entry.occurred_at).strftime("%d/%m/%Y %H:%M:%S"),
                entry.person_login,
                entry.person_id,
                entry.operator_code,
                entry.operator_id,
                entry.credential,
                channels.get(entry.channel, entry.channel),
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.before,
                entry.after,
                entry.ip,
                entry.request_id,
                entry.hash,
                entry.prev_hash,
            ]
        )
