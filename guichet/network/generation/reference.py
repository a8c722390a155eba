"""The Deux-Sèvres reference data (communes, postcodes, FANTOIR names), read once per process."""

from __future__ import annotations

import csv
import gzip
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from guichet.network.data import FR79_DIR

CURRENT = "commune-actuelle"


@dataclass(frozen=True)
class CommuneRef:
    """One row of the COG file."""

    insee: str
    name: str
    kind: str
    postcodes: tuple[str, ...]
    population: int | None
    parent: str
    former_codes: tuple[str, ...]


@dataclass(frozen=True)
class StreetRef:
    """A FANTOIR street or lieu-dit of a current commune, with its stable generated RIVOLI code."""

    rivoli: str
    name: str
    nature: str  # FANTOIR code (RUE, CHE, …), blank for most lieux-dits
    street_type: str  # its label (RUE, CHEMIN, …), what IPE files carry in TypeVoie
    lieu_dit: bool
    former_insee: str  # the commune déléguée the name comes from, blank otherwise
    former_name: str


@dataclass(frozen=True)
class Reference:
    """Everything the generator reads from ``guichet/network/data/fr79``."""

    communes: tuple[CommuneRef, ...]  # every COG row, file order
    current: tuple[CommuneRef, ...]  # current communes, by INSEE code
    postcodes: dict[str, tuple[str, ...]]  # current INSEE → postcodes, sorted
    streets: dict[str, tuple[StreetRef, ...]]  # current INSEE → streets, file order

    @property
    def population(self) -> int:
        return sum(commune.population or 0 for commune in self.current)


def _read_csv(name: str) -> list[dict[str, str]]:
    path = FR79_DIR / name
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            return list(csv.DictReader(text))
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split("|") if part)


