"""Network inventory benchmark: generation, IPE export, IPE import, database size (SQLite and PostgreSQL).

Every step runs ``manage.py`` in a child process with ``DATABASE_URL`` pointing at a fresh
benchmark database, so that the figures are those of the real commands, and the peak
memory is that child's own (``os.wait4`` → ``ru_maxrss``).

    .venv/bin/python bench/network.py run --db sqlite --premises 250000
    .venv/bin/python bench/network.py run --db postgres --premises 250000
    .venv/bin/python bench/network.py report          # Markdown tables of every result

Results accumulate in ``var/bench/results.json`` (one entry per database and size, the
latest run wins); child logs in ``var/bench/logs/``. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS = BENCH_DIR / "results.json"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_NAME = os.environ.get("BENCH_PG_NAME", "guichet_bench")
SEED = 79
AS_OF = "2026-03-02"  # fixed: same seed + same day = byte-identical IPE export
OPERATORS = "FGTT,MRNM"
CREATE_OPERATORS = (
    "from guichet.portal.demo import load_demo; load_demo(network=False)"  # the two demo operators
)
EXPORT = (
    "import datetime; from guichet.network.exporting.ipe import write_ipe; "
    "print(write_ipe({path!r}, as_of=datetime.date.fromisoformat({as_of!r})))"
)


@dataclass
class Step:
    """One child process: wall and CPU time, peak resident memory, machine load when it started."""

    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    returncode: int
    load_before: float


# Other work on this shared 2-core machine skews wall times: wait for a quiet moment.
QUIET_LOAD = float(os.environ.get("BENCH_QUIET_LOAD", "0"))
QUIET_WAIT_S = int(os.environ.get("BENCH_QUIET_WAIT", "600"))
TIMED = ("generate", "export", "import")  # the steps worth waiting for a quiet machine


def wait_quiet(wait: bool) -> float:
    """The 1-minute load average, after waiting (up to QUIET_WAIT_S) for it to drop below QUIET_LOAD."""
    deadline = time.monotonic() + QUIET_WAIT_S
    load = os.getloadavg()[0]
    while wait and QUIET_LOAD and load > QUIET_LOAD and time.monotonic() < deadline:
        time.sleep(15)
        load = os.getloadavg()[0]
    return round(load, 2)


@dataclass
class Result:
    db: str
    premises: int
    started: str
    machine: dict[str, str]
    steps: dict[str, Step] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------ processes


def run_child(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Step:
    """Run ``args``, logging to ``log_dir/name.log``; its own wall time and peak RSS."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    load = wait_quiet(name in TIMED)
    print(f"  → {name}: {' '.join(args[1:])} (charge {load})", flush=True)
    started = time.monotonic()
    with log.open("w") as handle:
        process = subprocess.Popen(  # noqa: S603 - our own manage.py command lines
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    returncode = os.waitstatus_to_exitcode(status)
    process.returncode = returncode
    cpu = usage.ru_utime + usage.ru_stime
    step = Step(
        round(seconds, 2), round(cpu, 2), round(usage.ru_maxrss / 1024, 1), returncode, load
    )
    print(
        f"    {seconds:.1f} s ({cpu:.1f} s CPU), {step.max_rss_mb:.0f} Mo, code {returncode}",
        flush=True,
    )
    if returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} failed (code {returncode}), see {log}:\n{tail}")
    return step


def manage(*arguments: str) -> list[str]:
    return [PYTHON, "manage.py", *arguments]


# ------------------------------------------------------------------------------ databases


class Database:
    """A benchmark database that can be emptied, migrated and measured."""

    name = ""

    def url(self) -> str:
        raise NotImplementedError

    def recreate(self) -> None:
        raise NotImplementedError

    def size(self) -> int:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = self.url()
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
        env.setdefault("PYTHONHASHSEED", "0")
        return env


