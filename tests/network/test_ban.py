"""BAN address import (NET-02), its idempotence and row-level errors (NET-03)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from guichet.core.context import Principal
from guichet.network import services
from guichet.network.choices import ImportStatus
from guichet.network.importing import ban as ban_module
from guichet.network.models import Address, ImportJob

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")
HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;"
    "libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune"
)
# Real communes of Deux-Sèvres; Aigonnay is a commune déléguée of Aigondigné since 2019.
GARE = (
    "79191_0123_00012;79191_0123;12;;Rue de la Gare;79000;79191;Niort;;;436712.45;6586413.2;"
    "-0.455321;46.323412;entrée;;;NIORT;RUE DE LA GARE;commune;commune;1"
)
GARE_BIS = (
    "79191_0123_00012_bis;79191_0123;12;bis;Rue de la Gare;79000;79191;Niort;;;436714.1;"
    "6586415.8;-0.455300;46.323435;entrée;;;NIORT;RUE DE LA GARE;commune;commune;1"
)
AIGONNAY = (
    "79185_b012_00003;79185_B012;3;;Le Bourg;79370;79185;Aigondigné;79004;Aigonnay;447301.0;"
    "6580102.5;;;segment;;Le Bourg;AIGONDIGNE;LE BOURG;commune;commune;0"
)


def ban_file(path: Path, *lines: str, encoding: str = "utf-8", gz: bool = False) -> Path:
    data = "\n".join((HEADER, *lines)).encode(encoding) + b"\n"
    if gz:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def run(path: Path, *, partial: bool = False) -> ImportJob:
    return services.import_now(actor=ACTOR, kind="ban", source=path, partial=partial)


def issues(job: ImportJob) -> list[tuple[str, int | None, str]]:
    return [(i.code, i.row, i.column) for i in job.issues.order_by("row", "id")]


def addresses() -> dict[str, dict[str, Any]]:
    return {a["ban_id"]: a for a in Address.objects.values()}


def test_net_02_ban_gzipped_file_imports_addresses(tmp_path: Path) -> None:
    job = run(ban_file(tmp_path / "adresses-79.csv", GARE, GARE_BIS, AIGONNAY, gz=True))

    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    assert job.counts == {"rows": 3, "rejected": 0, "addresses_created": 3, "addresses_updated": 0}
    gare = Address.objects.get(ban_id="79191_0123_00012")
    assert (gare.insee, gare.rivoli, gare.number, gare.suffix) == ("79191", "0123", 12, "")
    assert (gare.street_name, gare.postcode, gare.commune_name) == (
        "Rue de la Gare",
        "79000",
        "Niort",
    )
    assert (gare.x_l93, gare.y_l93, gare.longitude, gare.latitude) == (
        436712.45,
        6586413.2,
        -0.455321,
        46.323412,
    )
    assert gare.hexacle is None
    bis = Address.objects.get(ban_id="79191_0123_00012_bis")
    assert (bis.number, bis.suffix) == (12, "bis")
    bourg = Address.objects.get(ban_id="79185_b012_00003")
    assert (bourg.former_commune_insee, bourg.former_commune_name) == ("79004", "Aigonnay")
    assert (bourg.commune_name, bourg.rivoli, bourg.locality) == ("Aigondigné", "B012", "Le Bourg")
    # No lon/lat in the file: derived from Lambert-93.
    assert bourg.longitude == pytest.approx(-0.31, abs=0.05)
    assert bourg.latitude == pytest.approx(46.27, abs=0.05)


def test_net_02_ban_windows_1252_keeps_accents(tmp_path: Path) -> None:
    job = run(ban_file(tmp_path / "adresses-79.csv", AIGONNAY, encoding="cp1252"))
    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    assert Address.objects.get().commune_name == "Aigondigné"


def test_net_03_ban_reimport_is_idempotent(tmp_path: Path) -> None:
    path = ban_file(tmp_path / "adresses-79.csv", GARE, GARE_BIS, AIGONNAY)
    run(path)
    before = addresses()

    again = run(path)

    assert again.counts == {
        "rows": 3,
        "rejected": 0,
        "addresses_created": 0,
        "addresses_updated": 0,
    }
    after = addresses()
    assert {k: {f: v for f, v in a.items() if f != "updated_at"} for k, a in after.items()} == {
        k: {f: v for f, v in a.items() if f != "updated_at"} for k, a in before.items()
    }
    renamed = GARE.replace("Rue de la Gare", "Rue de la Gare SNCF")
    changed = run(ban_file(tmp_path / "v2.csv", renamed, GARE_BIS, AIGONNAY))
    assert changed.counts["addresses_updated"] == 1
    assert Address.objects.get(ban_id="79191_0123_00012").street_name == "Rue de la Gare SNCF"
    assert Address.objects.count() == 3


def test_net_02_ban_missing_column_fails_and_changes_nothing(tmp_path: Path) -> None:
    run(ban_file(tmp_path / "first.csv", GARE))
    before = addresses()
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "id;numero;nom_voie;code_postal;nom_commune\n79191_0123_00099;99;Rue;79000;Niort\n"
    )

    job = run(broken)

    assert job.status == ImportStatus.FAILED
    assert issues(job) == [("NET-002", None, "")]
    assert "code_insee" in job.message
    assert addresses() == before


def test_net_03_ban_bad_values_reported_row_by_row(tmp_path: Path) -> None:
    run(ban_file(tmp_path / "first.csv", GARE))
    before = addresses()
    bad_number = GARE_BIS.replace(";12;bis;", ";douze;bis;")
    bad_fantoir = AIGONNAY.replace("79185_B012", "ZZ")
    bad_point = GARE.replace("-0.455321", "-400.5").replace("Rue de la Gare", "Rue Neuve")
    path = ban_file(tmp_path / "bad.csv", bad_number, bad_fantoir, bad_point)

    job = run(path)

    assert job.status == ImportStatus.FAILED
    assert issues(job) == [
        ("NET-003", 2, "numero"),
        ("NET-003", 3, "id_fantoir"),
        ("NET-003", 4, "lon"),
    ]
    assert addresses() == before

    good = GARE.replace("Rue de la Gare", "Rue Neuve")
    partial = run(ban_file(tmp_path / "partial.csv", bad_number, good), partial=True)
    assert partial.status == ImportStatus.SUCCEEDED
    assert (partial.counts["rows"], partial.counts["rejected"], partial.error_count) == (1, 1, 1)
    assert Address.objects.get().street_name == "Rue Neuve"


def test_net_03_ban_duplicate_ids_reported_and_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(ban_file(tmp_path / "first.csv", GARE))
    before = addresses()
    monkeypatch.setattr(ban_module, "BATCH_SIZE", 2)
    path = ban_file(tmp_path / "dup.csv", GARE_BIS, AIGONNAY, GARE, GARE_BIS, AIGONNAY)

    job = run(path)

    assert job.status == ImportStatus.FAILED
    found = [(i.code, i.row, i.value) for i in job.issues.order_by("row")]
    assert found == [
        ("NET-004", 5, "79191_0123_00012_bis"),
        ("NET-004", 6, "79185_b012_00003"),
    ]
    assert [i.message.rsplit("ligne ", 1)[1] for i in job.issues.order_by("row")] == ["2).", "3)."]
    assert addresses() == before
