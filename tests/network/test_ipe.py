"""IPE import and export (NET-02) and their idempotence and row-level errors (NET-03)."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.network import services
from guichet.network.choices import BuildingState, ImportStatus, PmState
from guichet.network.exporting.ipe import EXTRA_STANDARD_COLUMNS, ipe_filename, write_ipe
from guichet.network.importing import ipe as ipe_module
from guichet.network.importing.ipe import IPE_V20_COLUMNS, IPE_V30_COLUMNS, to_wgs84
from guichet.network.models import (
    Address,
    Building,
    Cable,
    Fibre,
    ImportJob,
    Nro,
    Pbo,
    Pm,
    Premises,
)
from guichet.operators.models import Operator
from tests.network.factories import make_building, make_pm

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")
TODAY = date(2026, 3, 2)


def ipe_row(n: int, **values: str) -> dict[str, str]:
    """A valid v3.0 line; ``values`` override columns."""
    row = {
        "IdentifiantImmeuble": f"IMB/79191/T/{n:05d}",
        "CodeVoieRivoliImmeuble": "0123",
        "CodeInseeImmeuble": "79191",
        "CodePostalImmeuble": "79000",
        "CommuneImmeuble": "Niort",
        "CodeAdresseImmeuble": f"79191{n:05d}",
        "TypeVoieImmeuble": "RUE",
        "NomVoieImmeuble": "DE LA GARE",
        "NumeroVoieImmeuble": str(n),
        "NombreLogementsAdresseIPE": "1",
        "EtatImmeuble": "DEPLOYE",
        "TypeImmeuble": "PAVILLON",
        "DateCablageAdresse": "20250301",
        "DateDerniereModification": "20260110",
        "AccordGestionnaireImmeubleNecessaire": "N",
        "ReferencePM": "DSNU-PM-00001",
        "EtatPM": "DEPLOYE",
        "DateInstallationPM": "20241010",
        "DatePremiereMADPM": "20250115",
        "TypeEmplacementPM": "PME-Armoire de rue",
        "CapaciteMaxPM": "720",
        "TypeIngenierie": "mono",
        "NombreLogementsPM": "350",
        "CodeInseePM": "79191",
        "TypeProjectionGeographique": "RFG93",
        "CoordonneeImmeubleX": f"{436700 + n},5",
        "CoordonneeImmeubleY": "6586413,25",
        "CoordonneePMX": "436000",
        "CoordonneePMY": "6586000",
        "TypeZone": "3",
    }
    row.update(values)
    return row


def write_file(
    path: Path,
    rows: list[dict[str, str]],
    *,
    columns: tuple[str, ...] | list[str] = IPE_V30_COLUMNS,
    encoding: str = "utf-8",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run(path: Path, *, partial: bool = False) -> ImportJob:
    return services.import_now(actor=ACTOR, kind="ipe", source=path, partial=partial)


def issues(job: ImportJob) -> list[tuple[str, int | None, str]]:
    return [(i.code, i.row, i.column) for i in job.issues.order_by("row", "id")]


def wipe_inventory() -> None:
    for model in (Fibre, Premises, Pbo, Cable, Building, Address, Pm, Nro):
        model.objects.all().delete()


ADDRESS_FIELDS = (
    "insee", "rivoli", "number", "suffix", "street_type", "street_name", "postcode",
    "commune_name", "zone_type", "x_l93", "y_l93", "longitude", "latitude",
)  # fmt: skip
BUILDING_FIELDS = (
    "name", "building_type", "state", "premises_count", "cabling_on", "convention_signed_on",
    "manager_consent_needed", "manager", "source_modified_on",
)  # fmt: skip
PM_FIELDS = (
    "state", "location_type", "installed_on", "first_provision_on", "capacity",
    "premises_count", "engineering", "insee", "address_text", "longitude", "latitude",
)  # fmt: skip


def inventory() -> dict[str, Any]:
    """Every field the IPE carries, keyed by the IPE identifiers."""
    exported = set(IPE_V30_COLUMNS)
    return {
        "addresses": {
            a.hexacle: {f: getattr(a, f) for f in ADDRESS_FIELDS}
            for a in Address.objects.filter(buildings__isnull=False).distinct()
        },
        "buildings": {
            b.ipe_id: {f: getattr(b, f) for f in BUILDING_FIELDS}
            | {
                "hexacle": b.address.hexacle,
                "pm": b.pm.reference if b.pm else None,
                "extra": {k: v for k, v in b.extra.items() if k in exported},
            }
            for b in Building.objects.select_related("address", "pm")
        },
        "pms": {
            p.reference: {f: getattr(p, f) for f in PM_FIELDS}
            for p in Pm.objects.filter(buildings__isnull=False).distinct()
        },
    }


def test_net_02_ipe_import_creates_the_inventory(tmp_path: Path) -> None:
    rows = [
        ipe_row(
            1,
            BatimentImmeuble="A",
            TypeImmeuble="IMMEUBLE",
            NombreLogementsAdresseIPE="12",
            AccordGestionnaireImmeubleNecessaire="O",
            DateSignatureConvention="20240605",
            GestionnaireImmeuble="SYNDIC DU MARAIS",
            CodePostalGestionnaire="79000",
            SiretGestionnaire="12345678900011",
            CommentairePM="Armoire près de l'église",
            NomVoiePM="DU STADE",
            TypeVoiePM="RUE",
            NumeroVoiePM="3",
            CodePostalPM="79000",
            CommunePM="Niort",
            MaColonneOI="valeur libre",
        ),
        ipe_row(2, IdentifiantImmeuble="IMB/79191/T/00001B", CodeAdresseImmeuble="7919100001"),
        ipe_row(
            3,
            NumeroVoieImmeuble="12",
            ComplementNumeroVoieImmeuble="B",
            TypeProjectionGeographique="WGS84",
            CoordonneeImmeubleX="-0,4586",
            CoordonneeImmeubleY="46,3237",
            CoordonneePMX="-0,46",
            CoordonneePMY="46,32",
            ReferencePM="DSNU-PM-00002",
            EtatPM="EN COURS DE DEPLOIEMENT",
            DatePremiereMADPM="",
            EtatImmeuble="EN COURS DE DEPLOIEMENT",
        ),
    ]
    path = write_file(tmp_path / "ipe.csv", rows, columns=[*IPE_V30_COLUMNS, "MaColonneOI"])

    job = run(path)

    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    assert job.counts == {
        "rows": 3,
        "rejected": 0,
        "buildings_created": 3,
        "buildings_updated": 0,
        "addresses_created": 2,
        "addresses_updated": 0,
        "pms_created": 2,
        "pms_updated": 0,
    }
    assert (job.rows_done, job.rows_total) == (3, 3)
    # Two buildings (A and its neighbour) share one hexaclé, hence one address.
    shared = Address.objects.get(hexacle="7919100001")
    assert shared.buildings.count() == 2
    building = Building.objects.select_related("address", "pm").get(ipe_id="IMB/79191/T/00001")
    assert (building.name, building.building_type, building.premises_count) == ("A", "IMMEUBLE", 12)
    assert building.state == BuildingState.DEPLOYED
    assert building.manager_consent_needed is True
    assert building.convention_signed_on == date(2024, 6, 5)
    assert building.cabling_on == date(2025, 3, 1)
    assert building.manager == {
        "name": "SYNDIC DU MARAIS",
        "postcode": "79000",
        "siret": "12345678900011",
    }
    assert building.extra["MaColonneOI"] == "valeur libre"
    assert building.extra["CommentairePM"] == "Armoire près de l'église"
    address = building.address
    # The model places buildings by their address: the last line of the hexaclé wins.
    assert (address.x_l93, address.y_l93) == (436702.5, 6586413.25)
    assert (address.longitude, address.latitude) == (
        -0.4234489,
        46.326253,
    )  # Niort, rounded to 1 cm
    assert (address.rivoli, address.street_type, address.zone_type) == ("0123", "RUE", "3")
    pm = building.pm
    assert pm.state == PmState.DEPLOYED
    assert pm.first_provision_on == date(2025, 1, 15)
    assert pm.commercial_opening_on == date(2025, 4, 15)
    assert (pm.capacity, pm.premises_count, pm.engineering) == (720, 350, "mono")
    assert pm.location_type == "PME-Armoire de rue"
    assert pm.address_text == "3 RUE DU STADE, 79000 Niort"
    assert pm.latitude == pytest.approx(46.32, abs=0.01)
    wgs = Building.objects.select_related("address", "pm").get(ipe_id="IMB/79191/T/00003")
    assert (wgs.address.number, wgs.address.suffix) == (12, "B")
    assert (wgs.address.longitude, wgs.address.latitude) == (-0.4586, 46.3237)
    assert wgs.address.x_l93 is None
    assert (wgs.pm.reference, wgs.pm.state) == ("DSNU-PM-00002", PmState.DEPLOYING)
    assert (wgs.pm.longitude, wgs.pm.latitude) == (-0.46, 46.32)


def test_net_02_ipe_v20_columns_import(tmp_path: Path) -> None:
    path = write_file(tmp_path / "v20.csv", [ipe_row(1), ipe_row(2)], columns=IPE_V20_COLUMNS)
    job = run(path)
    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    assert Building.objects.count() == 2
    assert Building.objects.get(ipe_id="IMB/79191/T/00001").extra == {}


def test_net_02_ipe_zipped_file(tmp_path: Path) -> None:
    # Real IPEs travel zipped, e.g. LIAIN_01_SIEA_PM_IPEZMD_V20_20220914_00_PBOOK.zip.
    csv_file = write_file(tmp_path / "DSNU_FGTT_PM_IPEZMD_V30_20260302.csv", [ipe_row(1)])
    archive = tmp_path / "DSNU_FGTT_PM_IPEZMD_V30_20260302.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(csv_file, csv_file.name)
    job = run(archive)
    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    assert job.source_name == archive.name
    assert Building.objects.get().ipe_id == "IMB/79191/T/00001"


def test_net_02_ipe_windows_1252_keeps_accents(tmp_path: Path) -> None:
    row = ipe_row(
        1, NomVoieImmeuble="DE L'ÉGLISE", CommuneImmeuble="Échiré", CodeInseeImmeuble="79109"
    )
    path = write_file(tmp_path / "cp1252.csv", [row], encoding="cp1252")
    job = run(path)
    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    address = Address.objects.get()
    assert (address.street_name, address.commune_name) == ("DE L'ÉGLISE", "Échiré")


def test_net_02_ipe_missing_column_fails_and_changes_nothing(tmp_path: Path) -> None:
    run(write_file(tmp_path / "first.csv", [ipe_row(1)]))
    before = inventory()
    columns = [c for c in IPE_V30_COLUMNS if c != "ReferencePM"]
    row = ipe_row(1, EtatImmeuble="ABANDONNE")
    job = run(write_file(tmp_path / "broken.csv", [row, ipe_row(2)], columns=columns))
    assert job.status == ImportStatus.FAILED
    assert issues(job) == [("NET-002", None, "")]
    assert "ReferencePM" in job.issues.get().message
    assert inventory() == before


def test_net_03_ipe_duplicate_identifiers_reported_and_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(write_file(tmp_path / "first.csv", [ipe_row(1), ipe_row(2)]))
    before = inventory()
    # Batches of two lines: most duplicates are met in a later batch than their first line,
    # for a building that existed (ids 1 and 2) or that this file creates (id 4).
    monkeypatch.setattr(ipe_module, "BATCH_SIZE", 2)
    rows = [
        ipe_row(1, EtatImmeuble="ABANDONNE"),
        ipe_row(2),
        ipe_row(2, NomVoieImmeuble="AUTRE"),
        ipe_row(1),
        ipe_row(4),
        ipe_row(7),
        ipe_row(4),
        ipe_row(4),
        ipe_row(8),
        ipe_row(8),
    ]
    job = run(write_file(tmp_path / "dup.csv", rows))
    assert job.status == ImportStatus.FAILED
    found = [(i.code, i.row, i.column, i.value) for i in job.issues.order_by("row")]
    assert found == [
        ("NET-004", 4, "IdentifiantImmeuble", "IMB/79191/T/00002"),
        ("NET-004", 5, "IdentifiantImmeuble", "IMB/79191/T/00001"),
        ("NET-004", 8, "IdentifiantImmeuble", "IMB/79191/T/00004"),
        ("NET-004", 9, "IdentifiantImmeuble", "IMB/79191/T/00004"),
        ("NET-004", 11, "IdentifiantImmeuble", "IMB/79191/T/00008"),
    ]
    first_seen = {i.row: i.message.rsplit("ligne ", 1)[1] for i in job.issues.all()}
    assert first_seen == {4: "3).", 5: "2).", 8: "6).", 9: "6).", 11: "10)."}
    assert "Identifiant en double" in job.issues.first().message
    assert inventory() == before
    assert Building.objects.count() == 2


def test_net_03_ipe_bad_values_reported_row_by_row(tmp_path: Path) -> None:
    run(write_file(tmp_path / "first.csv", [ipe_row(1)]))
    before = inventory()
    rows = [
        ipe_row(1, EtatImmeuble="RACCORDE"),
        ipe_row(2, DateCablageAdresse="20251345", NombreLogementsAdresseIPE="douze"),
        ipe_row(3, CodeAdresseImmeuble="791910003"),
        ipe_row(4, EtatPM="FERME"),
        ipe_row(5, TypeProjectionGeographique="MERCATOR"),
        ipe_row(6),
    ]
    path = write_file(tmp_path / "bad.csv", rows)

    job = run(path)

    assert job.status == ImportStatus.FAILED
    assert issues(job) == [
        ("NET-003", 2, "EtatImmeuble"),
        ("NET-003", 3, "NombreLogementsAdresseIPE"),
        ("NET-003", 3, "DateCablageAdresse"),
        ("NET-003", 4, "CodeAdresseImmeuble"),
        ("NET-003", 5, "EtatPM"),
        ("NET-003", 6, "TypeProjectionGeographique"),
    ]
    assert "RACCORDE" in job.issues.filter(row=2).get().message
    assert inventory() == before

    partial = run(path, partial=True)
    assert partial.status == ImportStatus.SUCCEEDED
    assert partial.error_count == 6
    assert partial.counts["rows"] == 1 and partial.counts["rejected"] == 5
    assert set(Building.objects.values_list("ipe_id", flat=True)) == {
        "IMB/79191/T/00001",
        "IMB/79191/T/00006",
    }
    assert Building.objects.get(ipe_id="IMB/79191/T/00001").state == BuildingState.DEPLOYED


def test_net_03_ipe_reimport_is_idempotent(tmp_path: Path) -> None:
    rows = [ipe_row(n) for n in range(1, 6)]
    first = run(write_file(tmp_path / "a.csv", rows))
    snapshot = inventory()

    again = run(write_file(tmp_path / "b.csv", rows))

    assert again.status == ImportStatus.SUCCEEDED
    assert again.counts == {
        "rows": 5,
        "rejected": 0,
        "buildings_created": 0,
        "buildings_updated": 0,
        "addresses_created": 0,
        "addresses_updated": 0,
        "pms_created": 0,
        "pms_updated": 0,
    }
    assert inventory() == snapshot
    assert (Building.objects.count(), Address.objects.count(), Pm.objects.count()) == (5, 5, 1)
    rows = [ipe_row(n, EtatPM="ABANDONNE") for n in range(1, 6)]
    rows[2] = ipe_row(
        3, EtatImmeuble="ABANDONNE", NomVoieImmeuble="DE LA GARE SNCF", EtatPM="ABANDONNE"
    )
    changed = run(write_file(tmp_path / "c.csv", rows))
    assert changed.counts["buildings_updated"] == 1
    assert changed.counts["addresses_updated"] == 1
    assert changed.counts["pms_updated"] == 1
    assert Building.objects.get(ipe_id="IMB/79191/T/00003").state == BuildingState.ABANDONED
    assert first.counts["buildings_created"] == 5


def test_net_02_ipe_export_format_and_abandoned_lines(tmp_path: Path) -> None:
    pm = make_pm("DSNU-PM-00007", installed_on=date(2024, 9, 1))
    make_building(
        pm, ipe_id="IMB/A", convention_signed_on=date(2024, 6, 5), manager_consent_needed=True
    )
    make_building(
        pm, ipe_id="IMB/B", state=BuildingState.ABANDONED, source_modified_on=date(2025, 12, 10)
    )
    make_building(
        pm, ipe_id="IMB/C", state=BuildingState.ABANDONED, source_modified_on=date(2025, 11, 30)
    )
    target = tmp_path / "out.csv"

    assert write_ipe(target, as_of=TODAY) == 2

    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.DictReader(io.StringIO(raw.decode("utf-8")), delimiter=";"))
    assert list(lines[0]) == list(IPE_V30_COLUMNS)
    # Abandoned on 10 December: still listed on 2 March; abandoned on 30 November: dropped.
    assert [line["IdentifiantImmeuble"] for line in lines] == ["IMB/A", "IMB/B"]
    line = lines[0]
    assert line["DateSignatureConvention"] == "20240605"
    assert line["AccordGestionnaireImmeubleNecessaire"] == "O"
    assert line["DatePremiereMADPM"] == "20250115"
    assert line["DateMiseEnServiceCommercialePM"] == "20250415"
    assert line["DateInstallationPM"] == "20240901"
    assert (line["TypeProjectionGeographique"], line["CoordonneeImmeubleX"]) == ("WGS84", "-0,4586")
    assert line["CodeOI"] == "DSNU"
    assert lines[1]["AccordGestionnaireImmeubleNecessaire"] == "N"


def test_net_02_ipe_filename_per_operator(settings: Any) -> None:
    assert ipe_filename("FGTT", date(2026, 3, 2)) == "DSNU_FGTT_PM_IPEZMD_V30_20260302.csv"
    settings.GUICHET_PROVIDER_CODE = "SMON"
    assert ipe_filename("FGTT", date(2026, 3, 2)) == "SMON_FGTT_PM_IPEZMD_V30_20260302.csv"


def test_net_02_ipe_round_trip_from_factories(tmp_path: Path) -> None:
    pm = make_pm(
        "DSNU-PM-00010",
        location_type="PME-Shelter",
        capacity=576,
        premises_count=420,
        engineering="mono",
        installed_on=date(2024, 11, 2),
        longitude=-0.4601234,
        latitude=46.3187654,
        address_text="DU STADE",
    )
    other = make_pm("DSNU-PM-00011", state=PmState.DEPLOYING, first_provision_on=None)
    house = make_building(pm, cabling_on=date(2025, 2, 3), source_modified_on=date(2026, 1, 4))
    block = make_building(
        pm,
        premises=8,
        name="Bât. B",
        manager_consent_needed=True,
        convention_signed_on=date(2024, 5, 6),
        manager={"name": "Syndic Poitou", "siret": "12345678900011", "postcode": "79000"},
        extra={"NomVoiePM": "DU STADE", "CommentairePM": "clé en mairie", "NonStandard": "x"},
    )
    make_building(other, state=BuildingState.TARGETED)
    make_building(None, state=BuildingState.ABANDONED, source_modified_on=date(2026, 2, 1))
    # One address in Lambert-93, its WGS84 derived the way the import derives it.
    x, y = 436123.45, 6588765.5
    lon, lat = to_wgs84(2154, x, y)
    Address.objects.filter(pk=block.address_id).update(
        x_l93=x, y_l93=y, longitude=lon, latitude=lat, suffix="T", zone_type="3"
    )
    Address.objects.filter(pk=house.address_id).update(number=0)
    before = inventory()
    first = tmp_path / "first.csv"
    assert write_ipe(first, as_of=TODAY) == 4

    wipe_inventory()
    job = run(first)

    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    after = inventory()
    assert after == before
    second = tmp_path / "second.csv"
    write_ipe(second, as_of=TODAY)
    assert second.read_bytes() == first.read_bytes()


def test_net_02_ipe_round_trip_from_an_imported_file(tmp_path: Path) -> None:
    rows = [
        ipe_row(1, NomVoiePM="DU STADE", CodePostalPM="79000", Code_RNB="RNB123", MaColonne="x"),
        ipe_row(2, CodeAdresseImmeuble="7919100001", BatimentImmeuble="B"),
        ipe_row(
            3,
            TypeProjectionGeographique="WGS84",
            CoordonneeImmeubleX="-0,45",
            CoordonneeImmeubleY="46,31",
            CoordonneePMX="-0,44",
            CoordonneePMY="46,30",
            ReferencePM="DSNU-PM-00003",
            CodeOI="AXIO",
        ),
        ipe_row(4, ReferencePM="", EtatImmeuble="CIBLE", TypeProjectionGeographique=""),
    ]
    run(write_file(tmp_path / "source.csv", rows, columns=[*IPE_V30_COLUMNS, "MaColonne"]))
    before = inventory()
    first = tmp_path / "first.csv"
    write_ipe(first, as_of=TODAY)

    wipe_inventory()
    assert run(first).status == ImportStatus.SUCCEEDED
    second = tmp_path / "second.csv"
    write_ipe(second, as_of=TODAY)

    assert inventory() == before
    assert second.read_bytes() == first.read_bytes()
    lines = list(csv.DictReader(io.StringIO(first.read_text("utf-8")), delimiter=";"))
    assert "MaColonne" not in lines[0]
    assert [line["CodeOI"] for line in lines] == ["DSNU", "DSNU", "AXIO", "DSNU"]
    assert lines[0]["Code_RNB"] == "RNB123"


def test_net_03_ipe_export_then_import_into_the_same_db_changes_nothing(tmp_path: Path) -> None:
    pm = make_pm(longitude=-0.4601234, latitude=46.3187654)
    block = make_building(pm, premises=4, extra={"CommentairePM": "ok"})
    make_building(pm)
    Address.objects.filter(pk=block.address_id).update(x_l93=436123.45, y_l93=6588765.5)
    counts = (Address.objects.count(), Building.objects.count(), Pm.objects.count())
    before = inventory()
    path = tmp_path / "ipe.csv"
    write_ipe(path, as_of=TODAY)

    job = run(path)

    assert job.status == ImportStatus.SUCCEEDED, issues(job)
    assert job.counts == dict.fromkeys(job.counts, 0) | {"rows": 2}
    assert (Address.objects.count(), Building.objects.count(), Pm.objects.count()) == counts
    assert inventory() == before


def test_net_02_export_ipe_command(tmp_path: Path, operator_a: Operator) -> None:
    make_building(make_pm())
    out = io.StringIO()
    call_command(
        "export_ipe",
        "--operator",
        "opea",
        "--output",
        str(tmp_path),
        "--date",
        "2026-03-02",
        stdout=out,
    )
    path = tmp_path / "DSNU_OPEA_PM_IPEZMD_V30_20260302.csv"
    assert path.exists() and not list(tmp_path.glob("*.part"))
    assert str(path) in out.getvalue() and "1 ligne" in out.getvalue()
    assert len(path.read_text("utf-8").splitlines()) == 2
    entry = AuditRecord.objects.get(action="network.ipe.export")
    assert entry.person_login == "export_ipe" and entry.channel == "system"
    assert (entry.object_type, entry.object_id) == ("operators.operator", str(operator_a.pk))
    assert entry.after == {
        "operator": "OPEA",
        "rows": 1,
        "file": path.name,
        "bytes": path.stat().st_size,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "as_of": "2026-03-02",
    }


def test_net_02_export_service_to_a_stream_journals_rows_and_digest(
    tmp_path: Path, operator_a: Operator
) -> None:
    pm = make_pm()
    for _ in range(3):
        make_building(pm)
    stream = io.BytesIO()

    export = services.export_ipe(actor=ACTOR, operator=operator_a, target=stream, as_of=TODAY)

    content = stream.getvalue()
    assert export.rows == 3 and export.path is None
    assert export.name == "DSNU_OPEA_PM_IPEZMD_V30_20260302.csv"
    assert export.sha256 == hashlib.sha256(content).hexdigest()
    # The same bytes as the plain writer's.
    write_ipe(tmp_path / "plain.csv", as_of=TODAY)
    assert content == (tmp_path / "plain.csv").read_bytes()
    entry = AuditRecord.objects.get(action="network.ipe.export")
    assert entry.after["rows"] == 3 and entry.after["sha256"] == export.sha256
    assert entry.after["file"] == export.name and entry.after["operator"] == "OPEA"


def test_net_02_export_service_to_a_file_path(tmp_path: Path, operator_a: Operator) -> None:
    make_building(make_pm())
    target = tmp_path / "ipe.csv"

    export = services.export_ipe(actor=ACTOR, operator=operator_a, target=target, as_of=TODAY)

    assert export.path == target and export.name == "ipe.csv" and export.rows == 1
    assert export.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert not list(tmp_path.glob("*.part"))


def test_net_02_export_service_refuses_another_operators_ipe(
    tmp_path: Path, operator_a: Operator, operator_b: Operator
) -> None:
    make_building(make_pm())
    own = Principal(person_id=None, login="b", operator_id=operator_b.pk, operator_code="OPEB")
    services.export_ipe(actor=own, operator=operator_b, target=tmp_path, as_of=TODAY)

    with pytest.raises(GuichetError):
        services.export_ipe(actor=own, operator=operator_a, target=tmp_path, as_of=TODAY)

    assert [p.name for p in tmp_path.iterdir()] == ["DSNU_OPEB_PM_IPEZMD_V30_20260302.csv"]
    assert AuditRecord.objects.filter(action="network.ipe.export").count() == 1


def test_net_02_pm_level_extra_columns_survive_the_round_trip(tmp_path: Path) -> None:
    """PM-level columns without a model field (PM address, comments, RefRegroupementPM…)
    are not dropped: every line keeps them in ``Building.extra``, the export writes them
    back, so no ``Pm.extra`` is needed. A column outside the IPE is kept, not exported."""
    pm_columns = {c for c in EXTRA_STANDARD_COLUMNS if "PM" in c}
    assert {
        "CommentairePM",
        "CodeAdressePM",
        "RefRegroupementPM",
        "NombrePMTechniques",
    } <= pm_columns

    def line(n: int, pm: str) -> dict[str, str]:
        values = {c: f"{c[:12]} {pm[-1]}" for c in EXTRA_STANDARD_COLUMNS}
        return ipe_row(n, ReferencePM=pm, **values, MaColonnePM=f"hors norme {n}")

    rows = [line(1, "DSNU-PM-00001"), line(2, "DSNU-PM-00001"), line(3, "DSNU-PM-00002")]
    columns = [*IPE_V30_COLUMNS, "MaColonnePM"]
    source = write_file(tmp_path / "source.csv", rows, columns=columns)
    assert run(source).status == ImportStatus.SUCCEEDED

    kept = Building.objects.get(ipe_id="IMB/79191/T/00003").extra
    assert kept == {c: f"{c[:12]} 2" for c in EXTRA_STANDARD_COLUMNS} | {
        "MaColonnePM": "hors norme 3"
    }
    first = tmp_path / "first.csv"
    write_ipe(first, as_of=TODAY)
    exported = list(csv.DictReader(io.StringIO(first.read_text("utf-8")), delimiter=";"))
    for row, line_out in zip(rows, exported, strict=True):
        assert {c: line_out[c] for c in EXTRA_STANDARD_COLUMNS} == {
            c: row[c] for c in EXTRA_STANDARD_COLUMNS
        }
    assert "MaColonnePM" not in exported[0]

    wipe_inventory()
    assert run(first).status == ImportStatus.SUCCEEDED
    second = tmp_path / "second.csv"
    write_ipe(second, as_of=TODAY)

    assert second.read_bytes() == first.read_bytes()
    assert Pm.objects.get(reference="DSNU-PM-00002").address_text  # from the PM address columns
