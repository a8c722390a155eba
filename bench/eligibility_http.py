"""Structured-key lookups (issue 6): eligibility by hexaclé and TAO by PTO, in-process and over HTTP.

    export DATABASE_URL=sqlite:////tmp/bench6/bench-250k.sqlite3   # a generated network
    .venv/bin/python bench/eligibility_http.py setup --label sqlite-250k   # operator, person, API key, keys
    BENCH_QUIET_LOAD=2.5 .venv/bin/python bench/eligibility_http.py inproc --label sqlite-250k
    BENCH_QUIET_LOAD=2.5 .venv/bin/python bench/eligibility_http.py http --label sqlite-250k
    .venv/bin/python bench/eligibility_http.py report

``setup`` gives the demo operator FGTT what the services check (subscriptions to
Éligibilité FTTE and TAO, the FTTE and FTTH wholesale contracts), a person with the
rights, and an API key for 127.0.0.1 (the token is kept in ``var/bench/eligibility/``); it
draws a deterministic sample of hexaclés and PTO references.

``inproc`` times the service calls one at a time: ``resolve`` by hexaclé, ``qualify``
(every offer, journaled and stored, as the doors do) by hexaclé, ``translate`` (TAO) by
PTO reference.

``http`` starts gunicorn (2 sync workers, ``config.wsgi``) on 127.0.0.1 and drives it with
``wrk`` (Debian package) and a Lua script cycling through the sample: TMF679 ``POST
…/productOfferingQualification`` by hexaclé, TMF673 ``GET
…/geographicAddress/{hexaclé}/geographicSubAddress`` (TAO; the PTO's address, as the
TMF673 door names an address by its id) and ``GET …/geographicAddress?ptoReference=`` (the
address of a PTO). Each scenario runs at 2 connections (one per worker: the latency
of a request) and 8 connections (saturation: the throughput).
Never run by the test suite.
"""

# ruff: noqa: S106, S310, S603, S607, S311 - benchmark: local commands, deterministic sampling

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from network import machine, wait_quiet  # noqa: E402 - bench/network.py

OUT = ROOT / "var" / "bench" / "eligibility"
RESULTS = OUT / "results.json"
SEED = 79
SAMPLE = 2_000
OPERATOR = "FGTT"
LOGIN = "bench.si"
POQ = "/tmf-api/productOfferingQualification/v4/productOfferingQualification"
TMF673 = "/tmf-api/geographicAddressManagement/v4/geographicAddress"
PORT = int(os.environ.get("BENCH_HTTP_PORT", "8796"))
DURATION = os.environ.get("BENCH_WRK_DURATION", "30s")
GUNICORN = [
    str(ROOT / ".venv" / "bin" / "python"),
    "-m",
    "gunicorn",
]  # this venv, whatever the shebang


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("DATABASE_URL: la base de banc (sqlite:///… ou postgres://…)")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def save(key: str, value: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[key] = value
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))


# ------------------------------------------------------------------------------ setup


