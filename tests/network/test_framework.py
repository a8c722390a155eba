"""NET-03: the import framework applies a file wholly or not at all, and reports every row."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.network import errors
from guichet.network.choices import ImportKind, ImportStatus
from guichet.network.importing import base
from guichet.network.importing.base import (
    ImportAbort,
    ImportContext,
    live_progress,
    progress_key,
    run_import,
)
from guichet.network.importing.files import count_rows, detect_encoding, read_csv
from guichet.network.models import Commune, ImportJob

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")


def _job(partial: bool = False) -> ImportJob:
    return ImportJob.objects.create(kind=ImportKind.IPE, source_name="test.csv", partial=partial)


def _writer(bad_rows: set[int]):
    def importer(ctx: ImportContext) -> dict[str, int]:
        created = 0
        for n in range(1, 6):
            if n in bad_rows:
                ctx.error(
                    errors.IMPORT_ROW_INVALID,
                    table="t",
                    row=n,
                    column="insee",
                    value="x",
                    detail="mauvais",
                )
                continue
            Commune.objects.create(insee=f"7900{n}", name=f"Commune {n}")
            created += 1
            ctx.progress(n, 5)
        return {"communes": created}

    return importer


def test_net_03_clean_file_is_applied_and_journaled() -> None:
    job = run_import(_job(), _writer(set()), actor=ACTOR)
    assert job.status == ImportStatus.SUCCEEDED
    assert job.counts == {"communes": 5} and job.rows_done == 5 and job.rows_total == 5
    assert Commune.objects.count() == 5
    assert AuditRecord.objects.filter(action="network.import.apply", object_id=str(job.pk)).exists()


def test_net_03_row_errors_are_all_reported_and_nothing_changes() -> None:
    Commune.objects.create(insee="79191", name="Niort")
    job = run_import(_job(), _writer({2, 4}), actor=ACTOR)
    assert job.status == ImportStatus.FAILED
    assert job.error_count == 2
    assert [(i.row, i.code, i.column) for i in job.issues.all()] == [
        (2, "NET-003", "insee"),
        (4, "NET-003", "insee"),
    ]
    assert "2 ligne(s) en erreur" in job.message
    assert list(Commune.objects.values_list("insee", flat=True)) == ["79191"]
    assert AuditRecord.objects.filter(action="network.import.fail", object_id=str(job.pk)).exists()


def test_net_03_partial_mode_applies_valid_rows() -> None:
    job = run_import(_job(partial=True), _writer({3}), actor=ACTOR)
    assert job.status == ImportStatus.SUCCEEDED and job.error_count == 1
    assert Commune.objects.count() == 4


def test_net_03_crash_midway_changes_nothing() -> None:
    def importer(ctx: ImportContext) -> dict[str, int]:
        Commune.objects.create(insee="79001", name="L'Absie")
        raise RuntimeError("disk full")

    job = run_import(_job(), importer, actor=ACTOR)
    assert job.status == ImportStatus.FAILED
    assert job.issues.get().code == "NET-011"
    assert not Commune.objects.exists()


def test_net_03_file_level_abort_is_reported() -> None:
    def importer(ctx: ImportContext) -> dict[str, int]:
        raise ImportAbort(errors.IMPORT_MISSING_COLUMNS, table="ipe.csv", columns="ReferencePM")

    job = run_import(_job(), importer, actor=ACTOR)
    issue = job.issues.get()
    assert (issue.code, issue.table) == ("NET-002", "ipe.csv")
    assert "ReferencePM" in job.message


def test_net_03_a_job_runs_once() -> None:
    job = run_import(_job(), _writer(set()), actor=ACTOR)
    with pytest.raises(GuichetError) as exc:
        run_import(job, _writer(set()), actor=ACTOR)
    assert exc.value.code == "NET-008"


def test_net_03_issue_storage_is_capped_but_all_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(base, "MAX_STORED_ISSUES", 3)

    def importer(ctx: ImportContext) -> dict[str, int]:
        for n in range(10):
            ctx.error(errors.IMPORT_ROW_INVALID, row=n, column="c", detail="x")
        return {}

    job = run_import(_job(), importer, actor=ACTOR)
    assert job.error_count == 10 and job.issues.count() == 3


def test_net_03_progress_is_visible_while_running() -> None:
    seen: list[tuple[int, int | None]] = []

    def importer(ctx: ImportContext) -> dict[str, int]:
        ctx.progress(1000, 4000)
        seen.append(live_progress(ImportJob.objects.get(pk=ctx.job.pk)))
        return {}

    run_import(_job(), importer, actor=ACTOR)
    assert seen == [(1000, 4000)]


def test_net_03_progress_of_an_older_job_with_the_same_number_is_not_shown() -> None:
    """A database reset (another test run, a restored backup) reuses job numbers; the
    cache outlives it: the key carries the creation time too."""
    job = _job()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, rows_done=5, rows_total=50
    )
    job.refresh_from_db()
    older = ImportJob(pk=job.pk, created_at=job.created_at - timedelta(days=1))
    cache.set(progress_key(older), (900, 1000))
    cache.set(f"network:import:{job.pk}:progress", (900, 1000))  # the former key

    assert progress_key(older) != progress_key(job)
    assert live_progress(job) == (5, 50)
    cache.set(progress_key(job), (10, 50))
    assert live_progress(job) == (10, 50)


def test_network_tests_use_a_private_cache() -> None:
    """conftest: an in-memory cache, never the folder other runs share."""
    assert isinstance(caches["default"], LocMemCache)
    assert cache.get(progress_key(_job())) is None


def test_net_02_files_tolerate_real_world_encodings(tmp_path: Path) -> None:
    latin = tmp_path / "ipe.csv"
    latin.write_bytes(
        "CommuneImmeuble;NomVoieImmeuble\r\nÉchiré;RUE DE L'ÉGLISE\r\n".encode("cp1252")
    )
    assert detect_encoding(latin) == "cp1252"
    header, rows = read_csv(latin, required=["CommuneImmeuble"])
    assert list(rows) == [(2, {"CommuneImmeuble": "Échiré", "NomVoieImmeuble": "RUE DE L'ÉGLISE"})]
    bom = tmp_path / "bom.csv"
    bom.write_bytes('\ufeffa;b\n1;"deux\nlignes"\n'.encode())
    header, rows = read_csv(bom, required=["a", "b"])
    assert header == ["a", "b"] and list(rows) == [(3, {"a": "1", "b": "deux\nlignes"})]
    assert count_rows(latin) == 1
    with pytest.raises(ImportAbort) as missing:
        read_csv(latin, required=["ReferencePM", "CommuneImmeuble"])
    assert (
        missing.value.error.code == "NET-002" and missing.value.params["columns"] == "ReferencePM"
    )
