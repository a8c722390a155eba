"""Free-text address search benchmark (issue 6): a noisy query set, our search and addok side by side.

1. ``queries``: a deterministic noisy query set drawn from the inventory's addresses (typos,
   missing accents, abbreviations, number after the street, missing postcode or commune,
   former commune names, case); the ground truth is the source address.
2. ``addok-export`` + ``addok-load``: the same addresses as addok's JSON lines (one street
   document with its house numbers, BAN style), loaded with ``addok batch`` + ``addok
   ngrams`` into a Redis of its own (``BENCH_ADDOK_REDIS``, default 127.0.0.1:6390).
3. ``run --engine guichet|addok``: every query through ``resolve_text`` in-process, or
   through addok's Python API in its own virtualenv (``BENCH_ADDOK_PYTHON``); top-1
   accuracy per noise kind (same number + suffix + street + commune), latency and
   throughput, one query at a time (one core).
4. ``report``: Markdown tables of every run.

    DATABASE_URL=sqlite:////tmp/bench6/bench-250k.sqlite3 \
        .venv/bin/python bench/addresses.py queries --per-kind 300
    DATABASE_URL=… .venv/bin/python bench/addresses.py addok-export
    .venv/bin/python bench/addresses.py addok-load
    BENCH_QUIET_LOAD=2.5 DATABASE_URL=… .venv/bin/python bench/addresses.py run --engine guichet --label sqlite-250k
    BENCH_QUIET_LOAD=2.5 .venv/bin/python bench/addresses.py run --engine addok --label addok-250k
    .venv/bin/python bench/addresses.py report

Files under ``var/bench/addresses/``. Never run by the test suite.
"""

# ruff: noqa: S603, S607, S311 - benchmark: local commands, deterministic sampling

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from network import machine, wait_quiet  # noqa: E402 - bench/network.py, same directory

OUT = ROOT / "var" / "bench" / "addresses"
RESULTS = OUT / "results.json"
SEED = 79
ADDOK_PYTHON = os.environ.get("BENCH_ADDOK_PYTHON", "/work/addok-venv/bin/python")
ADDOK_REDIS = os.environ.get("BENCH_ADDOK_REDIS", "127.0.0.1:6390")
WARMUP = 100  # queries run before the timed ones (caches, vocabulary, connections)

KINDS = (
    "exact",
    "case",
    "accents",
    "abbrev",
    "typo1",
    "typo2",
    "number_after",
    "no_postcode",
    "no_commune",
    "former",
    "mixed",
)
KIND_LABELS = {
    "exact": "libellé complet, sans bruit",
    "case": "tout en minuscules ou tout en MAJUSCULES",
    "accents": "commune sans accents",
    "abbrev": "abréviations (av, bd, st, ch, rte, imp, pl…)",
    "typo1": "une faute de frappe (1 édition)",
    "typo2": "deux fautes de frappe (2 éditions)",
    "number_after": "numéro après la voie",
    "no_postcode": "sans code postal",
    "no_commune": "sans commune (code postal seul)",
    "former": "nom de la commune déléguée, sans code postal",
    "mixed": "2 à 3 bruits mêlés",
}
# Full word (as the inventory writes it, upper case) → what people type.
ABBREVIATIONS = {
    "AVENUE": "av",
    "BOULEVARD": "bd",
    "SAINT": "st",
    "SAINTE": "ste",
    "CHEMIN": "ch",
    "ROUTE": "rte",
    "IMPASSE": "imp",
    "ALLEE": "all",
    "PLACE": "pl",
    "LOTISSEMENT": "lot",
    "RESIDENCE": "res",
    "GENERAL": "gal",
    "DOCTEUR": "dr",
    "MARECHAL": "mal",
    "PRESIDENT": "pdt",
    "SQUARE": "sq",
    "FAUBOURG": "fg",
    "HAMEAU": "ham",
    "PROMENADE": "prom",
    "SENTIER": "sen",
}
SUFFIX_WORDS = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}
PARTICLES = {"DE", "DU", "DES", "LA", "LE", "LES", "L", "D", "ET", "AUX", "AU", "SUR", "EN"}


