"""Free-text address search: retrieve streets from the trigram index, re-score them in Python.

1. The text is normalised and read (house number, suffix, postcode, words; see
   :mod:`~guichet.addresses.normalize`).
2. Its distinctive words (typos corrected against the index's vocabulary) are looked
   up as substrings in the trigram index — FTS5 ``trigram`` on SQLite, ``pg_trgm`` GIN on
   PostgreSQL — and the streets holding the most (weighted by rarity) are retrieved,
   in the same order on both databases.
3. :mod:`~guichet.addresses.ranking` scores them, then their house numbers.

``found`` needs a score of at least ``FOUND_MIN`` and a lead of ``MARGIN`` over the next
address; otherwise the close candidates (within ``WINDOW`` of the best, at least
``MIN_SCORE``, at most 10) come back as ``ambiguous``; nothing that good is ``unknown``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from guichet.addresses.errors import QUERY_EMPTY
from guichet.addresses.models import FTS_TABLE, SearchEntry, SearchIndexState
from guichet.addresses.normalize import ParsedQuery, is_distinctive, parse
from guichet.addresses.ranking import (
    EntryView,
    Matcher,
    combine,
    number_matches,
    split_key,
    typo_limit,
)
from guichet.addresses.ranking import _distance as distance
from guichet.addresses.types import AMBIGUOUS, FOUND, UNKNOWN, Candidate, Resolution
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.network import selectors as network

FOUND_MIN = 0.8
MARGIN = 0.05
MIN_SCORE = 0.6
WINDOW = 0.15
MAX_CANDIDATES = 10
MAX_TEXT = 200
RETRIEVE = 100  # streets read from the index per query (generous recall)
RESCORE = 20  # best streets whose house numbers are scored
ENOUGH = 20  # streets holding every term beyond which no looser lookup is made
SUGGEST_RETRIEVE = 60
MAX_CORRECTIONS = 3
PREFIX_EXPANSIONS = 8


# --- vocabulary: typo correction before the index lookup ------------------------------------


@dataclass
class Vocabulary:
    """The index's words with their frequency, and a one-deletion map for typo correction."""

    key: tuple[int, datetime | None]
    words: dict[str, int]
    entries: int
    deletions: dict[str, list[str]]
    ordered: list[str]

    @classmethod
    def build(cls, key: tuple[int, datetime | None], words: dict[str, int], entries: int):
        deletions: dict[str, list[str]] = {}
        for word in words:
            if typo_limit(word):
                for i in range(len(word)):
                    deletions.setdefault(word[:i] + word[i + 1 :], []).append(word)
        return cls(key, words, max(entries, 1), deletions, sorted(words))

    def corrections(self, word: str) -> list[str]:
        """``word`` if the index knows it, else its known neighbours at one edit (commonest first)."""
        if word in self.words or not typo_limit(word):
            return [word]
        near = set(self.deletions.get(word, ()))
        for i in range(len(word)):
            shorter = word[:i] + word[i + 1 :]
            if shorter in self.words:
                near.add(shorter)
            near.update(self.deletions.get(shorter, ()))
        limit = typo_limit(word)
        ranked = sorted(
            (d, -self.words[w], w) for w in near if (d := distance(word, w, limit)) <= limit
        )
        return [w for *_, w in ranked[:MAX_CORRECTIONS]] or [word]

    def completions(self, start: str) -> list[str]:
        """Commonest index words beginning with ``start`` (a word still being typed)."""
        from bisect import bisect_left

        found: list[str] = []
        for word in self.ordered[bisect_left(self.ordered, start) :]:
            if not word.startswith(start):
                break
            found.append(word)
        found.sort(key=lambda w: (-self.words[w], w))
        return found[:PREFIX_EXPANSIONS]

    def weight(self, terms: list[str]) -> int:
        """Integer rarity weight of a term group (the same arithmetic on both databases)."""
        frequency = max((self.words.get(t, 1) for t in terms), default=1)
        return round(100 * math.log(1 + self.entries / frequency))


_vocabulary: Vocabulary | None = None
_lock = threading.Lock()


def vocabulary() -> Vocabulary:
    """The current index's vocabulary, reloaded when a refresh committed a new one."""
    global _vocabulary
    state = SearchIndexState.objects.filter(pk=1).values_list("version", "refreshed_at").first()
    key = tuple(state) if state else (0, None)
    current = _vocabulary
    if current is not None and current.key == key:
        return current
    with _lock:
        row = SearchIndexState.objects.filter(pk=1).values_list("vocabulary", "entries").first()
        words, entries = row if row else ({}, 0)
        _vocabulary = Vocabulary.build(key, words or {}, entries)  # type: ignore[arg-type]
        return _vocabulary


