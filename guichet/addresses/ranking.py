"""Scoring of index entries and addresses against a typed address: pure Python, so the
same candidates get the same scores on SQLite and PostgreSQL.

score = (0.4 × street recall + 1 × precision [+ 0.25 × number]) / total weight, in 0..1:

- *street recall*: how much of the street's name the query gives (each street word's
  best match among the query words; street types and grammatical words count less);
- *precision*: how much of what was typed the entry explains (street words, commune,
  former or delegated commune, postcode); a wrong commune or a stray word lowers it;
- a street named by less than half of its words scores proportionally less;
- *number* (when one was typed): 1 same number and suffix, 0.6 same number with
  another suffix, 0.3 an address without number, 0 another number.

Words match with typo tolerance: one edit (Damerau: a letter wrong, missing, extra or
two swapped) for words of 4 letters, two from 5 (the noisy-query benchmark: with two
from 8 only, 72.7 % of two-typo queries found their address; two from 5: 95.0 %, with
no confident wrong answer); a word being typed (autocomplete) matches as a prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from guichet.addresses.normalize import STOPWORDS, STREET_TYPES, ParsedQuery

W_RECALL, W_PRECISION, W_NUMBER = 0.4, 1.0, 0.25
NUMBER_SCORES = {"exact": 1.0, "suffix": 0.6, "none": 0.3, "other": 0.0}
MIN_RECALL = 0.5
ALIAS_FACTOR = 0.9  # another delegated commune of the same commune nouvelle
TYPO_SCORES = {1: 0.85, 2: 0.7}


def weight(word: str) -> float:
    if word in STOPWORDS:
        return 0.2
    if word in STREET_TYPES:
        return 0.5
    return 1.0


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau (optimal string alignment) distance, or ``limit + 1`` once it exceeds ``limit``
    (RapidFuzz's C implementation: the scoring's innermost loop)."""
    return int(OSA.distance(a, b, score_cutoff=limit))


def typo_limit(word: str) -> int:
    if len(word) < 4 or word.isdigit():
        return 0
    return 1 if len(word) < 5 else 2


@lru_cache(maxsize=200_000)
def similarity(typed: str, known: str, prefix: bool = False) -> float:
    """How well a typed word matches a word of the index, 0..1."""
    if typed == known:
        return 1.0
    if prefix and known.startswith(typed):
        return 0.95 + 0.05 * len(typed) / len(known)
    limit = min(typo_limit(typed), typo_limit(known))
    if not limit:
        return 0.0
    if prefix and len(known) > len(typed):  # typo in a word being typed: compare its start
        known = known[: len(typed)]
    distance = _distance(typed, known, limit)
    return TYPO_SCORES.get(distance, 0.0) if distance <= limit else 0.0


@dataclass(frozen=True)
class EntryView:
    """What scoring reads of a :class:`~guichet.addresses.models.SearchEntry`."""

    id: int
    street: tuple[str, ...]
    places: tuple[tuple[str, ...], ...]  # commune first, then former names
    aliases: tuple[tuple[str, ...], ...]
    postcode: str
    text: str

    @classmethod
    def of(cls, id: int, street: str, places: str, aliases: str, postcode: str, text: str):
        return cls(
            id,
            tuple(street.split()),
            tuple(tuple(p.split()) for p in places.split("|") if p),
            tuple(tuple(a.split()) for a in aliases.split("|") if a),
            postcode,
            text,
        )


class Matcher:
    """Scores entries for one reading; each index word is compared with the typed words once."""

    def __init__(self, query: ParsedQuery) -> None:
        typed = [(word, False) for word in query.words]
        if query.partial:
            typed.append((query.partial, True))
        self.typed = typed
        self.weights = [weight(word) for word, _ in typed]
        self.postcode = query.postcode
        self.total = sum(self.weights) + (1.0 if query.postcode else 0.0)
        self.memo: dict[str, tuple[float, ...]] = {}
        self.place_memo: dict[tuple, tuple[float, ...]] = {}

    def _row(self, known: str) -> tuple[float, ...]:
        row = self.memo.get(known)
        if row is None:
            row = tuple(similarity(word, known, prefix) for word, prefix in self.typed)
            self.memo[known] = row
        return row

    def _places(self, entry: EntryView) -> tuple[float, ...]:
        """Each typed word's best match among the entry's place names (shared by a commune's streets)."""
        key = (entry.places, entry.aliases)
        found = self.place_memo.get(key)
        if found is None:
            best = [0.0] * len(self.typed)
            for names, factor in ((entry.places, 1.0), (entry.aliases, ALIAS_FACTOR)):
                for name in names:
                    for known in name:
                        for i, value in enumerate(self._row(known)):
                            if factor * value > best[i]:
                                best[i] = factor * value
            found = self.place_memo[key] = tuple(best)
        return found

    def score(self, entry: EntryView) -> tuple[float, float]:
        """(street recall, precision) of ``entry``."""
        best = list(self._places(entry))  # each typed word's best match in the entry
        covered = needed = 0.0
        for known in entry.street:
            row = self._row(known)
            w = weight(known)
            needed += w
            if row:
                covered += w * max(row)
                for i, value in enumerate(row):
                    if value > best[i]:
                        best[i] = value
        explained = sum(w * b for w, b in zip(self.weights, best, strict=True))
        if self.postcode and self.postcode == entry.postcode:
            explained += 1.0
        precision = explained / self.total if self.total else 0.0
        recall = covered / needed if needed else 0.0
        return recall, precision


def street_score(query: ParsedQuery, entry: EntryView) -> tuple[float, float]:
    """(street recall, precision) of ``entry`` for ``query``: how much of the street was
    given, how much of what was typed the entry explains."""
    return Matcher(query).score(entry)


def combine(recall: float, precision: float, number: float | None) -> float:
    """The 0..1 score of an address (``number`` None when no number was typed)."""
    if number is None:
        score = (W_RECALL * recall + W_PRECISION * precision) / (W_RECALL + W_PRECISION)
    else:
        score = (W_RECALL * recall + W_PRECISION * precision + W_NUMBER * number) / (
            W_RECALL + W_PRECISION + W_NUMBER
        )
    if recall < MIN_RECALL:  # the street is hardly named ("niort" alone): not an address
        score *= recall
    return round(score, 4)


def split_key(key: str) -> tuple[int | None, str]:
    """``"12B"`` → (12, "B"); ``""`` → (None, "")."""
    digits = len(key) - len(key.lstrip("0123456789"))
    return (int(key[:digits]) if digits else None), key[digits:]


def number_matches(
    query: ParsedQuery, numbers: dict[str, list[int]], *, neighbours: int = 2
) -> list[tuple[float, str]]:
    """(number score, key) of the entry's house numbers worth proposing for ``query``."""
    assert query.number is not None
    wanted = f"{query.number}{query.suffix}"
    found: list[tuple[float, str]] = []
    for key in numbers:
        number, _ = split_key(key)
        if key == wanted:
            found.append((NUMBER_SCORES["exact"], key))
        elif number == query.number:
            found.append((NUMBER_SCORES["suffix"], key))
        elif number is None:
            found.append((NUMBER_SCORES["none"], key))
    if not any(score >= NUMBER_SCORES["suffix"] for score, _ in found):
        # No such number in this street: its nearest numbers, to say "ambiguous", not guess.
        others = sorted(
            (abs(number - query.number), number, suffix, key)
            for key in numbers
            for number, suffix in [split_key(key)]
            if number is not None
        )
        found.extend((NUMBER_SCORES["other"], key) for *_, key in others[:neighbours])
    return found