# ------------------------------------------------------------------------------ helpers


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("DATABASE_URL: la base de banc à lire (sqlite:///… ou postgres://…)")
    import django

    django.setup()


def db_label() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"


def strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def title(street: str) -> str:
    """``RUE DU PUITS SAINT JEAN`` → ``Rue du Puits Saint Jean`` (how a CRM or a person writes it)."""
    words = [
        w.lower() if i and w in PARTICLES else w.capitalize() for i, w in enumerate(street.split())
    ]
    text = " ".join(words)
    return (
        text.replace(" l ", " l'")
        .replace(" d ", " d'")
        .replace("L ", "L'", 1 if text.startswith("L ") else 0)
    )


def shorten(street: str) -> str:
    """The street as typed with its abbreviations: ``AVENUE DE LA GARE`` → ``av de la Gare``."""
    titled = title(street).replace("'", "' ").split(" ")
    upper = street.split()
    if len(titled) != len(upper):
        return title(street)
    return " ".join(ABBREVIATIONS.get(u, t) for u, t in zip(upper, titled, strict=True)).replace(
        "' ", "'"
    )


def truth_key(insee: str, street: str, number: int | None, suffix: str) -> list[Any]:
    return [insee, " ".join(street.upper().split()), number, (suffix or "").upper()]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


def save(key: str, value: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[key] = value
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))


# ------------------------------------------------------------------------------ query set