class Sqlite(Database):
    name = "sqlite"

    def __init__(self, label: str) -> None:
        self.path = BENCH_DIR / f"{label}.sqlite3"

    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def recreate(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def size(self) -> int:
        return sum(
            Path(f"{self.path}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{self.path}{suffix}").exists()
        )


class Postgres(Database):
    name = "postgres"

    def __init__(self, label: str) -> None:
        self.database = PG_NAME
        base = PG_ADMIN.rsplit("/", 1)[0]
        self._url = f"{base}/{self.database}"

    def url(self) -> str:
        return self._url

    def _admin(self, sql: str) -> Any:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            return (
                connection.execute(sql).fetchone()
                if sql.startswith("SELECT")
                else connection.execute(sql)
            )

    def recreate(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.database}"')

    def size(self) -> int:
        return int(self._admin(f"SELECT pg_database_size('{self.database}')")[0])

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def make_database(kind: str, label: str) -> Database:
    return Sqlite(label) if kind == "sqlite" else Postgres(label)


# ------------------------------------------------------------------------------ machine


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) // 1024 // 1024} Go"
                break
    except OSError:
        pass
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN) as connection:
            info["postgres"] = connection.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # PostgreSQL not reachable: SQLite figures only
        info["postgres"] = f"indisponible ({exc.__class__.__name__})"
    return info


# ------------------------------------------------------------------------------ the run


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def save(result: Result) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[f"{result.db}-{result.premises}"] = asdict(result)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def bench(kind: str, premises: int, *, profile: bool, determinism: bool, keep: bool) -> Result:
    """Generate, export, re-import into an empty database; measure each step."""
    label = f"{kind}-{premises}"
    logs = BENCH_DIR / "logs" / label
    ipe = BENCH_DIR / f"ipe-{label}.csv"
    result = Result(kind, premises, time.strftime("%Y-%m-%d %H:%M:%S"), machine())
    db = make_database(kind, f"generated-{premises}")
    env = db.env()
    print(f"[{label}] base de génération : {db.url()}", flush=True)

    db.recreate()
    result.steps["migrate"] = run_child("migrate", manage("migrate", "--no-input"), env, logs)
    result.sizes["empty"] = db.size()
    run_child("operators", manage("shell", "-c", CREATE_OPERATORS), env, logs)
    result.steps["generate"] = run_child(
        "generate",
        manage(
            "generate_network", "--premises", str(premises), "--seed", str(SEED),
            "--operators", OPERATORS, "--as-of", AS_OF,
        ),
        env,
        logs,
    )  # fmt: skip
    result.sizes["generated"] = db.size()
    save(result)
    result.steps["export"] = run_child(
        "export", manage("shell", "-c", EXPORT.format(path=str(ipe), as_of=AS_OF)), env, logs
    )
    result.sizes["ipe_file"] = ipe.stat().st_size
    result.figures["ipe_lines"] = sum(1 for _ in ipe.open("rb")) - 1
    result.figures["ipe_sha256"] = sha256(ipe)
    save(result)

    if determinism:
        # Same seed and day into a second fresh database: the export must be the same bytes.
        twin = make_database(kind, f"twin-{premises}")
        twin_env, twin_ipe = twin.env(), BENCH_DIR / f"ipe-{label}-twin.csv"
        if isinstance(twin, Postgres):
            twin.database = f"{PG_NAME}_twin"
            twin._url = twin._url.rsplit("/", 1)[0] + f"/{twin.database}"
            twin_env = twin.env()
        twin.recreate()
        run_child("twin-migrate", manage("migrate", "--no-input"), twin_env, logs)
        run_child("twin-operators", manage("shell", "-c", CREATE_OPERATORS), twin_env, logs)
        result.steps["twin-generate"] = run_child(
            "twin-generate",
            manage(
                "generate_network", "--premises", str(premises), "--seed", str(SEED),
                "--operators", OPERATORS, "--as-of", AS_OF,
            ),
            twin_env,
            logs,
        )  # fmt: skip
        result.steps["twin-export"] = run_child(
            "twin-export",
            manage("shell", "-c", EXPORT.format(path=str(twin_ipe), as_of=AS_OF)),
            twin_env,
            logs,
        )
        result.figures["deterministic"] = sha256(twin_ipe) == result.figures["ipe_sha256"]
        print(f"    export identique : {result.figures['deterministic']}", flush=True)
        twin_ipe.unlink()
        if isinstance(twin, Postgres):
            twin.drop()
        else:
            twin.recreate()
        save(result)

    # Import into an EMPTY database (migrated, nothing else).
    target = make_database(kind, f"imported-{premises}")
    target_env = target.env()
    if isinstance(db, Postgres):
        db.drop()  # same database name: the generated one goes, the import starts empty
    target.recreate()
    run_child("import-migrate", manage("migrate", "--no-input"), target_env, logs)
    result.sizes["import_empty"] = target.size()
    importer = manage("import_network", "ipe", str(ipe))
    if profile:
        prof = BENCH_DIR / f"import-{label}.prof"
        importer = [PYTHON, "-m", "cProfile", "-o", str(prof), *importer[1:]]
    result.steps["import"] = run_child("import", importer, target_env, logs)
    result.sizes["imported"] = target.size()
    save(result)
    if not keep:
        if isinstance(target, Postgres):
            target.drop()
        else:
            target.recreate()
            db.recreate()
        ipe.unlink(missing_ok=True)
    return result


