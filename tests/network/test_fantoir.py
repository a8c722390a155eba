"""FANTOIR/TOPO street import (NET-02) on the real Territoire de Belfort sample; idempotence
and row-level errors (NET-03)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from guichet.core.context import Principal
from guichet.network import services
from guichet.network.choices import ImportStatus
from guichet.network.importing import fantoir as fantoir_module
from guichet.network.models import ImportJob, Street

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "fr-79" / "FANTOIR_90.sample.gz"


def sample_lines(*prefixes: str) -> list[str]:
    """Lines of the real sample starting with the given prefixes, in that order."""
    with gzip.open(SAMPLE, "rt", encoding="ascii") as handle:
        found = {p: line.rstrip("\r\n") for line in handle for p in prefixes if line.startswith(p)}
    return [found[p] for p in prefixes]


DEPARTEMENT, COMMUNE, LIEU_DIT, GOUTTE, PRINCIPALE = sample_lines(
    "900        ", "900001    ", "900001B001K", "9000020005D", "9001050015S"
)


def fantoir_file(path: Path, *lines: str, encoding: str = "ascii") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def run(path: Path, *, partial: bool = False) -> ImportJob:
    return services.import_now(actor=ACTOR, kind="fantoir", source=path, partial=partial)


def streets() -> dict[str, tuple[str, str, str, str, bool]]:
    return {
        s.insee + s.rivoli: (s.rivoli_key, s.name, s.nature, s.kind, s.cancelled)
        for s in Street.objects.all()
    }


def test_net_02_fantoir_imports_the_real_sample() -> None:
    job = run(SAMPLE)

    assert job.status == ImportStatus.SUCCEEDED, list(job.issues.values_list("message", flat=True))
    # 10,846 lines: the département record, 102 commune records, 10,743 streets and lieux-dits.
    assert job.counts == {
        "rows": 10_743,
        "rejected": 0,
        "skipped": 103,
        "streets_created": 10_743,
        "streets_updated": 0,
    }
    assert (job.rows_done, job.rows_total) == (10_846, 10_846)
    assert Street.objects.count() == 10_743
    principale = Street.objects.get(insee="90105", rivoli="0015")
    assert (principale.name, principale.nature, principale.kind) == ("RUE PRINCIPALE", "RUE", "1")
    assert (principale.rivoli_key, principale.cancelled) == ("S", False)
    lieu_dit = Street.objects.get(insee="90001", rivoli="B001")
    assert (lieu_dit.name, lieu_dit.nature, lieu_dit.kind) == ("AUX BANNAUX", "", "3")
    assert Street.objects.get(insee="90002", rivoli="0005").cancelled is True


def test_net_03_fantoir_reimport_is_idempotent(tmp_path: Path) -> None:
    path = fantoir_file(tmp_path / "FANTOIR", DEPARTEMENT, COMMUNE, LIEU_DIT, GOUTTE, PRINCIPALE)
    run(path)
    before = streets()

    again = run(path)

    assert again.counts == {
        "rows": 3,
        "rejected": 0,
        "skipped": 2,
        "streets_created": 0,
        "streets_updated": 0,
    }
    assert streets() == before
    renamed = PRINCIPALE.replace("PRINCIPALE ", "PRINCIPALE2", 1)
    changed = run(fantoir_file(tmp_path / "v2", DEPARTEMENT, COMMUNE, renamed))
    assert changed.counts["streets_updated"] == 1
    assert Street.objects.get(insee="90105", rivoli="0015").name == "RUE PRINCIPALE2"
    assert Street.objects.count() == 3


def test_net_02_fantoir_windows_1252_label(tmp_path: Path) -> None:
    accented = PRINCIPALE.replace("PRINCIPALE ", "DE L'ÉGLISE", 1)
    job = run(fantoir_file(tmp_path / "FANTOIR", COMMUNE, accented, encoding="cp1252"))
    assert job.status == ImportStatus.SUCCEEDED
    assert Street.objects.get().name == "RUE DE L'ÉGLISE"


def test_net_02_fantoir_not_a_fantoir_file(tmp_path: Path) -> None:
    csv_file = tmp_path / "adresses-79.csv"
    csv_file.write_text("id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune\n")
    job = run(csv_file)
    assert job.status == ImportStatus.FAILED
    assert list(job.issues.values_list("code", flat=True)) == ["NET-009"]


def test_net_03_fantoir_bad_records_reported_row_by_row(tmp_path: Path) -> None:
    run(fantoir_file(tmp_path / "first", COMMUNE, LIEU_DIT))
    before = streets()
    truncated = PRINCIPALE[:30]
    bad_kind = GOUTTE[:108] + "9" + GOUTTE[109:]
    bad_rivoli = LIEU_DIT[:6] + "B0#1" + LIEU_DIT[10:]
    path = fantoir_file(tmp_path / "bad", DEPARTEMENT, COMMUNE, truncated, bad_kind, bad_rivoli)

    job = run(path)

    assert job.status == ImportStatus.FAILED
    found = [(i.code, i.row, i.column) for i in job.issues.order_by("row")]
    assert found == [
        ("NET-003", 3, "enregistrement"),
        ("NET-003", 4, "type [108]"),
        ("NET-003", 5, "RIVOLI [6:10]"),
    ]
    assert streets() == before

    partial = run(fantoir_file(tmp_path / "partial", COMMUNE, bad_kind, PRINCIPALE), partial=True)
    assert partial.status == ImportStatus.SUCCEEDED
    assert (partial.counts["rows"], partial.counts["rejected"]) == (1, 1)
    assert set(streets()) == {"90001B001", "901050015"}


def test_net_03_fantoir_duplicate_streets_reported_and_nothing_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(fantoir_file(tmp_path / "first", COMMUNE, LIEU_DIT))
    before = streets()
    monkeypatch.setattr(fantoir_module, "BATCH_SIZE", 2)
    renamed = PRINCIPALE.replace("PRINCIPALE ", "PRINCIPALE2", 1)
    path = fantoir_file(tmp_path / "dup", COMMUNE, GOUTTE, PRINCIPALE, LIEU_DIT, renamed, GOUTTE)

    job = run(path)

    assert job.status == ImportStatus.FAILED
    found = [(i.code, i.row, i.value) for i in job.issues.order_by("row")]
    assert found == [("NET-004", 5, "901050015"), ("NET-004", 6, "900020005")]
    assert [i.message.rsplit("ligne ", 1)[1] for i in job.issues.order_by("row")] == ["3).", "2)."]
    assert streets() == before