class Noise:
    """Deterministic noise on one address; each method returns the query or None (not applicable)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    @staticmethod
    def number(a: dict[str, Any]) -> str:
        if a["number"] is None:
            return ""
        suffix = a["suffix"]
        return f"{a['number']} {SUFFIX_WORDS.get(suffix, suffix)}".strip()

    @staticmethod
    def street(a: dict[str, Any]) -> str:
        street = title(a["street_name"])
        if a["locality"] and a["locality"] != a["street_name"]:
            street = f"{street}, {title(a['locality'])}"
        return street

    def label(self, a: dict[str, Any], *, street: str | None = None, after: bool = False,
              postcode: bool = True, commune: str | None = None) -> str:  # fmt: skip
        number, street = self.number(a), street if street is not None else self.street(a)
        place = " ".join(
            p for p in (a["postcode"] if postcode else "", a["commune_name"] if commune is None else commune) if p
        )  # fmt: skip
        head = f"{street} {number}" if after and number else f"{number} {street}".strip()
        return f"{head}, {place}" if place else head

    def edit(self, word: str) -> str:
        """One random edit (substitution, deletion, insertion, transposition), never the first letter."""
        rng, letters = self.rng, "abcdefghijklmnopqrstuvwxyz"
        i = rng.randrange(1, len(word))
        kind = rng.choice(("sub", "del", "ins", "swap"))
        if kind == "sub":
            choice = rng.choice([c for c in letters if c != word[i].lower()])
            return word[:i] + choice + word[i + 1 :]
        if kind == "del":
            return word[:i] + word[i + 1 :]
        if kind == "ins":
            return word[:i] + rng.choice(letters) + word[i:]
        if i == len(word) - 1:
            i -= 1
        if i < 1 or word[i] == word[i + 1]:
            return word[:i] + word[i + 1 :]  # nothing to swap: a deletion
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    def typos(self, a: dict[str, Any], edits: int) -> str | None:
        words = self.street(a).split(" ")
        # Distinctive words only (not the street type, not particles), long enough to be typo'd.
        spots = [
            i
            for i, w in enumerate(words)
            if i and len(w) >= 5 and w.upper() not in ABBREVIATIONS and w.isalpha()
        ]
        if not spots:
            return None
        chosen = self.rng.sample(spots, min(edits, len(spots)))
        for n in range(edits):
            i = chosen[n % len(chosen)]
            words[i] = self.edit(words[i])
        return self.label(a, street=" ".join(words))

    def abbreviate(self, a: dict[str, Any]) -> str | None:
        words = a["street_name"].split()
        if not any(w in ABBREVIATIONS for w in words):
            return None
        return self.label(a, street=shorten(a["street_name"]))

    def apply(self, kind: str, a: dict[str, Any]) -> str | None:
        rng = self.rng
        if kind == "exact":
            return self.label(a)
        if kind == "case":
            text = self.label(a)
            return text.lower() if rng.random() < 0.5 else text.upper()
        if kind == "accents":
            if strip_accents(a["commune_name"]) == a["commune_name"]:
                return None
            return self.label(a, commune=strip_accents(a["commune_name"]))
        if kind == "abbrev":
            return self.abbreviate(a)
        if kind == "typo1":
            return self.typos(a, 1)
        if kind == "typo2":
            return self.typos(a, 2)
        if kind == "number_after":
            return self.label(a, after=True) if a["number"] is not None else None
        if kind == "no_postcode":
            return self.label(a, postcode=False)
        if kind == "no_commune":
            return self.label(a, commune="")
        if kind == "former":
            if not a["former_commune_name"]:
                return None
            return self.label(a, postcode=False, commune=a["former_commune_name"])
        if kind == "mixed":
            return self.mixed(a)
        raise ValueError(kind)

    def mixed(self, a: dict[str, Any]) -> str | None:
        rng = self.rng
        street = self.street(a)
        steps = rng.sample(["abbrev", "typo", "after", "place", "accents"], rng.choice((2, 3)))
        after, postcode, commune = False, True, a["commune_name"]
        if "abbrev" in steps and any(w in ABBREVIATIONS for w in a["street_name"].split()):
            street = shorten(a["street_name"])
        if "typo" in steps:
            words = street.split(" ")
            spots = [i for i, w in enumerate(words) if i and len(w) >= 5 and w.isalpha()]
            if spots:
                i = rng.choice(spots)
                words[i] = self.edit(words[i])
                street = " ".join(words)
        if "after" in steps and a["number"] is not None:
            after = True
        if "place" in steps:
            if rng.random() < 0.5:
                postcode = False
            else:
                commune = ""
        if "accents" in steps:
            commune = strip_accents(commune)
        text = self.label(a, street=street, after=after, postcode=postcode, commune=commune)
        return text.lower() if rng.random() < 0.5 else text


def read_addresses() -> list[dict[str, Any]]:
    from guichet.network.models import Address

    fields = ("id", "insee", "number", "suffix", "street_name", "locality", "postcode",
              "commune_name", "former_commune_insee", "former_commune_name")  # fmt: skip
    return list(Address.objects.order_by("id").values(*fields))


def cmd_queries(args: argparse.Namespace) -> None:
    django_setup()
    addresses = read_addresses()
    rng = random.Random(args.seed)
    noise = Noise(rng)
    # How many addresses share (number, suffix, street) within a postcode: a query without its
    # commune cannot tell them apart (the truth is then only one of equally right answers).
    twins = Counter((a["postcode"], a["number"], a["suffix"], a["street_name"]) for a in addresses)
    queries: list[dict[str, Any]] = []
    for kind in KINDS:
        pool = list(range(len(addresses)))
        rng.shuffle(pool)
        made = 0
        for index in pool:
            a = addresses[index]
            if a["number"] is None and kind != "exact" and rng.random() < 0.8:
                continue  # keep lieux-dits without number rare (≈ 4 % instead of 12 %)
            text = noise.apply(kind, a)
            if text is None:
                continue
            queries.append(
                {
                    "kind": kind,
                    "query": text,
                    "address_id": a["id"],
                    "truth": truth_key(a["insee"], a["street_name"], a["number"], a["suffix"]),
                    "twins": twins[(a["postcode"], a["number"], a["suffix"], a["street_name"])],
                }
            )
            made += 1
            if made == args.per_kind:
                break
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as handle:
        for q in queries:
            handle.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(f"{len(queries)} requêtes → {out}")
    for kind in KINDS:
        sample = [q["query"] for q in queries if q["kind"] == kind][:3]
        print(f"  {kind:13} {' | '.join(sample)}")


# ------------------------------------------------------------------------------ addok


ADDOK_CONF = """\
# Written by bench/addresses.py: the anchors' configuration (ANCHORS.md), on a Redis of its own.
REDIS = {{'host': {host!r}, 'port': {port}, 'indexes': {{'db': 0}}, 'documents': {{'db': 1}}}}
# The former commune (commune déléguée) of an address, as BAN's "oldcity", is searchable.
EXTRA_FIELDS = [{{'key': 'oldcity'}}]
BATCH_WORKERS = 1
PROCESSORS_PYPATHS = [
    'addok.helpers.text.tokenize', 'addok.helpers.text.normalize',
    'addok_france.glue_ordinal', 'addok_france.fold_ordinal',
    'addok_france.flag_housenumber', 'addok.helpers.text.synonymize',
    'addok_fr.phonemicize',
]
QUERY_PROCESSORS_PYPATHS = [
    'addok.helpers.text.check_query_length', 'addok_france.extract_address',
    'addok_france.clean_query', 'addok_france.remove_leading_zeros',
]
SEARCH_RESULT_PROCESSORS_PYPATHS = [
    'addok.helpers.results.match_housenumber', 'addok_france.make_labels',
    'addok.helpers.results.score_by_importance',
    'addok.helpers.results.score_by_autocomplete_distance',
    'addok.helpers.results.score_by_str_distance',
    'addok.helpers.results.score_by_geo_distance', 'addok.helpers.results.adjust_scores',
]
"""

ADDOK_WORKER = r"""
import json, sys, time
from addok.config import config
config.load()
from addok.core import search
queries = [json.loads(line) for line in open(sys.argv[1])]
warmup = int(sys.argv[2])
for q in queries[:warmup]:
    search(q["query"], limit=1)