# ------------------------------------------------------------------------------ report


def _mb(value: float) -> str:
    return f"{value / 1_000_000:,.0f} Mo".replace(",", " ")


def report() -> str:
    """Markdown tables, one per database."""
    if not RESULTS.exists():
        return "Aucun résultat (lancez d'abord `bench/network.py run`)."
    results = json.loads(RESULTS.read_text())
    lines: list[str] = []
    for kind in ("sqlite", "postgres"):
        rows = sorted((r for r in results.values() if r["db"] == kind), key=lambda r: r["premises"])
        if not rows:
            continue
        lines += [
            f"### {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}",
            "",
            "| Locaux | Génération | RSS gén. | Base générée | Octets/local | Export IPE | RSS export "
            "| Fichier IPE | Import IPE (base vide) | RSS import | Base importée | Octets/local (import) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in rows:
            steps, sizes, n = r["steps"], r["sizes"], r["premises"]

            def step(*names: str, steps: dict = steps) -> tuple[str, str]:
                """The quietest of equivalent measures (the twin run repeats generate/export)."""
                found = [steps[name] for name in names if name in steps]
                if not found:
                    return "—", "—"
                data = min(found, key=lambda item: item["seconds"])
                cpu = data.get("cpu_seconds")
                wall = f"{data['seconds']:,.1f} s" + (f" ({cpu:,.1f} s CPU)" if cpu else "")
                return wall, f"{data['max_rss_mb']:,.0f} Mo"

            gen, gen_rss = step("generate", "twin-generate")
            exp, exp_rss = step("export", "twin-export")
            imp, imp_rss = step("import")
            generated = sizes.get("generated")
            imported = sizes.get("imported")
            per = f"{(generated - sizes['empty']) / n:,.0f}" if generated else "—"
            per_import = f"{(imported - sizes['import_empty']) / n:,.0f}" if imported else "—"
            lines.append(
                f"| {n:,} | {gen} | {gen_rss} | {_mb(generated) if generated else '—'} | {per} "
                f"| {exp} | {exp_rss} | {_mb(sizes['ipe_file']) if 'ipe_file' in sizes else '—'} "
                f"| {imp} | {imp_rss} | {_mb(imported) if imported else '—'} | {per_import} |".replace(
                    ",", " "
                )
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="mesurer une taille sur une base")
    run.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    run.add_argument("--premises", type=int, default=250_000)
    run.add_argument("--profile", action="store_true", help="import sous cProfile (.prof)")
    run.add_argument("--determinism", action="store_true", help="seconde génération, même graine")
    run.add_argument("--keep", action="store_true", help="garder bases et fichier IPE")
    sub.add_parser("report", help="tableaux Markdown des résultats")
    args = parser.parse_args()
    if args.command == "report":
        print(report())
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    result = bench(
        args.db, args.premises, profile=args.profile, determinism=args.determinism, keep=args.keep
    )
    print(json.dumps(asdict(result), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
