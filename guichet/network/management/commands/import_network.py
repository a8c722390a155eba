"""``manage.py import_network KIND PATH``: import a GraceTHD package, an IPE, BAN or FANTOIR file."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guichet.core.context import Principal
from guichet.network import services
from guichet.network.choices import ImportStatus


class ProgressBar:
    """A one-line console progress bar (stderr), redrawn at most ten times a second."""

    def __init__(self, stream: Any = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and (total is None or done < total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        if total:
            filled = int(self.width * min(done / total, 1))
            bar = "█" * filled + "·" * (self.width - filled)
            self.stream.write(
                f"\r  [{bar}] {done:,}/{total:,} lignes ({rate:,.0f}/s)".replace(",", " ")
            )
        else:
            self.stream.write(f"\r  {done:,} lignes ({rate:,.0f}/s)".replace(",", " "))
        self.stream.flush()


class Command(BaseCommand):
    help = "Importe l'inventaire réseau : paquet GraceTHD (dossier ou zip), fichier IPE, BAN ou FANTOIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(services.IMPORTERS))
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Appliquer les lignes valides même si d'autres sont en erreur (sinon : tout ou rien).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} n'existe pas.")
        job = services.import_now(
            actor=Principal.system("import_network"),
            kind=options["kind"],
            source=path,
            partial=options["partial"],
            on_progress=ProgressBar(self.stderr._out),
        )
        self.stderr.write("")
        for issue in job.issues.all()[:20]:
            location = f"{issue.table} ligne {issue.row}" if issue.row else issue.table
            self.stderr.write(
                f"  {issue.get_severity_display()} {issue.code} {location} : {issue.message}"
            )
        if job.issues.count() > 20:
            self.stderr.write(f"  … rapport complet : import n°{job.pk} dans le back-office.")
        counts = ", ".join(f"{name} {value}" for name, value in sorted(job.counts.items()))
        if job.status != ImportStatus.SUCCEEDED:
            raise CommandError(f"Import n°{job.pk} échoué : {job.message}")
        self.stdout.write(
            self.style.SUCCESS(f"Import n°{job.pk} terminé : {counts or 'rien à importer'}.")
        )
