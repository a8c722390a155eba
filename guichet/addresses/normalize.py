"""Address text normalisation, the way the French geocoders do it (addok + addok-fr).

The same functions fold the inventory (index side) and what people type (query side),
so both meet on one form: lower case, no accents, apostrophes and hyphens as spaces,
abbreviations expanded (``av`` → ``avenue``, ``st`` → ``saint``, ``1er`` → ``premier``…),
and the house number with its ``bis``/``ter``/``quater`` suffix taken apart from the words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "addok-fr-synonyms.txt"

# Words that name the kind of street: they count less than the name itself.
STREET_TYPES = frozenset(
    """
    allee ancien avenue bd boulevard bourg carrefour chemin chaussee cite clos corniche cour
    cours domaine esplanade faubourg hameau impasse lieu lotissement mail montee parc passage
    place placette promenade quai quartier residence rond point route rue ruelle sente sentier
    square terrasse traverse venelle village ville voie chemins rural communal vicinal
    departementale departemental communale nationale grande petite petit vieux vieille
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Grammatical words: kept for display, nearly ignored for matching (``rue gare`` = ``rue de la gare``).
STOPWORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "s", "sur"}
)

SUFFIXES = {"bis": "B", "ter": "T", "quater": "Q", "quinquies": "C"}
# A single letter right after a house number is a suffix (``12 b``, ``12b``); others are words.
SUFFIX_LETTERS = frozenset("abcdtq")
# Synonym keys not applied: digits stay digits (``rue du 8 mai 1945``) and the lone
# roman numerals i/v/x are more often initials (``v hugo``) than numbers.
SKIPPED_SYNONYMS = frozenset({"i", "v", "x"})

_NUMBER = re.compile(r"^(\d{1,4})(bis|ter|quater|quinquies|[abcdtq])?$")
_POSTCODE = re.compile(r"^\d{5}$")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """``abbreviation → expansion words`` from addok-fr's list (the first meaning wins)."""
    table: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "=>" not in line:
            continue
        keys, expansion = line.split("=>", 1)
        words = tuple(expansion.split())
        for key in keys.split(","):
            key = key.strip()
            # ``cr`` is listed twice (chemin rural, cour): the first, FANTOIR's, is kept.
            if key and not key.isdigit() and key not in SKIPPED_SYNONYMS:
                table.setdefault(key, words)
    return table


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, only letters, digits and single spaces."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(_NOT_WORD.split(text)).strip()


def expand(words: list[str]) -> list[str]:
    """Abbreviations replaced by their full words (``av`` → ``avenue``, ``rpt`` → ``rond point``)."""
    table = synonyms()
    expanded: list[str] = []
    for word in words:
        expanded.extend(table.get(word, (word,)))
    return expanded


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The index form of a name: folded and expanded (``Av. du Gal de Gaulle`` → ``avenue du general de gaulle``)."""
    return " ".join(expand(fold(text).split()))


def content(words: list[str] | tuple[str, ...]) -> list[str]:
    """The words that tell a street apart (no stopwords)."""
    return [w for w in words if w not in STOPWORDS]


def is_distinctive(word: str) -> bool:
    """A word worth a lookup in the index: not grammatical, not a street type, not a number."""
    return len(word) >= 3 and word not in STOPWORDS and word not in STREET_TYPES


@dataclass(frozen=True)
class ParsedQuery:
    """One reading of a typed address: house number and suffix, postcode, and the other words."""

    words: tuple[str, ...]
    number: int | None = None
    suffix: str = ""
    postcode: str = ""
    partial: str = ""  # autocomplete: the last word, still being typed

    @property
    def has_number(self) -> bool:
        return self.number is not None


def _take_number(tokens: list[str], index: int) -> tuple[int, str, int] | None:
    """(number, suffix, tokens used) when ``tokens[index]`` is a house number, else None."""
    match = _NUMBER.match(tokens[index])
    if match is None:
        return None
    number, glued = int(match.group(1)), match.group(2)
    if glued:
        return number, SUFFIXES.get(glued, glued.upper()), 1
    following = tokens[index + 1] if index + 1 < len(tokens) else ""
    if following in SUFFIXES:
        return number, SUFFIXES[following], 2
    # ``12 b rue …`` is a suffix; ``12 b`` at the very end too (``rue de la gare 12 b``).
    if len(following) == 1 and following in SUFFIX_LETTERS:
        return number, following.upper(), 2
    return number, "", 1


def parse(text: str, *, prefix: bool = False) -> list[ParsedQuery]:
    """The readings of ``text``, most likely first.

    The house number is the first token when it is a number; otherwise a number after
    the street name (``rue de la gare 12``) gives a second reading where it is part of
    the name (``rue du 8 mai 1945``). With ``prefix`` (autocomplete), the last word is
    kept apart as ``partial`` unless the text ends with a space.
    """
    tokens = fold(text).split()
    partial = ""
    if prefix and tokens and not text[-1:].isspace() and not tokens[-1].isdigit():
        partial = tokens.pop()
    postcode = next((t for t in tokens if _POSTCODE.match(t)), "")
    if postcode:
        tokens.remove(postcode)
    readings: list[ParsedQuery] = []
    if tokens and (taken := _take_number(tokens, 0)):
        number, suffix, used = taken
        readings.append(
            ParsedQuery(tuple(expand(tokens[used:])), number, suffix, postcode, partial)
        )
        return readings
    for index in range(len(tokens) - 1, 0, -1):
        taken = _take_number(tokens, index)
        if taken:
            number, suffix, used = taken
            rest = tokens[:index] + tokens[index + used :]
            readings.append(ParsedQuery(tuple(expand(rest)), number, suffix, postcode, partial))
            break
    readings.append(ParsedQuery(tuple(expand(tokens)), None, "", postcode, partial))
    return readings
