"""e-RDV booking under contention (issue 7): throughput, latency, double bookings, lost holds.

    export DATABASE_URL=sqlite:////tmp/bench7/rdv.sqlite3    # or postgres://…/bench_rdv
    .venv/bin/python bench/appointments.py setup             # fresh database, migrate, planning
    BENCH_QUIET_LOAD=2.5 .venv/bin/python bench/appointments.py run --label sqlite-8 --clients 8
    BENCH_QUIET_LOAD=2.5 .venv/bin/python bench/appointments.py run --label sqlite-32 --clients 32
    .venv/bin/python bench/appointments.py run --label sqlite-expiry --clients 8 \
        --hold-seconds 4 --releaser 1
    .venv/bin/python bench/appointments.py report

``setup`` empties the database (SQLite: removes the file; PostgreSQL: drops and creates it
through ``BENCH_PG_ADMIN``), migrates it in a child ``manage.py``, loads the demo (its
3,000-premises network, the two demo operators subscribed to e-RDV with the FTTH access
contract), adds two bench operators subscribed the same way, and replaces the demo planning
with a dedicated one: the four standard connection windows, each taking ``WINDOW_CAPACITY``
interventions per technician, and ``TECHNICIANS`` technicians of daily capacity
``DAILY_CAPACITY`` covering the four biggest communes, two communes each.

``run`` starts from no appointment at all, then forks N client processes (one database
connection each) for a fixed duration. Every client acts for one of the operators (round
robin) and loops: while it holds fewer than ``--live`` appointments it searches free slots
for a random premises of the four communes over the ``--days`` first bookable days (the
popular ones: everybody wants the earliest) and reserves the **first** slot found, then
confirms half of its reservations at once; otherwise it cancels (50 %), reschedules to the
first other free slot (30 %) or confirms a held one (20 %) of its live appointments. Every
call is timed; a refusal « créneau indisponible » (RDV-003) is counted, not retried.

``--hold-seconds`` shortens the hold (the setting is in minutes: the service's
``hold_minutes`` is patched in the clients) and ``--releaser S`` runs
``release_expired_holds`` in one more process every S seconds, concurrently.

At the end the database is checked: for every slot and every technician-day, ``booked`` ==
the live (held, confirmed, rescheduled) appointments on it, and <= capacity (double bookings:
must be 0); every reservation a client was told succeeded is in the database in the state
the client last left it — or cancelled by the expiry of a hold never confirmed (lost holds:
must be 0); no confirmed appointment was ever expired. Results go to
``var/bench/appointments/``. Never run by the test suite.
"""

# ruff: noqa: S106, S311, S603 - benchmark: random choices, local commands, a bench password

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from network import PG_ADMIN, machine, wait_quiet  # noqa: E402 - bench/network.py

OUT = ROOT / "var" / "bench" / "appointments"
RESULTS = OUT / "results.json"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SEED = 79
COMMUNES = 4  # the biggest communes of the demo network: where everybody books
TECHNICIANS = 6  # each covers two of them: three technicians per commune
DAILY_CAPACITY = 6
WINDOW_CAPACITY = 2  # interventions per technician in a 2-hour window
PREMISES_SAMPLE = 400
BENCH_OPERATORS = [("BNCA", "Banc Fibre Alpha"), ("BNCB", "Banc Fibre Bêta")]
LOGIN = "bench.rdv.{code}"


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("DATABASE_URL: la base de banc (sqlite:///… ou postgres://…)")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def save(key: str, value: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[key] = value
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))


def engine() -> str:
    return "postgres" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"


# ------------------------------------------------------------------------------ setup


def luhn_siren(prefix: str) -> str:
    """A SIREN (8 digits + Luhn key) the operator model accepts."""
    for key in range(10):
        digits = [int(c) for c in prefix + str(key)]
        total = 0
        for index, digit in enumerate(reversed(digits)):
            if index % 2:
                digit *= 2
                digit -= 9 if digit > 9 else 0
            total += digit
        if total % 10 == 0:
            return prefix + str(key)
    raise ValueError(prefix)


