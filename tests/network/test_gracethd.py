"""NET-01..03 through the GraceTHD importer: the real demo package imports completely, resolved
premises → PBO → PM → NRO; re-imports change nothing; broken packages are reported row by row
and change nothing."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.network.choices import (
    BuildingState,
    FibreState,
    ImportStatus,
    IssueSeverity,
    LineState,
    PmState,
    PremisesKind,
    PtoState,
)
from guichet.network.importing.gracethd_addresses import rivoli_of
from guichet.network.importing.gracethd_geo import ZoneIndex, point_in_rings
from guichet.network.importing.gracethd_premises import derived_reference
from guichet.network.importing.gracethd_routes import walk_back
from guichet.network.importing.gracethd_tables import codec_of_cpg
from guichet.network.importing.gracethd_topology import Feed, Topology
from guichet.network.importing.values import is_pto_reference
from guichet.network.models import (
    Address,
    Building,
    Cable,
    Fibre,
    ImportJob,
    Line,
    Nro,
    OpticalRoute,
    Pbo,
    Pm,
    Position,
    Premises,
    RouteFibre,
)
from guichet.network.services import import_now
from guichet.operators.models import Operator
from tests.network.gracethd_fixtures import (
    copy_demo,
    demo,
    drop_column,
    edit_csv,
    reencode_dbf,
    write_v3_package,
    zip_folder,
)

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")
MODELS = (
    Address,
    Building,
    Premises,
    Pbo,
    Pm,
    Nro,
    Cable,
    Fibre,
    Position,
    OpticalRoute,
    RouteFibre,
)
DEMO_COUNTS = {
    "addresses": 16,
    "buildings": 16,
    "premises": 21,
    "ptos": 21,
    "pbos": 3,
    "pms": 1,
    "nros": 1,
    "cables": 49,
    "fibres": 1051,
    "positions": 43,
    "routes": 4,
    "gracethd_version": 2,
}


def _import(source: Path, *, partial: bool = False) -> ImportJob:
    return import_now(actor=ACTOR, kind="gracethd", source=source, partial=partial)


def _issues(job: ImportJob, severity: str = IssueSeverity.ERROR) -> list[tuple[str, str, Any, str]]:
    return [
        (issue.code, issue.table, issue.row, issue.column)
        for issue in job.issues.filter(severity=severity)
    ]


def _snapshot() -> dict[str, Any]:
    """Every row id and the values a broken import could have touched."""
    return {
        **{model.__name__: sorted(model.objects.values_list("id", flat=True)) for model in MODELS},
        "premises": sorted(Premises.objects.values_list("code", "floor", "pto_reference")),
        "streets": sorted(Address.objects.values_list("source_code", "street_name")),
    }


# -- the demo imports completely (NET-02) --------------------------------------------------------


def test_net_02_demo_package_imports_completely() -> None:
    progress: list[tuple[int, int | None]] = []
    job = import_now(
        actor=ACTOR,
        kind="gracethd",
        source=demo(),
        on_progress=lambda done, total: progress.append((done, total)),
    )

    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.counts == DEMO_COUNTS
    assert job.error_count == 0
    assert {model.__name__: model.objects.count() for model in MODELS} == {
        "Address": 16,
        "Building": 16,
        "Premises": 21,
        "Pbo": 3,
        "Pm": 1,
        "Nro": 1,
        "Cable": 49,
        "Fibre": 1051,
        "Position": 43,
        "OpticalRoute": 4,
        "RouteFibre": 15,
    }
    assert Premises.objects.filter(pto_state=PtoState.EXISTING).count() == 21
    done, total = progress[-1]
    assert done == total == job.rows_total > 1000
    apply = AuditRecord.objects.get(action="network.import.apply", object_id=str(job.pk))
    assert apply.after["counts"]["premises"] == 21
    # The demo's own quirks are reported, not fatal: the address without ad_ietat…
    warnings = _issues(job, IssueSeverity.WARNING)
    assert ("NET-003", "t_adresse", 17, "ad_ietat") in warnings
    assert Building.objects.get(ipe_id="AD001180031414").state == BuildingState.TARGETED
    # …and its "CODE1"… line codes, replaced by references of our own (one warning per PTO).
    assert sum(1 for code, table, *_ in warnings if code == "NET-005" and table == "t_ebp") == 21


def test_net_01_every_premises_resolves_to_pbo_pm_and_nro() -> None:
    _import(demo())

    # sf_zp_code is empty in the demo: the PBO comes from the PBO area containing the node.
    chains = {
        p.code: (p.pbo.code, p.pbo.pm.reference, p.pbo.pm.nro.code, p.building.pm.reference)
        for p in Premises.objects.select_related("pbo__pm__nro", "building__pm")
    }
    assert len(chains) == 21
    assert {pm for _, pm, _, _ in chains.values()} == {"PM7"}
    assert {nro for *_, nro, _ in chains.values()} == {"ZN000180030001"}
    assert chains["SF000180031330"][0] == "BP000180030675"
    assert chains["SF000180031092"][0] == "BP000180030676"
    assert chains["SF000180031284"][0] == "BP000180030705"
    # Addresses without premises are placed in their PM area by their point.
    assert not Building.objects.filter(pm=None).exists()
    building = Building.objects.get(ipe_id="AD000180031330")
    assert building.premises_count == 4
    assert building.building_type == "IMMEUBLE"
    pm = Pm.objects.get()
    assert (pm.code, pm.state, pm.engineering, pm.location_type, pm.premises_count) == (
        "ZS000000000007",
        PmState.DEPLOYING,
        "MONO",
        "ADR",
        462,
    )
    assert Nro.objects.get().reference == "1"
    pbo = Pbo.objects.get(code="BP000180030676")
    assert pbo.location == "Chambre PT000180030064 (K1C)"
    # Fibres of the cable entering each PBO belong to it (e-Mutation looks fibres up by PBO).
    assert pbo.fibres.count() == 36
    assert set(pbo.fibres.values_list("cable__code", flat=True)) == {"CB000180030739"}


def test_net_01_every_premises_has_a_stable_conforming_pto_reference(settings: Any) -> None:
    _import(demo())

    premises = Premises.objects.get(code="SF000180031091")
    assert premises.pto_code == "BP000180031091"
    references = list(Premises.objects.values_list("pto_reference", flat=True))
    assert all(is_pto_reference(reference) for reference in references)
    assert len(set(references)) == 21
    # Derived from the PTO code with the platform's prefix: the same on any machine.
    assert premises.pto_reference == derived_reference("BP000180031091", "DS")
    assert premises.pto_reference.startswith("DS-")


def test_net_01_routes_run_from_the_pm_to_the_pto_through_the_pbo_fibre() -> None:
    _import(demo())

    route = OpticalRoute.objects.select_related("premises", "pbo", "pm", "pbo_fibre").get(
        code="RT000000000001"
    )
    fibres = [hop.fibre.code for hop in route.hops.select_related("fibre")]
    # t_ropt lists the PTO side first with rt_fo_ordr empty; the splices give the order.
    assert fibres == ["FO180030916001", "FO180030975001", "FO180030329001", "FO180034417001"]
    assert route.premises.code == "SF000180031330"
    assert (route.pbo.code, route.pm.reference) == ("BP000180030675", "PM7")
    assert (route.pm_module, route.pm_position) == ("TI000180030519", "1")
    for route in OpticalRoute.objects.all():
        hops = list(route.hops.select_related("fibre"))
        # Each fibre is spliced to the next one, NRO side in, PTO side out.
        for before, after in pairwise(hops):
            assert Position.objects.filter(fibre_in=before.fibre, fibre_out=after.fibre).exists()
        # The first fibre leaves the PM's drawer; the PBO fibre enters the PBO and only the
        # branch to the premises follows it.
        assert Position.objects.filter(
            fibre_out=hops[0].fibre, container__startswith="TI", box_code=""
        ).exists()
        assert hops[-2].fibre == route.pbo_fibre
        assert route.pbo_fibre.pbo == route.pbo == route.premises.pbo
        assert Position.objects.filter(
            fibre_in=route.pbo_fibre, fibre_out=hops[-1].fibre, box_code=route.pbo.code
        ).exists()


def test_net_01_addresses_keep_every_key_and_wgs84_coordinates() -> None:
    _import(demo())

    address = Address.objects.get(source_code="AD000180031330")
    assert (address.number, address.street_name, address.postcode, address.insee) == (
        12,
        "RUE DU MAIL",
        "18220",
        "18003",
    )
    assert (address.hexacle, address.ban_id, address.rivoli, address.zone_type) == (
        "18003222UI",
        "ADRNIVX_0000000279340506",
        "0155",
        "3",
    )
    assert address.x_l93 == pytest.approx(667530, abs=1)
    assert address.y_l93 == pytest.approx(6677727, abs=1)
    # Les Aix-d'Angillon (Cher).
    assert address.latitude == pytest.approx(47.19, abs=0.02)
    assert address.longitude == pytest.approx(2.56, abs=0.02)
    assert Address.objects.get(source_code="AD000180031414").suffix == "B"
    # Two demo addresses share a BAN id: the second one loses it, with a warning.
    assert Address.objects.get(source_code="AD000180031414").ban_id is None


# -- repeatable imports (NET-03) -----------------------------------------------------------------


def test_net_03_reimport_creates_nothing_and_keeps_pto_references(tmp_path: Path) -> None:
    first = _import(demo())
    before = _snapshot()

    second = _import(demo())

    assert second.status == ImportStatus.SUCCEEDED
    assert second.counts == first.counts == DEMO_COUNTS
    assert _snapshot() == before


def test_net_03_a_changed_value_updates_its_row(tmp_path: Path) -> None:
    _import(demo())
    premises_id = Premises.objects.get(code="SF000180031093").pk
    reference = Premises.objects.get(pk=premises_id).pto_reference
    package = copy_demo(tmp_path)

    def move(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if row["sf_code"] == "SF000180031093":
                row["sf_etage"] = "4"

    edit_csv(package / "t_suf.csv", move)
    job = _import(package)

    assert job.status == ImportStatus.SUCCEEDED
    premises = Premises.objects.get(code="SF000180031093")
    assert (premises.pk, premises.floor, premises.pto_reference) == (premises_id, "4", reference)
    assert Premises.objects.count() == 21


def test_net_01_fibres_are_in_use_only_under_a_live_line(operator_a: Operator) -> None:
    _import(demo())
    route = OpticalRoute.objects.get(code="RT000000000003")
    assert set(Fibre.objects.values_list("state", flat=True)) == {FibreState.AVAILABLE}
    Line.objects.create(
        reference="LIGNE-1",
        operator=operator_a,
        premises=route.premises,
        route=route,
        state=LineState.ACTIVE,
    )
    reserved = Fibre.objects.get(code="FO180030739002")
    reserved.state = FibreState.RESERVED
    reserved.save()

    _import(demo())

    in_use = set(Fibre.objects.filter(state=FibreState.IN_USE).values_list("code", flat=True))
    assert in_use == set(route.hops.values_list("fibre__code", flat=True))
    # A state the platform gave a fibre is not undone by the inventory file.
    assert Fibre.objects.get(code="FO180030739002").state == FibreState.RESERVED


# -- other shapes of the same package (NET-02) ---------------------------------------------------


def test_net_02_zipped_package_imports_the_same(tmp_path: Path) -> None:
    archive = zip_folder(demo(), tmp_path / "AVP-DLG-R2DSPEA001-01-V1.zip")

    job = _import(archive)

    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.counts == DEMO_COUNTS


def test_net_02_windows_1252_files_keep_their_accents(tmp_path: Path) -> None:
    package = copy_demo(tmp_path)
    reencode_dbf(package, "t_adresse")

    def name(rows: list[dict[str, str]]) -> None:
        rows[0]["sf_escal"] = "Hélène"

    edit_csv(package / "t_suf.csv", name, encoding="cp1252")

    job = _import(package)

    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.counts == DEMO_COUNTS
    assert not (package / "t_adresse.cpg").exists()
    street = Address.objects.get(source_code="AD001180031414").street_name
    assert street == "R DU CHEM VERT D46 CHÂTEAU D'EAU"
    assert Premises.objects.get(code="SF000180031091").staircase == "Hélène"


def test_net_02_routes_are_walked_from_the_splices_without_t_ropt(tmp_path: Path) -> None:
    _import(demo())
    expected = {
        route.premises.code: list(route.hops.values_list("fibre__code", flat=True))
        for route in OpticalRoute.objects.select_related("premises")
    }
    package = copy_demo(tmp_path)
    (package / "t_ropt.csv").unlink()

    job = _import(package)

    assert job.status == ImportStatus.SUCCEEDED
    walked = {
        route.premises.code: list(route.hops.values_list("fibre__code", flat=True))
        for route in OpticalRoute.objects.filter(code__startswith="RT-").select_related("premises")
    }
    assert walked == expected


def test_net_02_v3_package_imports_with_its_building_structure(
    tmp_path: Path, settings: Any
) -> None:
    settings.GUICHET_PTO_PREFIX = "XY"
    package = write_v3_package(tmp_path / "v3")

    job = _import(package)

    assert job.status == ImportStatus.SUCCEEDED, (job.message, _issues(job))
    assert job.counts | {"cables": 0, "fibres": 0, "positions": 0} == {
        "addresses": 2,
        "buildings": 2,
        "premises": 3,
        "ptos": 3,
        "pbos": 1,
        "pms": 1,
        "nros": 1,
        "cables": 0,
        "fibres": 0,
        "positions": 0,
        "routes": 1,
        "gracethd_version": 3,
    }
    structure = {
        p.code: (p.building.ipe_id, p.staircase, p.floor, p.kind, p.pbo.reference)
        for p in Premises.objects.select_related("building", "pbo")
    }
    assert structure == {
        "LC-1": ("AD-V3-1", "", "", PremisesKind.RESIDENTIAL, "PBO-V3-01"),
        "LC-2A": ("IMB/79191/X/0001", "A-1", "2", PremisesKind.RESIDENTIAL, "PBO-V3-01"),
        "LC-2B": ("IMB/79191/X/0001", "A-2", "0", PremisesKind.PROFESSIONAL, "PBO-V3-01"),
    }
    block = Building.objects.select_related("address", "pm__nro").get(ipe_id="IMB/79191/X/0001")
    assert (block.premises_count, block.state, block.address.street_name) == (
        2,
        BuildingState.DEPLOYING,
        "RUE DE L'ÉGLISE",
    )
    pm = block.pm
    assert (pm.reference, pm.state, pm.capacity, pm.nro.reference) == (
        "PM-V3-01",
        PmState.DEPLOYED,
        288,
        "NRO-V3",
    )
    # zs_datemad in dd/mm/yyyy; commercial opening three months later.
    assert str(pm.commercial_opening_on) == "2024-04-15"
    references = dict(Premises.objects.values_list("code", "pto_reference"))
    assert references["LC-1"] == "FI-1234-ABCD"
    assert references["LC-2A"] == derived_reference("BP-PTO2", "XY")
    assert references["LC-2B"].startswith("XY-")
    route = OpticalRoute.objects.get()
    assert (route.premises.code, route.pm_module) == ("LC-1", "Tête PM 1")
    assert list(route.hops.values_list("fibre__code", flat=True)) == ["FO-DI-01", "FO-RA-01"]
    assert Fibre.objects.get(code="FO-RA-02").state == FibreState.OUT_OF_SERVICE
    assert Fibre.objects.filter(pbo__code="BP-PBO1").count() == 12


# -- broken packages change nothing (NET-03) -----------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (lambda package: (package / "t_suf.csv").unlink(), "NET-001"),
        (lambda package: drop_column(package / "t_suf.csv", "sf_ad_code"), "NET-002"),
    ],
    ids=["missing-table", "missing-column"],
)
def test_net_03_missing_table_or_column_fails_before_anything_is_written(
    tmp_path: Path, damage: Any, code: str
) -> None:
    package = copy_demo(tmp_path)
    damage(package)

    job = _import(package)

    assert job.status == ImportStatus.FAILED
    assert [(c, table) for c, table, *_ in _issues(job)] == [(code, "t_suf")]
    assert all(model.objects.count() == 0 for model in MODELS)


def test_net_03_duplicate_identifier_is_reported_and_nothing_changes(tmp_path: Path) -> None:
    _import(demo())
    before = _snapshot()
    package = copy_demo(tmp_path)

    def duplicate(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            row["sf_etage"] = "9"
        return [*rows, dict(rows[0])]

    edit_csv(package / "t_suf.csv", duplicate)

    job = _import(package)

    assert job.status == ImportStatus.FAILED
    assert _issues(job) == [("NET-004", "t_suf", 23, "sf_code")]
    issue = job.issues.get(code="NET-004", severity=IssueSeverity.ERROR)
    assert issue.value == "SF000180031091"
    assert "déjà vu ligne 2" in issue.message
    assert _snapshot() == before


def test_net_03_duplicate_in_a_first_import_leaves_the_inventory_empty(tmp_path: Path) -> None:
    package = copy_demo(tmp_path)
    edit_csv(package / "t_suf.csv", lambda rows: [*rows, dict(rows[5])])

    job = _import(package)

    assert job.status == ImportStatus.FAILED
    assert [code for code, *_ in _issues(job)] == ["NET-004"]
    assert all(model.objects.count() == 0 for model in MODELS)


def _unknown_address(package: Path) -> None:
    def point_away(rows: list[dict[str, str]]) -> None:
        rows[0]["sf_ad_code"] = "AD_INCONNUE"

    edit_csv(package / "t_suf.csv", point_away)


def test_net_03_premises_of_an_unknown_address_is_reported(tmp_path: Path) -> None:
    package = copy_demo(tmp_path)
    _unknown_address(package)

    job = _import(package)

    assert job.status == ImportStatus.FAILED
    assert _issues(job) == [("NET-006", "t_suf", 2, "sf_ad_code")]
    assert job.issues.get(code="NET-006").value == "AD_INCONNUE"
    assert Premises.objects.count() == 0


def test_net_03_partial_import_applies_the_valid_rows(tmp_path: Path) -> None:
    package = copy_demo(tmp_path)
    _unknown_address(package)

    job = _import(package, partial=True)

    assert job.status == ImportStatus.SUCCEEDED
    assert job.error_count == 1
    assert _issues(job) == [("NET-006", "t_suf", 2, "sf_ad_code")]
    assert (job.counts["premises"], job.counts["ptos"]) == (20, 20)
    assert not Premises.objects.filter(code="SF000180031091").exists()
    assert Premises.objects.count() == 20


def test_net_03_a_folder_that_is_not_gracethd_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t_adresse.csv").write_text("ad_code\r\nAD1\r\n", encoding="utf-8")

    job = _import(tmp_path)

    assert job.status == ImportStatus.FAILED
    assert [code for code, *_ in _issues(job)] == ["NET-009"]


# -- geometry without shapely --------------------------------------------------------------------


def test_point_in_polygon_handles_holes_and_multipolygons() -> None:
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    hole = [(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)]
    island = [(20.0, 20.0), (22.0, 20.0), (22.0, 22.0), (20.0, 20.0)]
    assert point_in_rings(1, 1, [square, hole])
    assert not point_in_rings(5, 5, [square, hole])
    assert point_in_rings(21.5, 20.5, [square, hole, island])
    index = ZoneIndex()
    index.add("Z-BIG", [square, hole, island])
    index.add("Z-HOLE", [hole])
    assert index.find(5, 5) == ["Z-HOLE"]
    assert index.find(1, 9) == ["Z-BIG"]
    assert index.find(50, 50) == []


def test_route_walk_stops_on_a_loop_of_splices() -> None:
    topo = Topology(version=2)
    topo.feeds = {
        "F3": Feed("F2", "P3", "BP1", "", "", "1", ""),
        "F2": Feed("F1", "P2", "", "", "", "1", ""),
        "F1": Feed("F3", "P1", "", "", "", "1", ""),  # spliced back onto the route's end
    }

    walk = walk_back(topo, "F3")

    assert walk.fibres == ["F1", "F2", "F3"]
    assert (walk.pbo, walk.pbo_fibre, walk.pm) == ("BP1", "F2", "")


@pytest.mark.parametrize(
    ("cpg", "codec"),
    [("UTF-8", "utf-8"), ("1252", "cp1252"), ("ANSI 1252", "cp1252"), ("8859_1", "latin-1")],
)
def test_shapefile_code_pages_are_understood(cpg: str, codec: str) -> None:
    assert codec_of_cpg(cpg) == codec


@pytest.mark.parametrize(
    ("rivoli", "fantoir", "expected"),
    [("", "0155", "0155"), ("0270A", "", "0270"), ("", "180030155X", "0155"), ("", "", "")],
)
def test_rivoli_comes_from_ad_rivoli_or_any_fantoir_form(
    rivoli: str, fantoir: str, expected: str
) -> None:
    assert rivoli_of(rivoli, fantoir) == expected
