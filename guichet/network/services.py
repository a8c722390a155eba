"""Every change to the network inventory goes through here (imports included), with its audit record."""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import PERMISSION_DENIED, GuichetError
from guichet.network import errors
from guichet.network.choices import ImportKind, ImportStatus
from guichet.network.exporting.ipe import DigestingWriter, ipe_filename, write_ipe
from guichet.network.importing.base import ImportContext, run_import
from guichet.network.models import ImportJob

if TYPE_CHECKING:  # another domain: its model only names the recipient
    from guichet.operators.models import Operator

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
    """Run a registered import now (worker task or console): all of it, or nothing.

    Whatever the outcome (applied, rejected, crashed), an uploaded file is discarded
    afterwards. A job that is not pending (here, or in the database when another worker
    took it first) is refused and its file left to the run that holds it.
    """
    if job.status != ImportStatus.PENDING:
        raise GuichetError(errors.IMPORT_NOT_RUNNABLE, status=job.get_status_display())
    importer = _importer(job.kind)
    path = Path(job.source_path)
    held_elsewhere = False
    try:
        return run_import(
            job, lambda ctx: importer(ctx, path), actor=actor, on_progress=on_progress
        )
    except GuichetError as exc:
        # run_import lets only its start refusal out: the importer's own errors are reported.
        held_elsewhere = exc.error == errors.IMPORT_NOT_RUNNABLE
        raise
    finally:
        if not held_elsewhere:
            discard_upload(job)


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


@dataclass(frozen=True)
class IpeExport:
    """One IPE file written for an operator: its name, line count and SHA-256 (and path, if any)."""

    name: str
    rows: int
    sha256: str
    path: Path | None = None


def export_ipe(
    *,
    actor: Principal,
    operator: Operator,
    target: str | os.PathLike[str] | IO[bytes],
    as_of: date | None = None,
) -> IpeExport:
    """Write the IPE of ``as_of`` (today) for ``operator`` and journal it (``network.ipe.export``).

    ``target`` is a folder (the file gets its Interop'Fibre name, written beside then
    renamed: a reader such as the SFTP server never sees a half-written file), a file
    path, or a binary stream (HTTP response…). The inventory is read outside any write
    transaction: a long export never holds SQLite's write lock.
    """
    if not actor.is_provider and actor.operator_id != operator.pk:
        raise GuichetError(PERMISSION_DENIED)
    day = as_of or timezone.localdate()
    name = ipe_filename(operator, day)
    path: Path | None = None
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        path = path / name if path.is_dir() else path
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as handle:
                digest = DigestingWriter(handle)
                rows = write_ipe(digest, operator=operator, as_of=day)
            with transaction.atomic():
                _journal_export(actor, operator, path.name, rows, digest, day)
                partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return IpeExport(path.name, rows, digest.sha256.hexdigest(), path)
    digest = DigestingWriter(target)
    rows = write_ipe(digest, operator=operator, as_of=day)
    with transaction.atomic():
        _journal_export(actor, operator, name, rows, digest, day)
    return IpeExport(name, rows, digest.sha256.hexdigest())


def _journal_export(
    actor: Principal, operator: Operator, name: str, rows: int, digest: DigestingWriter, day: date
) -> None:
    record(
        actor,
        "network.ipe.export",
        target=operator,
        after={
            "operator": operator.arcep_code,
            "rows": rows,
            "file": name,
            "bytes": digest.size,
            "sha256": digest.sha256.hexdigest(),
            "as_of": day.isoformat(),
        },
    )