def cmd_setup(args: argparse.Namespace) -> None:
    django_setup()
    from datetime import date, timedelta

    from django.utils import timezone

    from guichet.accounts import services as people
    from guichet.accounts.models import Role, User
    from guichet.accounts.services import credentials, profiles
    from guichet.core.context import Principal
    from guichet.network.models import Address, Premises
    from guichet.operators.models import EService, Operator, Subscription, WholesaleOffer
    from guichet.operators.selectors.contracts import holds_wholesale
    from guichet.operators.services import wholesale

    system = Principal.system("bench")
    operator = Operator.objects.get(arcep_code=OPERATOR)
    for code in ("eligibilite-ftte", "tao"):
        service = EService.objects.get(code=code)
        if not Subscription.objects.filter(operator=operator, service=service).exists():
            Subscription.objects.create(
                operator=operator,
                service=service,
                activated_on=timezone.localdate() - timedelta(days=30),
            )
    for offer in (WholesaleOffer.FTTE, WholesaleOffer.FTTH_ACCESS):
        if not holds_wholesale(operator.pk, offer):
            wholesale.register_wholesale_contract(
                actor=system, operator=operator, offer=offer, signed_on=date(2025, 1, 2)
            )
    person = User.objects.filter(username=LOGIN).first()
    if person is None:
        person = people.create_person(
            actor=system, username=LOGIN, email=f"{LOGIN}@example.test", operator=operator,
            role=Role.MEMBER, password="Banc-d-essai-2026!",
        )  # fmt: skip
        profile = profiles.create_profile(
            actor=system, name="SI banc", operator=operator,
            rights=["eligibilite-ftte:read", "tao:read"],
        )  # fmt: skip
        profiles.assign_profiles(actor=system, person=person, profiles=[profile])
    admin = User.objects.filter(operator=operator, role=Role.ADMIN).order_by("pk").first()
    from guichet.core.context import principal_for_user

    key = credentials.create_api_key(
        actor=principal_for_user(admin, channel="system", ip="127.0.0.1", request_id="bench"),
        operator=operator, label="Banc d'essai", scopes=["eligibilite-ftte", "tao"],
        allowed_networks=["127.0.0.1/32"],
    )  # fmt: skip
    rng = random.Random(SEED)
    # Hexaclés of addresses that have premises (those an operator asks about), and PTO refs.
    with_premises = list(
        Address.objects.filter(buildings__premises__isnull=False)
        .order_by("pk")
        .values_list("hexacle", flat=True)
        .distinct()
    )
    hexacles = rng.sample([h for h in with_premises if h], SAMPLE)
    ptos = list(
        Premises.objects.order_by("pk").values_list("pto_reference", "building__address__hexacle")
    )
    ptos = rng.sample([p for p in ptos if p[0] and p[1]], SAMPLE)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"setup-{args.label}.json").write_text(
        json.dumps(
            {
                "token": key.token,
                "login": LOGIN,
                "person_id": person.pk,
                "hexacles": hexacles,
                "ptos": [p for p, _ in ptos],
                "pto_hexacles": [h for _, h in ptos],
            }
        )
    )
    print(f"{args.label}: clé {key.token[:11]}…, {len(hexacles)} hexaclés, {len(ptos)} PTO")


def load_setup(label: str) -> dict[str, Any]:
    return json.loads((OUT / f"setup-{label}.json").read_text())


# ------------------------------------------------------------------------------ in-process


