"""Background imports (NET-03): the uploaded file is discarded whatever the outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.network import errors, services, tasks
from guichet.network.choices import ImportKind, ImportStatus
from guichet.network.importing.base import ImportContext
from guichet.network.models import ImportJob

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")


def succeeding(ctx: ImportContext, path: Path) -> dict[str, int]:
    assert path.read_bytes() == b"insee;nom\n79191;Niort\n"  # the importer reads the upload
    ctx.progress(1, 1, force=True)
    return {"rows": 1}


def rejecting(ctx: ImportContext, path: Path) -> dict[str, int]:
    ctx.error(errors.IMPORT_ROW_INVALID, table=path.name, row=2, column="insee", detail="x")
    return {"rows": 0}


def crashing(ctx: ImportContext, path: Path) -> dict[str, int]:
    raise RuntimeError("disk on fire")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _upload(monkeypatch: pytest.MonkeyPatch, importer: str) -> tuple[ImportJob, Path]:
    monkeypatch.setitem(services.IMPORTERS, ImportKind.BAN, f"{__name__}:{importer}")
    source = SimpleUploadedFile("communes.csv", b"insee;nom\n79191;Niort\n")
    job = services.create_import(actor=ACTOR, kind=ImportKind.BAN, source=source)
    folder = services.imports_dir() / str(job.pk)
    assert Path(job.source_path) == folder / "communes.csv" and Path(job.source_path).is_file()
    return job, folder


def test_upload_discarded_after_a_succeeded_job(monkeypatch: pytest.MonkeyPatch) -> None:
    job, folder = _upload(monkeypatch, "succeeding")

    assert tasks.run_import_job(job.pk, "agent") == ImportStatus.SUCCEEDED

    assert not folder.exists()
    assert ImportJob.objects.get(pk=job.pk).counts == {"rows": 1}


def test_upload_discarded_after_a_failed_job(monkeypatch: pytest.MonkeyPatch) -> None:
    job, folder = _upload(monkeypatch, "rejecting")

    assert tasks.run_import_job(job.pk, "agent") == ImportStatus.FAILED

    assert not folder.exists()
    assert ImportJob.objects.get(pk=job.pk).error_count == 1


def test_upload_discarded_after_a_crashed_importer(monkeypatch: pytest.MonkeyPatch) -> None:
    job, folder = _upload(monkeypatch, "crashing")

    assert tasks.run_import_job(job.pk, "agent") == ImportStatus.FAILED

    assert not folder.exists()
    assert ImportJob.objects.get(pk=job.pk).message


def test_upload_discarded_when_the_run_itself_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    job, folder = _upload(monkeypatch, "succeeding")

    def broken(*args: Any, **kwargs: Any) -> ImportJob:
        raise OSError("database gone")

    monkeypatch.setattr(services, "run_import", broken)
    with pytest.raises(OSError, match="database gone"):
        tasks.run_import_job(job.pk, "agent")

    assert not folder.exists()


def test_upload_kept_for_the_worker_that_holds_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    job, folder = _upload(monkeypatch, "succeeding")
    # Another worker took the job between our read and our start.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    with pytest.raises(GuichetError) as refused:
        services.execute_import(actor=ACTOR, job=job)
    assert refused.value.error == errors.IMPORT_NOT_RUNNABLE
    assert tasks.run_import_job(job.pk, "agent") == "skipped"

    assert (folder / "communes.csv").is_file()


def test_redelivered_finished_job_discards_a_leftover_upload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job, folder = _upload(monkeypatch, "succeeding")
    tasks.run_import_job(job.pk, "agent")
    folder.mkdir(parents=True)  # as if the worker had died before cleaning up
    (folder / "communes.csv").write_bytes(b"x")

    assert tasks.run_import_job(job.pk, "agent") == "skipped"

    assert not folder.exists()


def test_a_file_on_the_server_is_never_discarded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(services.IMPORTERS, ImportKind.BAN, f"{__name__}:succeeding")
    source = tmp_path / "communes.csv"
    source.write_bytes(b"insee;nom\n79191;Niort\n")

    job = services.import_now(actor=ACTOR, kind=ImportKind.BAN, source=source)

    assert job.status == ImportStatus.SUCCEEDED
    assert source.is_file()