def fresh_database() -> None:
    url = os.environ["DATABASE_URL"]
    if engine() == "sqlite":
        path = Path(url.split("sqlite://", 1)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    owner = url.split("://", 1)[1].split(":", 1)[0]
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')


def cmd_setup(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    fresh_database()
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    django_setup()
    from django.db.models import Count
    from django.utils import timezone

    from guichet.accounts import services as people
    from guichet.accounts.models import Role
    from guichet.accounts.services import profiles
    from guichet.appointments import services
    from guichet.appointments.choices import InterventionType
    from guichet.appointments.demo import DEMO_TEMPLATES, SATURDAY, WEEKDAY
    from guichet.appointments.models import SlotTemplate, Technician
    from guichet.core.context import Principal
    from guichet.network.models import Premises
    from guichet.operators.demo import load_contract_demo
    from guichet.operators.models import EService, Subscription, WholesaleOffer
    from guichet.operators.services import create_operator, wholesale
    from guichet.portal.demo import DEMO_OPERATORS, load_demo

    system = Principal.system("bench")
    load_demo()
    load_contract_demo(system)
    connection_type = InterventionType.FTTH_CONNECTION
    for index, (code, name) in enumerate(BENCH_OPERATORS):
        values = dict(DEMO_OPERATORS[1]) | {
            "name": name,
            "arcep_code": code,
            "siren": luhn_siren(f"9{index:02d}12345"),
        }
        values["rcs_number"] = " ".join(
            [values["siren"][:3], values["siren"][3:6], values["siren"][6:]]
        )
        operator = create_operator(actor=system, **values)
        Subscription.objects.create(
            operator=operator,
            service=EService.objects.get(code="e-rdv"),
            activated_on=timezone.localdate() - timedelta(days=30),
        )
        wholesale.register_wholesale_contract(
            actor=system,
            operator=operator,
            offer=WholesaleOffer.FTTH_ACCESS,
            signed_on=timezone.localdate() - timedelta(days=200),
        )
        person = people.create_person(
            actor=system, username=LOGIN.format(code=code.lower()),
            email=f"rdv@{code.lower()}.example", operator=operator, role=Role.MEMBER,
            password="Banc-d-essai-2026!",
        )  # fmt: skip
        profile = profiles.create_profile(
            actor=system, name="RDV banc", operator=operator, rights=["e-rdv:read", "e-rdv:book"]
        )
        profiles.assign_profiles(actor=system, person=person, profiles=[profile])
    # The dedicated planning: four connection windows of WINDOW_CAPACITY, TECHNICIANS technicians.
    for kind, start, end in DEMO_TEMPLATES:
        if kind == connection_type:
            services.create_slot_template(
                actor=system, intervention_type=kind, starts_at=start, ends_at=end,
                capacity=WINDOW_CAPACITY,
            )  # fmt: skip
    big = list(
        Premises.objects.exclude(pto_reference="")
        .values("building__address__insee")
        .annotate(n=Count("pk"))
        .order_by("-n", "building__address__insee")[:COMMUNES]
    )
    communes = [row["building__address__insee"] for row in big]
    hours = {day: WEEKDAY for day in range(5)} | {5: SATURDAY}
    for index in range(TECHNICIANS):
        technician = services.create_technician(
            actor=system, name=f"Technicien banc {index + 1}", skills=[connection_type],
            daily_capacity=DAILY_CAPACITY,
        )  # fmt: skip
        covered = [communes[index % COMMUNES], communes[(index + 1) % COMMUNES]]
        services.set_areas(actor=system, technician=technician, communes=covered)
        services.set_working_hours(actor=system, technician=technician, hours=hours)
    rng = random.Random(SEED)
    ptos = list(
        Premises.objects.filter(building__address__insee__in=communes)
        .exclude(pto_reference="")
        .order_by("pk")
        .values_list("pto_reference", flat=True)
    )
    sample = rng.sample(ptos, min(PREMISES_SAMPLE, len(ptos)))
    logins = [LOGIN.format(code=code.lower()) for code, _ in BENCH_OPERATORS] + [
        "admin.fgtt",
        "admin.mrnm",
    ]
    info = {
        "communes": {row["building__address__insee"]: row["n"] for row in big},
        "technicians": Technician.objects.filter(active=True).count(),
        "templates": SlotTemplate.objects.filter(intervention_type=connection_type).count(),
        "ptos": sample,
        "logins": logins,
        "setup_s": round(time.perf_counter() - started, 1),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"setup-{engine()}.json").write_text(json.dumps(info, indent=2))
    print(json.dumps({k: v for k, v in info.items() if k != "ptos"}, indent=2))


# ------------------------------------------------------------------------------ clients


def client(
    number: int, login: str, ptos: list[str], args: dict[str, Any], start_at: float, out: Any
) -> None:
    """One client process: its own connection, the loop described above, results to ``out``."""
    from django.db import connections

    connections.close_all()  # never share the parent's connection
    from guichet.accounts.models import User
    from guichet.addresses.selectors import PlaceQuery
    from guichet.appointments import selectors, services
    from guichet.appointments.choices import InterventionType
    from guichet.appointments.services import booking
    from guichet.core.calendar import add_business_days
    from guichet.core.context import Channel, principal_for_user
    from guichet.core.errors import GuichetError

    if args["hold_seconds"]:
        booking.hold_minutes = lambda: args["hold_seconds"] / 60  # type: ignore[assignment]
    rng = random.Random(SEED * 1000 + number)
    actor = principal_for_user(
        User.objects.get(username=login), channel=Channel.REST, ip="127.0.0.1", request_id="bench"
    )
    kind = InterventionType.FTTH_CONNECTION
    first, _ = services.bookable_range()
    last = add_business_days(first, args["days"] - 1)
    times: dict[str, list[float]] = {}
    codes: dict[str, int] = {}
    live: dict[str, str] = {}  # id_rdv → what the client last made of it (held / confirmed)
    granted: dict[str, str] = {}  # every reservation told success → its expected final state

    def call(op: str, fn: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            result = fn(actor=actor, **kw)
            outcome = "ok"
        except GuichetError as exc:
            result, outcome = exc, exc.code
        times.setdefault(f"{op}:{'ok' if outcome == 'ok' else 'refused'}", []).append(
            (time.perf_counter() - t) * 1000
        )
        codes[f"{op}:{outcome}"] = codes.get(f"{op}:{outcome}", 0) + 1
        return result

    def search(pto: str) -> list[Any]:
        found = call(
            "search", services.search_free_slots, query=PlaceQuery(pto=pto),
            intervention_type=kind, date_from=first, date_to=last,
        )  # fmt: skip
        return [] if isinstance(found, GuichetError) else found.slots

    time.sleep(max(0.0, start_at - time.time()))
    deadline = start_at + args["duration"]
    while time.time() < deadline:
        if len(live) < args["live"]:
            pto = rng.choice(ptos)
            slots = search(pto)
            if not slots:
                codes["search:empty"] = codes.get("search:empty", 0) + 1
                if live:  # the popular days are full: give one back
                    id_rdv = rng.choice(sorted(live))
                    if not isinstance(call("cancel", services.cancel, id_rdv=id_rdv), Exception):
                        granted[id_rdv] = "cancelled"
                    live.pop(id_rdv)
                continue
            booked = call(
                "reserve", services.reserve, query=PlaceQuery(pto=pto), intervention_type=kind,
                slot_id=slots[0].id,
            )  # fmt: skip
            if isinstance(booked, GuichetError):
                continue
            live[booked.id_rdv] = granted[booked.id_rdv] = "held"
            if rng.random() < 0.5:
                done = call("confirm", services.confirm, id_rdv=booked.id_rdv)
                if not isinstance(done, GuichetError):
                    live[booked.id_rdv] = granted[booked.id_rdv] = "confirmed"
            continue
        id_rdv = rng.choice(sorted(live))
        draw = rng.random()
        if draw < 0.5:
            done = call("cancel", services.cancel, id_rdv=id_rdv)
            if not isinstance(done, GuichetError):
                granted[id_rdv] = "cancelled"
            live.pop(id_rdv)
        elif draw < 0.8:
            appointment = selectors.appointment_for(actor, id_rdv)
            slots = [
                s for s in search(appointment.pto_reference) if s.starts_at != appointment.starts_at
            ]
            if not slots:
                continue
            done = call("reschedule", services.reschedule, id_rdv=id_rdv, slot_id=slots[0].id)
            if isinstance(done, GuichetError) and done.code == "RDV-010":
                live.pop(id_rdv)  # its hold expired: released by the task
            elif not isinstance(done, GuichetError) and live[id_rdv] == "confirmed":
                granted[id_rdv] = live[id_rdv] = "rescheduled"
        elif live[id_rdv] == "held":
            done = call("confirm", services.confirm, id_rdv=id_rdv)
            if not isinstance(done, GuichetError):
                live[id_rdv] = granted[id_rdv] = "confirmed"
            elif done.code == "RDV-010":
                live.pop(id_rdv)
    connections.close_all()
    out.put({"client": number, "times": times, "codes": codes, "granted": granted})


def releaser(interval: float, start_at: float, duration: float, out: Any) -> None:
    """``release_expired_holds`` every ``interval`` seconds while the clients book."""
    from django.db import connections

    connections.close_all()
    from guichet.appointments import services

    time.sleep(max(0.0, start_at - time.time()))
    released, runs, times = 0, 0, []
    while time.time() < start_at + duration + interval:
        t = time.perf_counter()
        released += services.release_expired_holds()
        times.append((time.perf_counter() - t) * 1000)
        runs += 1
        time.sleep(interval)
    connections.close_all()
    out.put({"releaser": True, "released": released, "runs": runs, "times": times})


# ------------------------------------------------------------------------------ checks


def check(granted: dict[str, str]) -> dict[str, Any]:
    """Counters against live appointments, capacity, and every success a client was told."""
    from django.db.models import Count, Q

    from guichet.appointments.choices import ACTIVE_STATUSES, HistoryAction
    from guichet.appointments.models import (
        Appointment,
        AppointmentHistory,
        Slot,
        TechnicianDay,
    )

    live = Q(appointments__status__in=ACTIVE_STATUSES)
    slots = list(Slot.objects.annotate(live=Count("appointments", filter=live)))
    day_live: dict[tuple[int, Any], int] = {}
    for row in (
        Appointment.objects.filter(status__in=ACTIVE_STATUSES)
        .values("slot__technician_id", "slot__day")
        .annotate(n=Count("pk"))
    ):
        day_live[(row["slot__technician_id"], row["slot__day"])] = row["n"]
    days = list(TechnicianDay.objects.all())
    rows = {
        a.id_rdv: a
        for a in Appointment.objects.filter(id_rdv__in=list(granted)).only(
            "id_rdv", "status", "end_reason"
        )
    }
    expired_ids = set(
        AppointmentHistory.objects.filter(action=HistoryAction.EXPIRE).values_list(
            "appointment__id_rdv", flat=True
        )
    )
    lost, mismatched = [], []
    for id_rdv, expected in granted.items():
        row = rows.get(id_rdv)
        if row is None:
            lost.append(id_rdv)
        elif row.status != expected and not (
            expected == "held" and row.status == "cancelled" and id_rdv in expired_ids
        ):
            mismatched.append((id_rdv, expected, row.status))
    confirmed_then_expired = (
        AppointmentHistory.objects.filter(action=HistoryAction.EXPIRE)
        .exclude(status_before="held")
        .count()
        + Appointment.objects.filter(
            history__action=HistoryAction.EXPIRE, confirmed_at__isnull=False
        ).count()
    )
    return {
        "appointments": Appointment.objects.count(),
        "live": Appointment.objects.filter(status__in=ACTIVE_STATUSES).count(),
        "by_status": dict(
            Appointment.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
        ),
        "slots": len(slots),
        "technician_days": len(days),
        "slot_counter_mismatch": sum(1 for s in slots if s.booked != s.live),
        "day_counter_mismatch": sum(
            1 for d in days if d.booked != day_live.get((d.technician_id, d.day), 0)
        ),
        "double_bookings": sum(max(0, s.live - s.capacity) for s in slots)
        + sum(
            max(0, n - d.capacity)
            for d in days
            for n in [day_live.get((d.technician_id, d.day), 0)]
        ),
        "over_capacity_counters": sum(1 for s in slots if s.booked > s.capacity)
        + sum(1 for d in days if d.booked > d.capacity),
        "granted": len(granted),
        "lost_holds": len(lost) + len(mismatched),
        "lost_examples": (lost + mismatched)[:5],
        "expired": len(expired_ids),
        "confirmed_then_expired": confirmed_then_expired,
    }


def reset() -> None:
    """No appointment, no counter: every run starts from the same empty planning."""
    from django.db import connection

    from guichet.appointments.models import Appointment, AppointmentHistory, Slot, TechnicianDay

    with connection.cursor() as cursor:
        for model in (AppointmentHistory, Appointment, Slot, TechnicianDay):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - table names


# ------------------------------------------------------------------------------ run


def stats(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 0.5), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1) if values else 0.0,
        "mean_ms": round(statistics.fmean(values), 1) if values else 0.0,
    }


def cmd_run(args: argparse.Namespace) -> None:
    django_setup()
    from django.db import connections

    info = json.loads((OUT / f"setup-{engine()}.json").read_text())
    reset()
    load = wait_quiet(True)
    connections.close_all()
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    settings_ = {
        "duration": args.duration,
        "days": args.days,
        "live": args.live,
        "hold_seconds": args.hold_seconds,
    }
    start_at = time.time() + 2.0
    children = [
        ctx.Process(
            target=client,
            args=(
                n,
                info["logins"][n % len(info["logins"])],
                info["ptos"],
                settings_,
                start_at,
                out,
            ),
        )
        for n in range(args.clients)
    ]
    if args.releaser:
        children.append(
            ctx.Process(target=releaser, args=(args.releaser, start_at, args.duration, out))
        )
    cpu0 = os.times()
    for child in children:
        child.start()
    reports = [out.get(timeout=args.duration + 600) for _ in children]
    for child in children:
        child.join()
    wall = time.time() - start_at
    cpu1 = os.times()
    times: dict[str, list[float]] = {}
    codes: dict[str, int] = {}
    granted: dict[str, str] = {}
    released: dict[str, Any] = {}
    for report in reports:
        if report.get("releaser"):
            released = {
                "released": report["released"],
                "runs": report["runs"],
                "run_ms": stats(report["times"]),
            }
            continue
        for key, values in report["times"].items():
            times.setdefault(key, []).extend(values)
        for key, n in report["codes"].items():
            codes[key] = codes.get(key, 0) + n
        granted.update(report["granted"])
    all_ops = [v for values in times.values() for v in values]
    ops = {key: stats(values) for key, values in sorted(times.items())}
    reserved = codes.get("reserve:ok", 0)
    refused = codes.get("reserve:RDV-003", 0)
    attempts = sum(n for key, n in codes.items() if key.startswith("reserve:"))
    result = {
        "label": args.label,
        "db": engine(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "clients": args.clients,
        "duration_s": args.duration,
        "wall_s": round(wall, 1),
        "popular_days": args.days,
        "live_per_client": args.live,
        "hold_seconds": args.hold_seconds or None,
        "planning": {k: v for k, v in info.items() if k not in {"ptos", "logins"}},
        "load": load,
        "load_after": round(os.getloadavg()[0], 2),
        "children_cpu_s": round(
            (cpu1.children_user - cpu0.children_user)
            + (cpu1.children_system - cpu0.children_system),
            1,
        ),
        "operations": len(all_ops),
        "ops_per_s": round(len(all_ops) / args.duration, 1),
        "reservations": reserved,
        "reservations_per_s": round(reserved / args.duration, 1),
        "reserve_attempts": attempts,
        "slot_unavailable_share": round(refused / attempts, 3) if attempts else None,
        "searches_empty": codes.get("search:empty", 0),
        "codes": dict(sorted(codes.items())),
        "latency": ops,
        "all_ops": stats(all_ops),
        "release_expired_holds": released or None,
        "check": check(granted),
    }
    save(args.label, result)
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))