def timed(calls: list[Any], fn: Any) -> dict[str, Any]:
    for c in calls[:50]:
        fn(c)  # warm-up
    load = wait_quiet(True)
    times = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for c in calls:
        t = time.perf_counter()
        fn(c)
        times.append((time.perf_counter() - t) * 1000)
    wall = time.perf_counter() - wall0
    return {
        "n": len(calls),
        "p50_ms": round(percentile(times, 0.5), 2),
        "p90_ms": round(percentile(times, 0.9), 2),
        "p99_ms": round(percentile(times, 0.99), 2),
        "max_ms": round(max(times), 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "per_s": round(len(calls) / wall, 1),
        "cpu_s": round(time.process_time() - cpu0, 2),
        "load": load,
        "load_after": round(os.getloadavg()[0], 2),
    }


def cmd_inproc(args: argparse.Namespace) -> None:
    django_setup()
    from django.db import connection

    from guichet.accounts.models import User
    from guichet.addresses.selectors import resolve
    from guichet.addresses.translation import translate
    from guichet.addresses.types import FOUND, PlaceQuery
    from guichet.core.context import principal_for_user
    from guichet.eligibility.services import qualify

    setup = load_setup(args.label)
    person = User.objects.get(pk=setup["person_id"])
    actor = principal_for_user(person, channel="rest", ip="127.0.0.1", request_id="bench")
    n = args.count
    hexacles, ptos = setup["hexacles"][:n], setup["ptos"][:n]
    # Sanity: every key of the sample resolves.
    assert resolve(actor, PlaceQuery(hexacle=hexacles[0])).status == FOUND
    assert translate(actor=actor, query=PlaceQuery(pto=ptos[0])).status == FOUND
    result = {
        "db": connection.vendor,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": machine(),
        "resolve_hexacle": timed(hexacles, lambda h: resolve(actor, PlaceQuery(hexacle=h))),
        "resolve_pto": timed(ptos, lambda p: resolve(actor, PlaceQuery(pto=p))),
        "qualify_hexacle": timed(hexacles, lambda h: qualify(actor=actor, query=PlaceQuery(hexacle=h))),
        "translate_pto": timed(ptos, lambda p: translate(actor=actor, query=PlaceQuery(pto=p))),
    }  # fmt: skip
    save(f"inproc-{args.label}", result)
    for name, figures in result.items():
        if isinstance(figures, dict) and "p50_ms" in figures:
            print(f"  {name:16} {figures}")


# ------------------------------------------------------------------------------ HTTP


LUA = r"""
-- Generated by bench/eligibility_http.py: cycles through the sampled keys.
local keys = {}
for line in io.lines("%(keys)s") do keys[#keys + 1] = line end
local i = 0
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.headers["X-On-Behalf-Of"] = "%(login)s"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

function setup(thread)
  thread:set("offset", math.random(1, #keys))
end

function init(args)
  i = tonumber(offset) or 0
end

request = function()
  i = i + 1
  local key = keys[(i %% #keys) + 1]
  %(request)s
end

done = function(summary, latency, requests)
  local out = string.format(
    '{"requests": %%d, "duration_us": %%d, "errors_status": %%d, "errors_connect": %%d, ' ..
    '"errors_read": %%d, "errors_timeout": %%d, "p50_ms": %%.2f, "p90_ms": %%.2f, ' ..
    '"p99_ms": %%.2f, "p999_ms": %%.2f, "max_ms": %%.2f, "mean_ms": %%.2f}',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, latency.mean / 1000)
  io.stderr:write("WRKJSON " .. out .. "\n")
end
"""

SCENARIOS = {
    "poq_hexacle": (
        "hexacles",
        'local body = \'{"instantSyncQualification": true, "place": [{"role": '
        '"installationAddress", "@type": "GeographicAddress", "hexacle": "\' .. key .. \'"}]}\'\n'
        f'  return wrk.format("POST", "{POQ}", nil, body)',
    ),
    "tao_subaddress": (
        "pto_hexacles",
        f'return wrk.format("GET", "{TMF673}/" .. key .. "/geographicSubAddress")',
    ),
    "address_by_pto": (
        "ptos",
        f'return wrk.format("GET", "{TMF673}?ptoReference=" .. key)',
    ),
}


def wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn ne répond pas sur {port}")


def check(setup: dict[str, Any]) -> None:
    """One request of each scenario answers 200 (else the figures would time refusals)."""
    import urllib.request

    headers = {"Authorization": f"Bearer {setup['token']}", "X-On-Behalf-Of": setup["login"],
               "Content-Type": "application/json"}  # fmt: skip
    body = json.dumps({"instantSyncQualification": True, "place": [
        {"role": "installationAddress", "@type": "GeographicAddress", "hexacle": setup["hexacles"][0]}]})  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    for url, data in (
        (base + POQ, body.encode()),
        (f"{base}{TMF673}/{setup['pto_hexacles'][0]}/geographicSubAddress", None),
        (f"{base}{TMF673}?ptoReference={setup['ptos'][0]}", None),
    ):
        request = urllib.request.Request(url, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
            assert response.status in (200, 201), (url, response.status, payload[:300])
        print(f"    ok {response.status} {url[len(base) :][:90]} ({len(payload)} octets)")


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn workers of ``master``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def cmd_http(args: argparse.Namespace) -> None:
    setup = load_setup(args.label)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    log = OUT / f"gunicorn-{args.label}.log"
    server = subprocess.Popen(
        [*GUNICORN, "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}",
         "--access-logfile", "-", "--error-logfile", str(log), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "db": "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
        "duration": DURATION,
        "machine": machine(),
    }
    try:
        wait_port(PORT)
        check(setup)
        for name, (sample, request) in SCENARIOS.items():
            if args.only and name not in args.only:
                continue
            keys = OUT / f"keys-{args.label}-{sample}.txt"
            keys.write_text("\n".join(setup[sample]) + "\n")
            script = OUT / f"wrk-{args.label}-{name}.lua"
            script.write_text(LUA % {"keys": keys, "token": setup["token"],
                                     "login": setup["login"], "request": request})  # fmt: skip
            # Warm both workers (imports, vocabulary, connections) before timing.
            subprocess.run(["wrk", "-t1", "-c2", "-d5s", "-s", str(script),
                            f"http://127.0.0.1:{PORT}"], capture_output=True, check=True)  # fmt: skip
            for connections in args.connections:
                load = wait_quiet(True)
                cpu_before = workers_cpu(server.pid)
                done = subprocess.run(
                    ["wrk", "-t1", f"-c{connections}", f"-d{DURATION}", "-s", str(script),
                     f"http://127.0.0.1:{PORT}"],
                    capture_output=True, text=True, check=True,
                )  # fmt: skip
                line = next(
                    row
                    for row in (done.stderr + done.stdout).splitlines()
                    if row.startswith("WRKJSON")
                )
                figures = json.loads(line.split(" ", 1)[1])
                figures["per_s"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
                # The workers' own CPU per request: what the load of other work cannot inflate much.
                worker_cpu = workers_cpu(server.pid) - cpu_before
                figures["worker_cpu_ms"] = round(1000 * worker_cpu / max(1, figures["requests"]), 1)
                figures["load"] = load
                figures["load_after"] = round(os.getloadavg()[0], 2)
                results[f"{name}-c{connections}"] = figures
                print(f"  {name} c={connections}: {figures['per_s']} req/s, p50 "
                      f"{figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, CPU worker "
                      f"{figures['worker_cpu_ms']} ms/req, erreurs "
                      f"{figures['errors_status']}, charge {load} → {figures['load_after']}")  # fmt: skip
                save(f"http-{args.label}", results)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def cmd_report(args: argparse.Namespace) -> None:
    results = json.loads(RESULTS.read_text())
    print("| Appel (en processus) | Base | n | p50 | p90 | p99 | appels/s (1 cœur) | Charge |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for key, r in results.items():
        if not key.startswith("inproc-"):
            continue
        for name in ("resolve_hexacle", "resolve_pto", "qualify_hexacle", "translate_pto"):
            f = r[name]
            print(f"| `{name}` | {key[7:]} | {f['n']} | {f['p50_ms']} ms | {f['p90_ms']} ms | "
                  f"{f['p99_ms']} ms | {f['per_s']} | {f['load']} → {f['load_after']} |")  # fmt: skip
    print()
    print("| HTTP (gunicorn 2 workers, wrk) | Base | Connexions | req/s | p50 | p90 | p99 | p99,9 | CPU worker/req | non-2xx | Charge |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for key, r in results.items():
        if not key.startswith("http-"):
            continue
        for name, f in r.items():
            if not isinstance(f, dict) or "per_s" not in f:
                continue
            scenario, connections = name.rsplit("-c", 1)
            print(f"| {scenario} | {key[5:]} | {connections} | {f['per_s']} | {f['p50_ms']} ms | "
                  f"{f['p90_ms']} ms | {f['p99_ms']} ms | {f['p999_ms']} ms | "
                  f"{f.get('worker_cpu_ms', '–')} ms | {f['errors_status']} | "
                  f"{f['load']} → {f['load_after']} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--label", required=True)
    p.set_defaults(func=cmd_setup)
    p = sub.add_parser("inproc")
    p.add_argument("--label", required=True)
    p.add_argument("--count", type=int, default=1000)
    p.set_defaults(func=cmd_inproc)
    p = sub.add_parser("http")
    p.add_argument("--label", required=True)
    p.add_argument("--connections", type=int, nargs="+", default=[2, 8])
    p.add_argument("--only", nargs="*")
    p.set_defaults(func=cmd_http)
    p = sub.add_parser("report")
    p.set_defaults(func=cmd_report)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