out = open(sys.argv[3], "w")
cpu0, wall0 = time.process_time(), time.perf_counter()
for q in queries:
    t = time.perf_counter()
    found = search(q["query"], limit=1)
    ms = (time.perf_counter() - t) * 1000
    r = found[0] if found else None
    out.write(json.dumps({
        "ms": ms,
        "id": getattr(r, "id", None) if r else None,
        "housenumber": getattr(r, "housenumber", None) if r else None,
        "type": getattr(r, "type", None) if r else None,
        "score": round(r.score, 4) if r else None,
        "label": str(r) if r else None,
    }) + "\n")
print(json.dumps({"wall": time.perf_counter() - wall0, "cpu": time.process_time() - cpu0}))
"""


def addok_conf() -> Path:
    host, port = ADDOK_REDIS.rsplit(":", 1)
    path = OUT / "addok_conf.py"
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(ADDOK_CONF.format(host=host, port=int(port)))
    return path


def addok_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ADDOK_CONFIG_MODULE"] = str(addok_conf())
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def cmd_addok_export(args: argparse.Namespace) -> None:
    """One document per street of a commune (BAN's addok export), house numbers inside."""
    django_setup()
    from guichet.network.models import Address

    streets: dict[tuple, dict[str, Any]] = {}
    rows = Address.objects.order_by("id").values_list(
        "id", "insee", "number", "suffix", "street_name", "locality", "postcode",
        "commune_name", "former_commune_name", "latitude", "longitude",
    )  # fmt: skip
    for _pk, insee, number, suffix, street, locality, postcode, commune, former, lat, lon in rows:
        key = (insee, street, locality, postcode, former)
        doc = streets.get(key)
        if doc is None:
            name = street if not locality or locality == street else f"{street} {locality}"
            doc = streets[key] = {
                "id": f"{insee}_{len(streets):06d}",
                "type": "street" if number is not None else "locality",
                "name": name,
                "postcode": postcode,
                "citycode": insee,
                "city": commune,
                "context": "79, Deux-Sèvres, Nouvelle-Aquitaine",
                "lat": lat,
                "lon": lon,
                "housenumbers": {},
                "_street": street,
                "_n": 0,
            }
            if former:
                doc["oldcity"] = former
        doc["_n"] += 1
        if number is not None:
            doc["housenumbers"][f"{number}{(suffix or '').lower()}"] = {"lat": lat, "lon": lon}
    out = Path(args.out)
    keys = {}
    with out.open("w") as handle:
        for doc in streets.values():
            # BAN gives bigger streets more importance; same spirit as our ranking's size tie-break.
            doc["importance"] = round(min(1.0, math.log1p(doc.pop("_n")) / math.log1p(500)), 4)
            keys[doc["id"]] = [doc["citycode"], doc.pop("_street")]
            if not doc["housenumbers"]:
                del doc["housenumbers"]
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    (out.parent / "addok-keys.json").write_text(json.dumps(keys))
    print(f"{len(streets)} documents (voies) → {out}")


def cmd_addok_load(args: argparse.Namespace) -> None:
    env = addok_env()
    host, port = ADDOK_REDIS.rsplit(":", 1)
    subprocess.run(["redis-cli", "-h", host, "-p", port, "-n", "0", "FLUSHDB"], check=True)
    subprocess.run(["redis-cli", "-h", host, "-p", port, "-n", "1", "FLUSHDB"], check=True)
    addok = str(Path(ADDOK_PYTHON).parent / "addok")
    figures = {}
    for step, command in (("batch", [addok, "batch", args.file]), ("ngrams", [addok, "ngrams"])):
        load = wait_quiet(True)
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        figures[step] = {"seconds": round(time.perf_counter() - started, 1), "load": load}
        print(f"  addok {step}: {figures[step]}")
    info = subprocess.run(["redis-cli", "-h", host, "-p", port, "info", "memory"],
                          capture_output=True, text=True).stdout  # fmt: skip
    used = next(
        (row.split(":")[1] for row in info.splitlines() if row.startswith("used_memory_human")), "?"
    )
    figures["redis_memory"] = used.strip()
    save(f"addok-load-{args.label}", figures)


# ------------------------------------------------------------------------------ runs


def load_queries(path: str, limit: int | None) -> list[dict[str, Any]]:
    queries = [json.loads(line) for line in Path(path).read_text().splitlines()]
    return queries[:limit] if limit else queries


def run_guichet(queries: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, float]]:
    django_setup()
    from django.db import connection

    from guichet.addresses.search import resolve_text
    from guichet.core.context import Principal

    actor = Principal.system("bench")
    for q in queries[:WARMUP]:
        resolve_text(actor, q["query"])
    load = wait_quiet(True)
    answers = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for q in queries:
        t = time.perf_counter()
        resolution = resolve_text(actor, q["query"])
        ms = (time.perf_counter() - t) * 1000
        first = resolution.candidates[0].address if resolution.candidates else None
        answers.append(
            {
                "ms": ms,
                "status": resolution.status,
                "candidates": len(resolution.candidates),
                "key": truth_key(first.insee, first.street_name, first.number, first.suffix)
                if first
                else None,
                "score": resolution.candidates[0].score if resolution.candidates else None,
                "label": str(first) if first else None,
            }
        )
    timing = {"wall": time.perf_counter() - wall0, "cpu": time.process_time() - cpu0, "load": load}
    timing["load_after"] = round(os.getloadavg()[0], 2)
    timing["vendor"] = connection.vendor
    return answers, timing