# ------------------------------------------------------------------------------ report


def cmd_report(_: argparse.Namespace) -> None:
    results = json.loads(RESULTS.read_text())
    print(
        "| Run | Clients | Charge | Réservations/s | Opérations/s | RDV-003 | reserve p50/p95/p99 ms "
        "| search p50/p95/p99 ms | confirm p99 | cancel p99 | reschedule p99 | Doubles | Perdues |"
    )
    print("|---|---:|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|")
    for label, r in results.items():
        lat = r["latency"]

        def trio(key: str, lat: dict[str, Any] = lat) -> str:
            s = lat.get(key)
            return f"{s['p50_ms']:.0f} / {s['p95_ms']:.0f} / {s['p99_ms']:.0f}" if s else "—"

        def p99(key: str, lat: dict[str, Any] = lat) -> str:
            s = lat.get(key)
            return f"{s['p99_ms']:.0f}" if s else "—"

        share = r["slot_unavailable_share"]
        print(
            f"| {label} | {r['clients']} | {r['load']}→{r['load_after']} "
            f"| {r['reservations_per_s']} | {r['ops_per_s']} "
            f"| {share * 100:.0f} % | {trio('reserve:ok')} | {trio('search:ok')} "
            f"| {p99('confirm:ok')} | {p99('cancel:ok')} | {p99('reschedule:ok')} "
            f"| {r['check']['double_bookings']} | {r['check']['lost_holds']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup").set_defaults(fn=cmd_setup)
    run = sub.add_parser("run")
    run.add_argument("--label", required=True)
    run.add_argument("--clients", type=int, default=8)
    run.add_argument("--duration", type=float, default=30.0)
    run.add_argument("--days", type=int, default=3, help="popular days: the first bookable ones")
    run.add_argument("--live", type=int, default=3, help="appointments a client keeps at most")
    run.add_argument("--hold-seconds", type=float, default=0.0)
    run.add_argument("--releaser", type=float, default=0.0, help="release_expired_holds every S s")
    run.set_defaults(fn=cmd_run)
    sub.add_parser("report").set_defaults(fn=cmd_report)
    args = parser.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
