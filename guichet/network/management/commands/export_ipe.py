"""``manage.py export_ipe --operator FGTT [--output DIR] [--date AAAA-MM-JJ]``: write an operator's IPE."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guichet.core.context import Principal
from guichet.network import services
from guichet.operators.selectors import operators_for


class Command(BaseCommand):
    help = "Écrit le fichier IPE (Interop'Fibre v3.0) destiné à un opérateur commercial."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--operator", required=True, help="Code opérateur ARCEP du destinataire (ex. FGTT)."
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Dossier où écrire le fichier (par défaut : MEDIA_ROOT/exports/ipe).",
        )
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="Date d'extraction AAAA-MM-JJ (par défaut : aujourd'hui).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["operator"].strip().upper()
        actor = Principal.system("export_ipe")
        operator = operators_for(actor).filter(arcep_code=code).first()
        if operator is None:
            raise CommandError(f"Opérateur inconnu : {code}.")
        folder: Path = options["output"] or Path(settings.MEDIA_ROOT) / "exports" / "ipe"
        folder.mkdir(parents=True, exist_ok=True)
        export = services.export_ipe(
            actor=actor, operator=operator, target=folder, as_of=options["date"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"IPE de {operator.name} ({code}) : {export.path} — {export.rows} ligne(s)."
            )
        )