def run_addok(
    queries: list[dict[str, Any]], path: str
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    keys = json.loads((OUT / "addok-keys.json").read_text())
    worker = OUT / "addok_worker.py"
    worker.write_text(ADDOK_WORKER)
    subset = OUT / "addok-queries.jsonl"
    subset.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries))
    answers_file = OUT / "addok-answers.jsonl"
    load = wait_quiet(True)
    done = subprocess.run(
        [ADDOK_PYTHON, str(worker), str(subset), str(WARMUP), str(answers_file)],
        env=addok_env(), check=True, capture_output=True, text=True,
    )  # fmt: skip
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    timing["load"] = load
    timing["load_after"] = round(os.getloadavg()[0], 2)
    answers = []
    for line in answers_file.read_text().splitlines():
        r = json.loads(line)
        key = None
        if r["id"] in keys:
            insee, street = keys[r["id"]]
            number, suffix = None, ""
            if r["housenumber"]:
                digits = "".join(c for c in r["housenumber"] if c.isdigit())
                number, suffix = int(digits), r["housenumber"][len(digits) :].upper()
            key = truth_key(insee, street, number, suffix)
        answers.append({"ms": r["ms"], "status": "found" if key else "unknown", "key": key,
                        "score": r["score"], "label": r["label"]})  # fmt: skip
    return answers, timing