# --- retrieval --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What a reading looks up: groups of alternatives (one per word), weights, the phrase."""

    groups: tuple[tuple[str, ...], ...]  # distinctive words (typos corrected), the typed prefix
    types: tuple[tuple[str, ...], ...]  # street-type words ("rue", "chemin"): ranking only
    phrase: str  # the words as typed, in order: a strong hint when the entry holds them so


def _terms(reading: ParsedQuery, vocab: Vocabulary) -> Terms:
    groups: list[tuple[str, ...]] = []
    types: list[tuple[str, ...]] = []
    for word in dict.fromkeys(reading.words):
        if word.isdigit() or len(word) < 3:
            continue
        if is_distinctive(word):
            groups.append(tuple(vocab.corrections(word)))
        elif word in vocab.words:
            types.append((word,))
    partial = reading.partial
    if partial and not partial.isdigit():
        if len(partial) >= 3:
            groups.append((partial,))
        else:
            expanded = tuple(w for w in vocab.completions(partial) if len(w) >= 3)
            if expanded:
                groups.append(expanded)
    if not groups:  # "grande rue": street-type words only
        groups, types = types, []
    words = [*reading.words, partial] if partial else list(reading.words)
    phrase = " ".join(words) if len(words) > 1 else ""
    return Terms(tuple(groups), tuple(types), phrase)


PHRASE_BONUS = 1000


def _retrieve(terms: Terms, vocab: Vocabulary, limit: int) -> list[EntryView]:
    """Up to ``limit`` entries: those holding every term, then (if fewer than ``ENOUGH``)
    those holding any.

    Both databases rank them the same way: rarity-weighted terms held, the typed phrase,
    then the bigger street, its text and id.
    """
    if not terms.groups:
        return []
    found = _query(terms, vocab, limit, every=True)
    # Enough streets hold every term: those are the answer's competitors, no need for more.
    if len(found) < ENOUGH and (len(terms.groups) > 1 or terms.types):
        seen = {entry.id for entry in found}
        found += [e for e in _query(terms, vocab, limit, every=False) if e.id not in seen]
    return found[:limit]


