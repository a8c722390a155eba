"""Writes of the address app: the free-text index, rebuilt from the network inventory.

The index holds one :class:`SearchEntry` per street of a commune (its normalised words,
commune and former commune names, postcode, and house number → address ids). It is
rebuilt commune by commune, in one transaction: searches keep reading the previous
index until the new one commits (SQLite WAL, PostgreSQL MVCC).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from guichet.addresses.models import FTS_TABLE, PG_TRGM_INDEX, SearchEntry, SearchIndexState
from guichet.addresses.normalize import normalize
from guichet.audit.recorder import record
from guichet.core.context import Principal
from guichet.network import selectors as network

BATCH = 2_000
# Beyond this share of communes touched, a refresh rebuilds everything (simpler, as fast).
FULL_REBUILD_SHARE = 0.5
ADDRESS_FIELDS = (
    "id",
    "postcode",
    "street_name",
    "locality",
    "commune_name",
    "former_commune_insee",
    "former_commune_name",
    "number",
    "suffix",
)
FORMER_KINDS = ("commune-deleguee", "commune-associee", "commune-ancienne")

Progress = Callable[[int, int | None], None]


@dataclass
class _Places:
    """Commune names of the COG: each code's name, parent, and the former names of a commune."""

    names: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    formers: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, actor: Principal) -> _Places:
        places = cls()
        rows = network.inventory_communes(actor).values_list("insee", "name", "kind", "parent_id")
        for insee, name, kind, parent in rows.order_by("insee"):
            places.names[insee] = name
            if parent:
                places.parents[insee] = parent
                if kind in FORMER_KINDS:
                    places.formers.setdefault(parent, []).append(name)
        return places


def _unique(names: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


def number_key(number: int | None, suffix: str) -> str:
    """How an entry files an address: ``"12"``, ``"12B"``, ``""`` (no number)."""
    return f"{'' if number is None else number}{(suffix or '').strip().upper()}"


def _commune_entries(insee: str, rows: list[tuple], places: _Places) -> Iterator[SearchEntry]:
    """The entries of one commune, from its address rows (``ADDRESS_FIELDS``)."""
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for row in rows:
        _, postcode, street, locality, _, former_insee, former_name, _, _ = row
        groups.setdefault((postcode, street, locality, former_insee, former_name), []).append(row)
    parent = places.parents.get(insee, "")
    for (postcode, street_name, locality, former_insee, former_name), members in sorted(
        groups.items()
    ):
        street = normalize(street_name)
        if locality and normalize(locality) not in street:
            street = f"{street} {normalize(locality)}".strip()
        names = _unique(
            normalize(name)
            for name in (
                members[0][4],
                places.names.get(insee, ""),
                places.names.get(parent, ""),
                former_name,
                places.names.get(former_insee, ""),
            )
        )
        aliases = (
            []
            if former_insee or former_name
            else [
                a for a in _unique(map(normalize, places.formers.get(insee, []))) if a not in names
            ]
        )
        numbers: dict[str, list[int]] = {}
        for row in sorted(members, key=lambda r: (r[7] is None, r[7] or 0, r[8], r[0])):
            numbers.setdefault(number_key(row[7], row[8]), []).append(row[0])
        yield SearchEntry(
            insee=insee,
            postcode=postcode,
            street=street,
            places="|".join(names),
            aliases="|".join(aliases),
            text=" ".join([street, *names, *aliases, postcode]).strip(),
            numbers=numbers,
            size=len(members),
        )


def _fts(sql: str, params: list | None = None, many: list | None = None) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if many is not None:
            cursor.executemany(sql, many)
        else:
            cursor.execute(sql, params or [])


ENTRY_COLUMNS = "id, insee, postcode, street, places, aliases, text, numbers, size"


def _write(entries: list[SearchEntry], first_id: int) -> int:
    """Insert ``entries`` with ids from ``first_id`` (plain SQL: ``bulk_create`` costs 3× more)."""
    if not entries:
        return first_id
    jsonb = "%s" if connection.vendor == "sqlite" else "%s::jsonb"
    rows = []
    for offset, entry in enumerate(entries):
        entry.id = first_id + offset
        rows.append(
            (
                entry.id,
                entry.insee,
                entry.postcode,
                entry.street,
                entry.places,
                entry.aliases,
                entry.text,
                json.dumps(entry.numbers, separators=(",", ":")),
                entry.size,
            )
        )
    table = SearchEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({ENTRY_COLUMNS}) "  # noqa: S608 - constant names
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, {jsonb}, %s)",
            rows,
        )
    _fts(
        f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (%s, %s)",  # noqa: S608 - constant name
        many=[(entry.id, entry.text) for entry in entries],
    )
    return first_id + len(entries)