def summarise(queries: list[dict[str, Any]], answers: list[dict[str, Any]]) -> dict[str, Any]:
    per_kind: dict[str, dict[str, Any]] = {}
    groups: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for q, a in zip(queries, answers, strict=True):
        groups[q["kind"]].append((q, a))
        groups["all"].append((q, a))
    for kind, pairs in groups.items():
        n = len(pairs)
        right = [q["truth"] == a["key"] for q, a in pairs]
        # Street level: the right street of the right commune, whatever the house number.
        street = [bool(a["key"]) and q["truth"][:2] == a["key"][:2] for q, a in pairs]
        found = [a["status"] == "found" for _, a in pairs]
        per_kind[kind] = {
            "n": n,
            "top1": round(100 * sum(right) / n, 1),
            "street_top1": round(100 * sum(street) / n, 1),
            "found_right": round(
                100 * sum(r and f for r, f in zip(right, found, strict=True)) / n, 1
            ),
            "found_wrong": round(
                100 * sum(f and not r for r, f in zip(right, found, strict=True)) / n, 1
            ),
            "ambiguous": round(100 * sum(a["status"] == "ambiguous" for _, a in pairs) / n, 1),
            "unknown": round(100 * sum(a["status"] == "unknown" for _, a in pairs) / n, 1),
            "twins": sum(q["twins"] > 1 for q, _ in pairs),
            "top1_unique": round(
                100
                * sum(r for (q, _), r in zip(pairs, right, strict=True) if q["twins"] == 1)
                / max(1, sum(q["twins"] == 1 for q, _ in pairs)),
                1,
            ),
        }
    return per_kind