def _query(terms: Terms, vocab: Vocabulary, limit: int, *, every: bool) -> list[EntryView]:
    sqlite = connection.vendor == "sqlite"
    find = "instr(e.text, %s) > 0" if sqlite else "strpos(e.text, %s) > 0"
    score_sql, params = [], []
    for group in (*terms.groups, *terms.types):
        score_sql.append(f"(CASE WHEN {' OR '.join([find] * len(group))} THEN %s ELSE 0 END)")
        params.extend([*group, vocab.weight(list(group))])
    if terms.phrase:
        score_sql.append(f"(CASE WHEN {find} THEN %s ELSE 0 END)")
        params.extend([terms.phrase, PHRASE_BONUS])
    wanted = (*terms.groups, *terms.types) if every else terms.groups
    columns = f"e.id, e.street, e.places, e.aliases, e.postcode, e.text, {' + '.join(score_sql)}"
    if sqlite:
        # FTS5 query: terms are [a-z0-9]+ (normalised), quoted as phrases (substrings).
        alternatives = ["(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in wanted]
        sql = (
            f"SELECT {columns} AS hits FROM {FTS_TABLE} f "  # noqa: S608
            f"JOIN addresses_searchentry e ON e.id = f.rowid WHERE {FTS_TABLE} MATCH %s "
            "ORDER BY hits DESC, e.size DESC, e.text, e.id LIMIT %s"
        )
        params += [(" AND " if every else " OR ").join(alternatives), limit]
    else:
        alternatives = [
            "(" + " OR ".join(["e.text LIKE %s"] * len(group)) + ")" for group in wanted
        ]
        sql = (
            f"SELECT {columns} AS hits FROM addresses_searchentry e "  # noqa: S608
            f"WHERE {(' AND ' if every else ' OR ').join(alternatives)} "
            'ORDER BY hits DESC, e.size DESC, e.text COLLATE "C", e.id LIMIT %s'
        )
        params += [f"%{t}%" for group in wanted for t in group] + [limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [EntryView.of(*row[:6]) for row in cursor.fetchall()]


# --- ranking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    score: float
    entry: EntryView
    key: str  # number key in the entry ("12B", "")
    address_id: int
    street_only: bool = False

    def order(self) -> tuple:
        number, suffix = split_key(self.key)
        return (-self.score, self.entry.text, number is None, number or 0, suffix, self.address_id)


def _rank(text: str, *, prefix: bool, retrieve: int, per_street: int) -> list[Scored]:
    """Scored addresses for ``text``, best first (several readings, each address once)."""
    readings = parse(text[:MAX_TEXT], prefix=prefix)
    vocab = vocabulary()
    entries: dict[int, EntryView] = {}
    fetched: set[Terms] = set()
    for reading in readings:
        terms = _terms(reading, vocab)
        if terms in fetched:
            continue
        fetched.add(terms)
        for entry in _retrieve(terms, vocab, retrieve):
            entries.setdefault(entry.id, entry)
    if not entries:
        return []
    # Streets first (numbers assumed right), then the house numbers of the best ones.
    matchers = [Matcher(reading) for reading in readings]
    street_scores: dict[int, list[tuple[ParsedQuery, float, float]]] = {}
    best_street: list[tuple[float, str, int]] = []
    for entry in entries.values():
        scored = [(m_r, *m.score(entry)) for m_r, m in zip(readings, matchers, strict=True)]
        street_scores[entry.id] = scored
        top = max(combine(rc, pr, 1.0 if r.has_number else None) for r, rc, pr in scored)
        best_street.append((-top, entry.text, entry.id))
    best_street.sort()
    kept = [entry_id for _, _, entry_id in best_street[:RESCORE]]
    numbers = dict(SearchEntry.objects.filter(id__in=kept).values_list("id", "numbers"))
    best: dict[int, Scored] = {}
    for entry_id in kept:
        entry, keys = entries[entry_id], numbers.get(entry_id) or {}
        for reading, recall, precision in street_scores[entry_id]:
            if reading.has_number:
                proposals = [(n, key, False) for n, key in number_matches(reading, keys)]
            else:
                ordered = sorted(keys, key=lambda k: (split_key(k)[0] is None, *_sortable(k)))
                proposals = [(None, key, prefix) for key in ordered[:per_street]]
            for number_score, key, street_only in proposals:
                score = combine(recall, precision, number_score)
                for address_id in keys.get(key, [])[:per_street]:
                    found = Scored(score, entry, key, address_id, street_only)
                    known = best.get(address_id)
                    if known is None or found.order() < known.order():
                        best[address_id] = found
    return sorted(best.values(), key=Scored.order)


def _sortable(key: str) -> tuple[int, str]:
    number, suffix = split_key(key)
    return number or 0, suffix


def _candidates(actor: Principal, scored: list[Scored], matched_by: str) -> list[Candidate]:
    """Candidates with their addresses, read through the inventory selector (stale ids dropped)."""
    addresses = network.inventory_addresses(actor).in_bulk([s.address_id for s in scored])
    return [
        Candidate(addresses[s.address_id], s.score, "street" if s.street_only else matched_by)
        for s in scored
        if s.address_id in addresses
    ]


def resolve_text(actor: Principal, text: str) -> Resolution:
    """The address free ``text`` names: ``found``, ``ambiguous`` (close candidates) or ``unknown``."""
    if not (text or "").strip():
        raise GuichetError(QUERY_EMPTY)
    scored = [s for s in _rank(text, prefix=False, retrieve=RETRIEVE, per_street=MAX_CANDIDATES)]
    scored = [s for s in scored if s.score >= MIN_SCORE][: MAX_CANDIDATES * 3]
    candidates = _candidates(actor, scored, "text")
    if not candidates:
        return Resolution(UNKNOWN, [], "text")
    top = candidates[0].score
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if top >= FOUND_MIN and top - runner_up >= MARGIN:
        return Resolution(FOUND, candidates[:1], "text")
    close = [c for c in candidates if c.score >= top - WINDOW][:MAX_CANDIDATES]
    return Resolution(AMBIGUOUS, close, "text")


def suggest(actor: Principal, text: str, limit: int = 10) -> list[Candidate]:
    """Autocomplete: the best addresses for what is being typed (a street per line until a
    number is typed, then its addresses); the last word counts as a prefix."""
    if len(" ".join((text or "").split())) < 3:
        return []
    limit = max(1, min(limit, MAX_CANDIDATES))
    scored = _rank(text, prefix=True, retrieve=SUGGEST_RETRIEVE, per_street=1)
    kept, streets = [], set()
    for s in scored:
        if s.score < MIN_SCORE:
            break
        if s.street_only and s.entry.id in streets:
            continue
        streets.add(s.entry.id)
        kept.append(s)
        if len(kept) == limit:
            break
    return _candidates(actor, kept, "text")
