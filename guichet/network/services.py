"""Every change to the network inventory goes through here (imports included), with its audit record."""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import PERMISSION_DENIED, GuichetError
from guichet.network import errors
from guichet.network.choices import ImportKind, ImportStatus
from guichet.network.importing.base import ImportContext, run_import
from guichet.network.models import ImportJob

# kind → "module:function"; each function is ``(ctx: ImportContext, path: Path) -> counts``.
IMPORTERS: dict[str, str] = {
    ImportKind.GRACETHD: "guichet.network.importing.gracethd:import_gracethd",
    ImportKind.IPE: "guichet.network.importing.ipe:import_ipe",
    ImportKind.BAN: "guichet.network.importing.ban:import_ban",
    ImportKind.FANTOIR: "guichet.network.importing.fantoir:import_fantoir",
}


def imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _importer(kind: str) -> Callable[[ImportContext, Path], dict[str, int]]:
    if kind not in IMPORTERS:
        raise GuichetError(errors.IMPORT_UNKNOWN_FORMAT, detail=kind)
    module_name, function = IMPORTERS[kind].split(":")
    return getattr(importlib.import_module(module_name), function)


@transaction.atomic
def create_import(
    *,
    actor: Principal,
    kind: str,
    source: Path | UploadedFile,
    partial: bool = False,
) -> ImportJob:
    """Register an import of ``source`` (a path on the server, or an uploaded file kept under MEDIA_ROOT)."""
    if not actor.is_provider:
        raise GuichetError(PERMISSION_DENIED)
    if kind not in IMPORTERS:
        raise GuichetError(errors.IMPORT_UNKNOWN_FORMAT, detail=kind)
    name = source.name if isinstance(source, UploadedFile) else Path(source).name
    job = ImportJob.objects.create(
        kind=kind, source_name=name or kind, partial=partial, started_by=actor.login
    )
    if isinstance(source, UploadedFile):
        target = imports_dir() / str(job.pk) / Path(name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            for chunk in source.chunks():
                handle.write(chunk)
        job.source_path = str(target)
    else:
        job.source_path = str(Path(source).resolve())
    job.save(update_fields=["source_path"])
    record(
        actor,
        "network.import.create",
        target=job,
        after=snapshot(job, ["kind", "source_name", "partial"]),
    )
    return job


def start_import(
    *, actor: Principal, kind: str, source: Path | UploadedFile, partial: bool = False
) -> ImportJob:
    """Register an import and queue it for the worker (back-office)."""
    job = create_import(actor=actor, kind=kind, source=source, partial=partial)
    # By name: services sit below tasks in the layers (tasks call services, not the reverse).
    transaction.on_commit(
        lambda: current_app.send_task(
            "guichet.network.tasks.run_import_job", args=[job.pk, actor.login]
        )
    )
    return job


def execute_import(
    *,
    actor: Principal,
    job: ImportJob,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportJob:
    """Run a registered import now (worker task or console): all of it, or nothing."""
    if job.status != ImportStatus.PENDING:
        raise GuichetError(errors.IMPORT_NOT_RUNNABLE, status=job.get_status_display())
    importer = _importer(job.kind)
    path = Path(job.source_path)
    return run_import(job, lambda ctx: importer(ctx, path), actor=actor, on_progress=on_progress)


def import_now(
    *,
    actor: Principal,
    kind: str,
    source: Path,
    partial: bool = False,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportJob:
    """Register and run an import in this process (management commands, tests)."""
    job = create_import(actor=actor, kind=kind, source=source, partial=partial)
    return execute_import(actor=actor, job=job, on_progress=on_progress)


def discard_upload(job: ImportJob) -> None:
    """Remove an uploaded file once its import is over (kept paths on the server are left alone)."""
    folder = imports_dir() / str(job.pk)
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