def _drop_communes(communes: list[str] | None) -> None:
    """Remove the entries of ``communes`` (all entries for None) from the table and the FTS mirror."""
    if communes is None:
        SearchEntry.objects.all().delete()
        _fts(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        return
    for start in range(0, len(communes), 500):
        chunk = communes[start : start + 500]
        ids = list(SearchEntry.objects.filter(insee__in=chunk).values_list("id", flat=True))
        for first in range(0, len(ids), 900):
            part = ids[first : first + 900]
            marks = ",".join(["%s"] * len(part))
            _fts(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", part)  # noqa: S608
        SearchEntry.objects.filter(insee__in=chunk).delete()


def _tidy_pg_index() -> None:
    """PostgreSQL: fold the GIN pending list into the index and refresh the planner's figures.

    Rows written in bulk wait in the GIN "pending list", which every search must then
    scan (7 ms instead of 0.1 ms at 15,000 streets); without statistics, the planner
    prefers a sequential scan.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [PG_TRGM_INDEX])
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")


def _vocabulary() -> dict[str, int]:
    """word → how many entries hold it (typo correction and term weights read it)."""
    counts: Counter[str] = Counter()
    for text in SearchEntry.objects.values_list("text", flat=True).iterator(chunk_size=10_000):
        counts.update(set(text.split()))
    return dict(sorted(counts.items()))


def index_state() -> SearchIndexState:
    """The index's state row (created empty on first use)."""
    state, _ = SearchIndexState.objects.get_or_create(pk=1)
    return state


def refresh_index(
    *, actor: Principal, since: datetime | None = None, on_progress: Progress | None = None
) -> SearchIndexState:
    """Rebuild the free-text index from the inventory: all of it, or the communes changed since ``since``.

    Communes whose addresses were written at or after ``since`` are rebuilt whole (which
    also drops their deleted addresses); without ``since``, or when most communes changed,
    everything is rebuilt. Journaled as ``addresses.index.refresh``.
    """
    started = time.monotonic()
    all_communes = list(
        network.inventory_addresses(actor).order_by().values_list("insee", flat=True).distinct()
    )
    communes: list[str] | None = None
    built = SearchIndexState.objects.filter(pk=1, version__gt=0).exists()
    if since is not None and built:  # a first build is always whole
        changed = network.addresses_changed_since(actor, since)
        communes = sorted(set(changed.order_by().values_list("insee", flat=True).distinct()))
        if len(communes) > FULL_REBUILD_SHARE * max(len(all_communes), 1):
            communes = None
    targets = sorted(all_communes) if communes is None else communes
    places = _Places.load(actor)
    with transaction.atomic():
        state = SearchIndexState.objects.select_for_update().filter(pk=1).first() or index_state()
        total = (
            network.inventory_addresses(actor).filter(insee__in=targets).count()
            if communes is not None
            else network.inventory_addresses(actor).count()
        )
        _drop_communes(communes)
        next_id = (SearchEntry.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        done, pending = 0, []
        for insee in targets:
            rows = list(
                network.inventory_addresses(actor)
                .filter(insee=insee)
                .order_by()
                .values_list(*ADDRESS_FIELDS)
            )
            pending.extend(_commune_entries(insee, rows, places))
            done += len(rows)
            if len(pending) >= BATCH:
                next_id = _write(pending, next_id)
                pending = []
                if on_progress:
                    on_progress(done, total)
        next_id = _write(pending, next_id)
        if on_progress:
            on_progress(done, total)
        _tidy_pg_index()
        state.version += 1
        state.refreshed_at = timezone.now()
        state.entries = SearchEntry.objects.count()
        state.addresses = network.inventory_addresses(actor).count()
        state.vocabulary = _vocabulary()
        state.seconds = round(time.monotonic() - started, 3)
        state.save()
        record(
            actor,
            "addresses.index.refresh",
            target=state,
            after={
                "since": since.isoformat() if since else None,
                "communes": len(targets),
                "addresses": done,
                "entries": state.entries,
                "version": state.version,
                "seconds": state.seconds,
            },
        )
    return state