def _rivoli(index: int, lieu_dit: bool) -> str:
    """FANTOIR-like codes: digits for streets (steps of 5), a letter B–W + 3 digits for lieux-dits."""
    if lieu_dit:
        letter = "BCDEFGHIJKLMNOPQRSTUVW"[index // 1000 % 22]
        return f"{letter}{index % 1000:03d}"
    return f"{(index + 1) * 5:04d}" if index < 1999 else f"{index % 10000:04d}"


def _normalise(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    plain = re.sub(r"[^A-Z]+", " ", plain).strip()
    return re.sub(r"\bSAINTE?\b", lambda m: "STE" if m.group(0) == "SAINTE" else "ST", plain)


def _common_prefix(first: str, second: str) -> int:
    length = min(len(first), len(second))
    return next((i for i in range(length) if first[i] != second[i]), length)


def _match_orphans(
    fantoir: list[dict[str, str]], current: tuple[CommuneRef, ...]
) -> dict[str, str]:
    """2015 names of unmatched FANTOIR communes → current commune without names, by name prefix."""
    with_names = {row["code_insee_cog2026"] for row in fantoir}
    lonely = [c for c in current if c.insee not in with_names]
    orphans: dict[str, str] = {}
    for old in sorted(
        {row["commune_fantoir_2015"] for row in fantoir if not row["code_insee_cog2026"]}
    ):
        old_norm = _normalise(old)
        for commune in lonely:
            new_norm = _normalise(commune.name)
            shared = _common_prefix(old_norm, new_norm)
            # FANTOIR truncates names at 26 characters and some communes were renamed slightly.
            if old_norm.startswith(new_norm) or new_norm.startswith(old_norm) or shared >= 8:
                orphans[old] = commune.insee
                break
    return orphans


def _most_common(
    names: dict[str, list[tuple[str, str, str, bool, str, str]]],
) -> list[tuple[str, str, str, bool, str, str]]:
    """The 40 commonest street names and 20 commonest lieux-dits of the département."""
    counts = Counter(
        (name, nature, street_type, lieu_dit)
        for rows in names.values()
        for name, nature, street_type, lieu_dit, _, _ in rows
    )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    voies = [key for key, _ in ranked if not key[3]][:40]
    lieux = [key for key, _ in ranked if key[3]][:20]
    return [(*key, "", "") for key in voies + lieux]


@lru_cache(maxsize=1)
def load() -> Reference:
    """Read and index the reference files (about 60,000 names; cached for the process)."""
    communes = tuple(
        CommuneRef(
            insee=row["code_insee"],
            name=row["nom"],
            kind=row["type"],
            postcodes=_split(row["codes_postaux"]),
            population=int(row["population"]) if row["population"] else None,
            parent=row["commune_parent"],
            former_codes=_split(row["anciens_codes"]),
        )
        for row in _read_csv("communes-79-cog2026.csv")
    )
    current = tuple(sorted((c for c in communes if c.kind == CURRENT), key=lambda c: c.insee))
    current_codes = {c.insee for c in current}
    # A commune déléguée can carry its parent's code (Airvault 79005): the current row wins.
    former = {c.insee: c for c in communes if c.kind != CURRENT and c.insee not in current_codes}

    postcodes: dict[str, set[str]] = {c.insee: set(c.postcodes) for c in current}
    for row in _read_csv("codes-postaux-79.csv"):
        if row["code_insee"] in postcodes:
            postcodes[row["code_insee"]].add(row["code_postal"])

    fantoir = _read_csv("fantoir-79-2015-voies-lieux-dits.csv.gz")
    orphans = _match_orphans(fantoir, current)
    labels = {row["code"]: row["libelle"] for row in _read_csv("fantoir-natures-voies.csv")}
    label_codes = {label: code for code, label in sorted(labels.items(), reverse=True)}
    names: dict[str, list[tuple[str, str, str, bool, str, str]]] = {c: [] for c in current_codes}
    for row in fantoir:
        code = row["code_insee_cog2026"]
        if not code:  # merged since 2015 and not matched by name: tried on the 2015 name below
            code = orphans.get(row["commune_fantoir_2015"], "")
        if not code:
            continue
        if code in current_codes:
            owner, former_insee, former_name = code, "", ""
        elif code in former and former[code].parent in current_codes:
            owner, former_insee, former_name = former[code].parent, code, former[code].name
        else:
            continue
        raw_nature = row["nature_voie"]
        # The extract mixes FANTOIR codes (VC, CR) and labels (RUE, IMPASSE): keep both forms.
        if raw_nature in labels:
            nature, street_type = raw_nature, labels[raw_nature]
        else:
            nature, street_type = label_codes.get(raw_nature, "")[:4], raw_nature
        lieu_dit = row["kind"] == "lieu-dit"
        names[owner].append(
            (row["libelle"], nature, street_type, lieu_dit, former_insee, former_name)
        )

    common = _most_common(names)
    streets: dict[str, tuple[StreetRef, ...]] = {}
    for insee in sorted(names):
        if not names[insee]:  # no name of its own in the 2015 extract: the département's commonest
            names[insee] = list(common)
        built: list[StreetRef] = []
        counters = {True: 0, False: 0}
        seen: set[tuple[str, str, str]] = set()
        for name, nature, street_type, lieu_dit, former_insee, former_name in names[insee]:
            key = (name, nature, former_insee)
            if key in seen:  # FANTOIR repeats a few names (cancelled then recreated)
                continue
            seen.add(key)
            built.append(
                StreetRef(
                    rivoli=_rivoli(counters[lieu_dit], lieu_dit),
                    name=name,
                    nature=nature,
                    street_type=street_type,
                    lieu_dit=lieu_dit,
                    former_insee=former_insee,
                    former_name=former_name,
                )
            )
            counters[lieu_dit] += 1
        streets[insee] = tuple(built)
    return Reference(
        communes=communes,
        current=current,
        postcodes={code: tuple(sorted(values)) for code, values in postcodes.items()},
        streets=streets,
    )
