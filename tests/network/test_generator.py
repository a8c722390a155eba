"""NET-01: the generator builds a coherent, realistic, deterministic inventory on the real 79 names."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.network.choices import BuildingState, FibreState, ImportKind, ImportStatus
from guichet.network.generation import places
from guichet.network.generation.reference import load
from guichet.network.generator import generate
from guichet.network.models import (
    Address,
    Building,
    Cable,
    Commune,
    Fibre,
    ImportJob,
    Line,
    Nro,
    OpticalRoute,
    Pbo,
    Pm,
    Premises,
    RouteFibre,
    Street,
)
from guichet.network.services import import_now
from guichet.operators.models import Operator
from guichet.portal.demo import DEMO_NETWORK_PREMISES, load_demo
from tests.factories import make_operator

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")
AS_OF = date(2026, 3, 2)
PTO = re.compile(r"^DS-[A-Z0-9]{4}-[A-Z0-9]{4}$")
INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
DUMPED = (Address, Building, Nro, Pm, Pbo, Premises, Cable, Fibre, OpticalRoute, RouteFibre, Line)


@pytest.fixture
def operators(db: None) -> list[Operator]:
    return [make_operator("FGTT"), make_operator("MRNM")]


def _generate(premises: int, seed: int, operators: list[Operator] | None = None) -> ImportJob:
    job = generate(actor=ACTOR, premises=premises, seed=seed, operators=operators, as_of=AS_OF)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    return job


def _dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every generated row, timestamps aside, in primary-key order."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list(*_columns(model)))
        for model in DUMPED
    }


def _columns(model: type) -> list[str]:
    return [
        f.attname for f in model._meta.concrete_fields if f.name not in ("created_at", "updated_at")
    ]


def _generate_and_dump(seed: int, operators: list[Operator]) -> tuple[dict, bytes | None]:
    """Generate into a state that is rolled back afterwards: a fresh database each time."""
    try:
        from guichet.network.exporting.ipe import write_ipe
    except ImportError:  # the IPE export lives in its own module; the dump suffices without it
        write_ipe = None
    with transaction.atomic():
        _generate(300, seed, operators)
        dump = _dump()
        exported = None
        if write_ipe is not None:
            stream = io.BytesIO()
            write_ipe(stream, as_of=AS_OF)
            exported = stream.getvalue()
        transaction.set_rollback(True)
    return dump, exported


def test_net_01_generated_inventory_is_complete_and_coherent(operators: list[Operator]) -> None:
    job = _generate(300, 1, operators)
    assert job.kind == ImportKind.GENERATED and job.counts["premises"] == 300
    assert AuditRecord.objects.filter(action="network.import.apply", object_id=str(job.pk)).exists()
    assert Premises.objects.count() == 300
    assert OpticalRoute.objects.count() == RouteFibre.objects.count() == 300
    premises = Premises.objects.select_related(
        "building__pm__nro", "pbo__pm", "route__pbo_fibre"
    ).all()
    references = [p.pto_reference for p in premises]
    assert all(PTO.match(reference) for reference in references)
    assert len(set(references)) == 300
    hops = dict(RouteFibre.objects.values_list("route_id", "fibre_id"))
    for p in premises:
        assert p.building.pm is not None and p.building.pm.nro is not None
        assert p.pbo is not None and p.pbo.pm_id == p.building.pm_id
        route = p.route
        assert route.pm_id == p.building.pm_id and route.pbo_id == p.pbo_id
        assert route.pbo_fibre.pbo_id == p.pbo_id and hops[route.pk] == route.pbo_fibre_id
        assert route.pm_module and route.pm_position and route.connector_number == 1
    assert sum(Building.objects.values_list("premises_count", flat=True)) == 300
    for building in Building.objects.all():
        assert building.premises.count() == building.premises_count
    for cable in Cable.objects.all():
        assert cable.fibres.count() == cable.capacity and cable.fibres_per_tube == 12
    hexacles = list(Address.objects.values_list("hexacle", flat=True))
    assert all(len(h) == 10 for h in hexacles) and len(set(hexacles)) == len(hexacles)
    for address in Address.objects.all():
        assert address.ban_id.startswith(f"{address.insee}_{address.rivoli.lower()}_")
        assert -0.90 <= address.longitude <= 0.22 and 45.97 <= address.latitude <= 47.11
        assert 300_000 < address.x_l93 < 600_000 and 6_500_000 < address.y_l93 < 6_700_000


def test_net_01_real_communes_postcodes_and_street_names(operators: list[Operator]) -> None:
    _generate(300, 2, operators)
    reference = load()
    names = {c.insee: c.name for c in reference.current}
    streets = {(insee, s.rivoli): s.name for insee, rows in reference.streets.items() for s in rows}
    for address in Address.objects.all():
        assert address.commune_name == names[address.insee]
        assert address.postcode in reference.postcodes[address.insee]
        assert address.street_name.endswith(streets[(address.insee, address.rivoli)])
    # The communes are loaded with their former communes attached to the current one.
    niort = Commune.objects.get(insee="79191")
    assert niort.name == "Niort" and niort.kind == "commune-actuelle" and "79000" in niort.postcodes
    assert Commune.objects.get(insee="79028").parent_id == "79049"  # Beaulieu → Bressuire
    assert Street.objects.filter(insee__in=names).exists()
    # Niort, by far the biggest commune, gets the most addresses.
    top = Address.objects.values_list("insee", flat=True)
    assert max(set(top), key=list(top).count) == "79191"


def test_net_01_lines_only_for_given_operators_on_open_deployed_premises(
    operators: list[Operator],
) -> None:
    make_operator("OTHR")
    _generate(300, 3, operators)
    lines = Line.objects.select_related("route__pbo_fibre", "premises__building__pm")
    assert lines.count() > 30
    assert {line.operator.arcep_code for line in lines} == {"FGTT", "MRNM"}
    for line in lines:
        assert re.match(r"^DSNU-\d{8}$", line.reference)
        assert line.route.premises_id == line.premises_id
        assert line.route.pbo_fibre.state == FibreState.IN_USE
        assert line.premises.building.state == BuildingState.DEPLOYED
        assert line.ordered_on >= line.premises.building.pm.commercial_opening_on
        assert line.nd is None or re.match(r"^05\d{8}$", line.nd)
    in_use = Fibre.objects.filter(state=FibreState.IN_USE).count()
    assert in_use == lines.count()


def test_net_01_same_seed_same_data_other_seed_other_data(operators: list[Operator]) -> None:
    first, first_ipe = _generate_and_dump(7, operators)
    again, again_ipe = _generate_and_dump(7, operators)
    other, other_ipe = _generate_and_dump(8, operators)
    assert first == again
    assert first_ipe == again_ipe
    assert first["Premises"] != other["Premises"]
    if first_ipe is not None:
        assert first_ipe != other_ipe and first_ipe.count(b"\r\n") > 250


def test_net_01_generated_ipe_imports_cleanly_into_an_empty_inventory(
    operators: list[Operator], tmp_path: Path
) -> None:
    dump, exported = _generate_and_dump(9, operators)  # rolled back: the inventory is empty
    if exported is None:
        pytest.skip("IPE export not available")
    path = tmp_path / "generated.csv"
    path.write_bytes(exported)
    job = import_now(actor=ACTOR, kind=ImportKind.IPE, source=path)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.error_count == 0 and job.warning_count == 0
    assert Building.objects.count() == exported.count(b"\r\n") - 1
    columns = _columns(Building)
    generated = {
        row["ipe_id"]: row for row in (dict(zip(columns, r, strict=True)) for r in dump["Building"])
    }
    for ipe_id, state, count in Building.objects.values_list("ipe_id", "state", "premises_count"):
        assert generated[ipe_id]["state"] == state
        assert generated[ipe_id]["premises_count"] == count


def test_net_01_incremental_generation_does_not_collide(operators: list[Operator]) -> None:
    _generate(300, 4, operators)
    job = _generate(300, 4, operators)  # same seed again: another run, other codes
    assert job.counts["run"] == 1
    assert Premises.objects.count() == 600
    assert Premises.objects.values("pto_reference").distinct().count() == 600
    assert Pm.objects.filter(reference__regex=r"-AA\d+$").exists()


def test_net_01_synthetic_communes_beyond_one_departement() -> None:
    reference = load()
    plans = list(places.plan_communes(reference, 700_000))
    assert sum(plan.premises for plan in plans) == 700_000
    assert {plan.copy for plan in plans} == {0, 1, 2}
    codes = [plan.insee for plan in plans]
    assert len(set(codes)) == len(codes) and all(INSEE.match(code) for code in codes)
    copy = next(plan for plan in plans if plan.copy == 2 and plan.source.insee == "79191")
    assert copy.name == "Niort-3" and copy.insee.startswith("99")
    # Far beyond: codes stay unique (tens of millions of premises).
    many = {places.synthetic_insee(c, i, 252) for c in range(1, 80) for i in range(252)}
    assert len(many) == 79 * 252


def test_net_01_command_prints_counts(operators: list[Operator]) -> None:
    out = io.StringIO()
    call_command(
        "generate_network", "--premises", "120", "--seed", "5", "--operators", "FGTT",
        "--as-of", "2026-03-02", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert "Génération n°" in out.getvalue() and "120 locaux" in out.getvalue()
    assert set(Line.objects.values_list("operator__arcep_code", flat=True)) <= {"FGTT"}


def test_net_01_demo_network_is_loaded_once() -> None:
    load_demo()
    counts = (Premises.objects.count(), Line.objects.count(), ImportJob.objects.count())
    assert counts[0] == DEMO_NETWORK_PREMISES and counts[1] > 0
    assert set(Line.objects.values_list("operator__arcep_code", flat=True)) == {"FGTT", "MRNM"}
    load_demo()
    assert (Premises.objects.count(), Line.objects.count(), ImportJob.objects.count()) == counts