def cmd_run(args: argparse.Namespace) -> None:
    queries = load_queries(args.queries, args.limit)
    if args.engine == "guichet":
        answers, timing = run_guichet(queries)
    else:
        answers, timing = run_addok(queries, args.queries)
    latencies = [a["ms"] for a in answers]
    result = {
        "engine": args.engine,
        "label": args.label,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "queries": len(queries),
        "wall_s": round(timing["wall"], 2),
        "cpu_s": round(timing["cpu"], 2),
        "qps": round(len(queries) / timing["wall"], 1),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p90_ms": round(percentile(latencies, 0.90), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "mean_ms": round(statistics.fmean(latencies), 2),
        "load": timing["load"],
        "load_after": timing["load_after"],
        "accuracy": summarise(queries, answers),
        "machine": machine(),
    }
    key = f"{args.engine}-{args.label}"
    save(key, result)
    misses = OUT / f"misses-{key}.jsonl"
    with misses.open("w") as handle:
        for q, a in zip(queries, answers, strict=True):
            if q["truth"] != a["key"]:
                handle.write(json.dumps({"kind": q["kind"], "query": q["query"], "truth": q["truth"],
                                         "got": a["label"], "key": a["key"], "status": a["status"], "score": a["score"]},
                                        ensure_ascii=False) + "\n")  # fmt: skip
    acc = result["accuracy"]["all"]
    print(
        f"{key}: {len(queries)} requêtes, top-1 {acc['top1']} %, {result['qps']} req/s, "
        f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms (charge {timing['load']} → "
        f"{timing['load_after']}), ratés → {misses}"
    )
    for kind in (*KINDS, "all"):
        if kind in result["accuracy"]:
            k = result["accuracy"][kind]
            print(f"  {kind:13} n={k['n']:4} top1={k['top1']:5}  found✓={k['found_right']:5} "
                  f"found✗={k['found_wrong']:4} amb={k['ambiguous']:5} unk={k['unknown']:5}")  # fmt: skip


def cmd_report(args: argparse.Namespace) -> None:
    results = json.loads(RESULTS.read_text())
    runs = [v for k, v in results.items() if not k.startswith("addok-load")]
    print("| Moteur | Base | Requêtes | Top-1 | Requêtes/s (1 cœur) | p50 | p90 | p99 | Charge |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        a = r["accuracy"]["all"]
        print(f"| {r['engine']} | {r['label']} | {r['queries']} | {a['top1']} % | {r['qps']} | "
              f"{r['p50_ms']} ms | {r['p90_ms']} ms | {r['p99_ms']} ms | {r['load']} → {r['load_after']} |")  # fmt: skip
    print()
    header = " | ".join(f"{r['engine']} {r['label']}" for r in runs)
    print(f"| Bruit | n | {header} |")
    print("|---|---:|" + "---:|" * len(runs))
    for kind in (*KINDS, "all"):
        cells = []
        for r in runs:
            k = r["accuracy"].get(kind)
            if not k:
                cells.append("")
            elif r["engine"] == "guichet":
                cells.append(
                    f"{k['top1']} % ({k['found_right']} / {k['found_wrong']} / {k['ambiguous']})"
                )
            else:
                cells.append(f"{k['top1']} %")
        n = next((r["accuracy"][kind]["n"] for r in runs if kind in r["accuracy"]), 0)
        print(f"| {KIND_LABELS.get(kind, 'toutes')} | {n} | " + " | ".join(cells) + " |")
    cells = [f"{r['accuracy']['all'].get('street_top1', '?')} %" for r in runs]
    print(
        "| toutes, bonne voie de la bonne commune (numéro ignoré) | | " + " | ".join(cells) + " |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("queries", help="jeu de requêtes bruitées (déterministe)")
    p.add_argument("--per-kind", type=int, default=300)
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--out", default=str(OUT / "queries.jsonl"))
    p.set_defaults(func=cmd_queries)
    p = sub.add_parser("addok-export", help="adresses → JSON lines addok (une voie par ligne)")
    p.add_argument("--out", default=str(OUT / "addok-docs.jsonl"))
    p.set_defaults(func=cmd_addok_export)
    p = sub.add_parser("addok-load", help="addok batch + addok ngrams (Redis du banc vidé)")
    p.add_argument("--file", default=str(OUT / "addok-docs.jsonl"))
    p.add_argument("--label", default="250k")
    p.set_defaults(func=cmd_addok_load)
    p = sub.add_parser("run", help="les requêtes par un moteur")
    p.add_argument("--engine", choices=("guichet", "addok"), required=True)
    p.add_argument("--queries", default=str(OUT / "queries.jsonl"))
    p.add_argument("--label", required=True)
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("report", help="tableaux Markdown")
    p.set_defaults(func=cmd_report)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
