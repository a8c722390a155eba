"""Bulk eligibility throughput (ELI-03): rows per second of the job engine, in-process.

Runs against the database ``DATABASE_URL`` names, loaded beforehand, e.g.::

    export DATABASE_URL=sqlite:////tmp/h6.sqlite3
    .venv/bin/python manage.py migrate
    .venv/bin/python -c "from guichet.portal.demo import load_demo; load_demo(network=False)"
    .venv/bin/python manage.py generate_network --premises 250000 --seed 1 --operators FGTT,MRNM
    .venv/bin/python bench/eligibility_bulk.py --rows 1000000            # structured keys
    .venv/bin/python bench/eligibility_bulk.py --rows 5000 --kind adresse # free text

The file is drawn from the inventory (seeded): PTO references, hexaclés, building ids,
INSEE + RIVOLI + number and the operator's NDs, plus 1 % of bad lines. The job is
submitted and run exactly as the worker runs it (``engine.run``), the result file is
checked line for line against the input, and the figures are printed as JSON. Never run
by the test suite.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def setup_operator(code: str):  # type: ignore[no-untyped-def]
    """The operator subscribed to the e-service, holding both contracts; its principal."""
    from django.utils import timezone

    from guichet.core.context import Channel, Principal
    from guichet.eligibility.choices import ESERVICE, RIGHT
    from guichet.operators.models import EService, Operator, Subscription
    from guichet.operators.selectors.contracts import holds_wholesale
    from guichet.operators.services import wholesale

    operator = Operator.objects.get(arcep_code=code)
    system = Principal.system("bench")
    if not Subscription.objects.filter(operator=operator, service__code=ESERVICE).exists():
        Subscription.objects.create(
            operator=operator,
            service=EService.objects.get(code=ESERVICE),
            activated_on=timezone.localdate() - timedelta(days=30),
        )
    for offer in ("ftth", "ftte"):
        if not holds_wholesale(operator.pk, offer):
            wholesale.register_wholesale_contract(
                actor=system, operator=operator, offer=offer, signed_on=date(2024, 1, 15)
            )
    return Principal(
        person_id=None,
        login="bench.bulk",
        operator_id=operator.pk,
        operator_code=code,
        channel=Channel.REST,
        rights=frozenset({RIGHT}),
    )


def structured_file(rows: int, seed: int, operator_id: int) -> bytes:
    from guichet.network.models import Address, Building, Line, Premises

    rng = random.Random(seed)  # noqa: S311 — a reproducible sample, not a secret
    ptos = list(
        Premises.objects.exclude(pto_reference=None).values_list("pto_reference", flat=True)
    )
    hexacles = list(Address.objects.exclude(hexacle=None).values_list("hexacle", flat=True))
    buildings = list(Building.objects.values_list("ipe_id", flat=True))
    rivolis = list(
        Address.objects.exclude(number=None).values_list("insee", "rivoli", "number", "suffix")[
            :200_000
        ]
    )
    nds = list(
        Line.objects.filter(operator_id=operator_id).exclude(nd=None).values_list("nd", flat=True)
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["reference", "pto", "hexacle", "id_immeuble", "nd", "code_insee",
                     "code_rivoli", "numero", "complement"])  # fmt: skip
    for n in range(rows):
        ref = f"C{n:07d}"
        draw = rng.random()
        if draw < 0.01:
            writer.writerow([ref, "XX-BAD", "", "", "", "", "", "", ""])
        elif draw < 0.45:
            writer.writerow([ref, rng.choice(ptos), "", "", "", "", "", "", ""])
        elif draw < 0.75:
            writer.writerow([ref, "", rng.choice(hexacles), "", "", "", "", "", ""])
        elif draw < 0.85:
            writer.writerow([ref, "", "", rng.choice(buildings), "", "", "", "", ""])
        elif draw < 0.92 and nds:
            writer.writerow([ref, "", "", "", rng.choice(nds), "", "", "", ""])
        else:
            insee, rivoli, number, suffix = rng.choice(rivolis)
            writer.writerow([ref, "", "", "", "", insee, rivoli, number, suffix])
    return out.getvalue().encode()


def text_file(rows: int, seed: int) -> bytes:
    from guichet.network.models import Address

    rng = random.Random(seed)  # noqa: S311 — a reproducible sample, not a secret
    ids = list(Address.objects.values_list("pk", flat=True))
    picked = Address.objects.in_bulk(rng.sample(ids, min(rows, len(ids))))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["reference", "adresse"])
    for n, address in enumerate(picked.values()):
        writer.writerow([f"T{n:07d}", str(address).lower()])
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kind", choices=("structured", "adresse"), default="structured")
    parser.add_argument("--operator", default="FGTT")
    parser.add_argument("--chunk", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import override_settings

    from guichet.eligibility.bulk import engine
    from guichet.eligibility.bulk.services import submit_eligibility_job

    actor = setup_operator(args.operator)
    made = time.perf_counter()
    if args.kind == "adresse":
        content = text_file(args.rows, args.seed)
    else:
        content = structured_file(args.rows, args.seed, actor.operator_id)
    made = time.perf_counter() - made
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        started = time.perf_counter()
        job = submit_eligibility_job(
            actor=actor, upload=io.BytesIO(content), name="bench.csv", chunk_size=args.chunk
        )
        submitted = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        engine.run(job.pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        job.refresh_from_db()
        statuses: dict[str, int] = {}
        expected = 2
        with open(job.result_path, encoding="utf-8") as result:  # streamed: 1M lines
            reader = csv.reader(result, delimiter=";")
            next(reader)
            for line in reader:
                assert int(line[0]) == expected, ("order", line[0], expected)
                statuses[line[4]] = statuses.get(line[4], 0) + 1
                expected += 1
    rows_in = content.count(b"\n") - 1
    assert job.status == "succeeded", (job.status, job.message)
    assert expected - 2 == rows_in, (expected - 2, rows_in)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "kind": args.kind,
                "rows": rows_in,
                "chunk": args.chunk,
                "file_bytes": len(content),
                "generate_file_s": round(made, 1),
                "submit_s": round(submitted, 2),
                "run_s": round(elapsed, 1),
                "rows_per_s": round(rows_in / elapsed),
                "run_cpu_s": round(cpu, 1),
                "rows_per_cpu_s": round(rows_in / cpu) if cpu else None,
                "load_average": os.getloadavg()[0],
                "statuses": statuses,
                "errors": job.error_count,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
