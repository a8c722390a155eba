"""Realistic network inventories on the real Deux-Sèvres communes and street names, at any scale.

``generate(actor=…, premises=N, seed=S)`` registers a "generated" import job and runs
:func:`generate_network` through the import framework: journaled, all or nothing.
The same seed (and ``as_of`` day) on the same database state gives the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Max

from guichet.core.context import Principal
from guichet.network.choices import ImportKind, ImportStatus
from guichet.network.generation import places
from guichet.network.generation.builder import Builder
from guichet.network.generation.codes import BASE36, MAX_RUNS, RunCodes
from guichet.network.generation.communes import (
    load_communes,
    load_streets,
    load_synthetic_communes,
)
from guichet.network.generation.reference import load
from guichet.network.generation.syndics import make_syndics
from guichet.network.generation.tables import MODELS
from guichet.network.generation.writer import next_ids, now, reset_sequences
from guichet.network.importing.base import ImportContext, run_import
from guichet.network.models import Address, ImportJob, Nro

if TYPE_CHECKING:  # another domain: only its type is named here
    from guichet.operators.models import Operator

DEFAULT_LINE_SHARE = 0.3

__all__ = ["DEFAULT_LINE_SHARE", "generate", "generate_network", "has_generated"]


def _free_run() -> int:
    """The first run tag no earlier generation used (each run's first NRO code tells)."""
    for run in range(MAX_RUNS):
        if not Nro.objects.filter(code=f"NR{BASE36[run]}{1:09d}").exists():
            return run
    raise OverflowError(f"at most {MAX_RUNS} generations per database")


def _existing_numbers(insee: str) -> dict[str, int]:
    """Highest number per street already in the commune: new addresses continue after it."""
    rows = (
        Address.objects.filter(insee=insee, number__isnull=False)
        .values_list("rivoli")
        .annotate(top=Max("number"))
    )
    return {rivoli: top for rivoli, top in rows}


def generate_network(
    ctx: ImportContext,
    *,
    premises: int,
    seed: int,
    operators: list[Operator] | None = None,
    line_share: float = DEFAULT_LINE_SHARE,
    as_of: date | None = None,
) -> dict[str, int]:
    """Importer body: ``premises`` premises with their addresses, network and lines; returns counts."""
    if premises < 0 or not 0 <= line_share <= 1:
        raise ValueError("premises >= 0 and 0 <= line_share <= 1")
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    as_of = as_of or date.today()
    reference = load()
    communes = load_communes(reference)
    codes = RunCodes.create(_free_run(), rng)
    had_addresses = Address.objects.exists()
    builder = Builder(
        reference=reference,
        codes=codes,
        rng=rng,
        first_ids=next_ids(*MODELS),
        operators=sorted(operators or [], key=lambda operator: operator.arcep_code),
        line_share=line_share,
        as_of=as_of,
        syndics=make_syndics(reference, rng),
        now=now(),
        on_flush=lambda done: ctx.progress(done, premises, force=True),
    )
    ctx.progress(0, premises, force=True)
    copy_plans: list[places.CommunePlan] = []
    for plan in places.plan_communes(reference, premises):
        if copy_plans and plan.copy != copy_plans[-1].copy:
            communes += load_synthetic_communes(copy_plans, reference)
            copy_plans = []
        copy_plans.append(plan)
        sites = places.CommuneSites(
            plan=plan,
            streets=reference.streets[plan.source.insee],
            rng=rng,
            existing_numbers=_existing_numbers(plan.insee) if had_addresses else {},
        )
        builder.start_commune(plan)
        for site in sites.sites():
            builder.add_site(site)
        builder.end_commune()
        load_streets(plan.insee, sites.used_streets())
    communes += load_synthetic_communes(copy_plans, reference)
    counts = builder.finish()
    reset_sequences(*MODELS)
    counts["communes"] = communes
    counts["run"] = codes.run
    return counts


def generate(
    *,
    actor: Principal,
    premises: int,
    seed: int,
    operators: list[Operator] | None = None,
    line_share: float = DEFAULT_LINE_SHARE,
    as_of: date | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportJob:
    """Register a "generated" job and run the generation in it (one transaction, journaled)."""
    codes = ",".join(sorted(operator.arcep_code for operator in operators or []))
    job = ImportJob.objects.create(
        kind=ImportKind.GENERATED,
        source_name=f"réseau généré : {premises} locaux, graine {seed}"
        + (f", lignes {codes}" if codes else ""),
        started_by=actor.login,
    )
    return run_import(
        job,
        lambda ctx: generate_network(
            ctx,
            premises=premises,
            seed=seed,
            operators=operators,
            line_share=line_share,
            as_of=as_of,
        ),
        actor=actor,
        on_progress=on_progress,
    )


def has_generated() -> bool:
    """Whether a generation already succeeded on this database."""
    return ImportJob.objects.filter(
        kind=ImportKind.GENERATED, status=ImportStatus.SUCCEEDED
    ).exists()
