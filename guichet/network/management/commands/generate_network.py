"""``manage.py generate_network --premises N --seed S``: a realistic inventory on the Deux-Sèvres names."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guichet.core.context import Principal
from guichet.network.choices import ImportStatus
from guichet.network.generator import DEFAULT_LINE_SHARE, generate
from guichet.network.management.commands.import_network import ProgressBar
from guichet.operators.selectors import operators_for

LABELS = {
    "communes": "communes",
    "addresses": "adresses",
    "buildings": "lignes IPE",
    "premises": "locaux",
    "nro": "NRO",
    "pm": "PM",
    "pbo": "PBO",
    "cables": "câbles",
    "fibres": "fibres",
    "lines": "lignes d'accès",
}


def _share(value: str) -> float:
    share = float(value)
    if not 0 <= share <= 1:
        raise ValueError(value)
    return share


class Command(BaseCommand):
    help = (
        "Génère un réseau réaliste (communes, voies et lieux-dits réels des Deux-Sèvres) : "
        "adresses, immeubles, locaux et PTO, NRO/PM/PBO, câbles, fibres, routes et lignes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--premises", type=int, required=True, help="Nombre de locaux.")
        parser.add_argument(
            "--seed", type=int, required=True, help="Graine (même graine, mêmes données)."
        )
        parser.add_argument(
            "--operators",
            default="",
            help="Codes ARCEP des opérateurs titulaires de lignes, séparés par des virgules (ex. FGTT,MRNM).",
        )
        parser.add_argument(
            "--line-share",
            type=_share,
            default=DEFAULT_LINE_SHARE,
            help="Part des locaux raccordables déjà en service chez ces opérateurs (0 à 1, défaut 0,3).",
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="Date décrite par les données (AAAA-MM-JJ, défaut : aujourd'hui).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["premises"] < 0:
            raise CommandError("--premises doit être positif.")
        codes = [code.strip().upper() for code in options["operators"].split(",") if code.strip()]
        actor = Principal.system("generate_network")
        operators = list(operators_for(actor).filter(arcep_code__in=codes))
        unknown = sorted(set(codes) - {operator.arcep_code for operator in operators})
        if unknown:
            raise CommandError(f"Opérateur(s) inconnu(s) : {', '.join(unknown)}.")
        started = time.monotonic()
        job = generate(
            actor=actor,
            premises=options["premises"],
            seed=options["seed"],
            operators=operators,
            line_share=options["line_share"],
            as_of=options["as_of"],
            on_progress=ProgressBar(self.stderr._out),
        )
        self.stderr.write("")
        elapsed = time.monotonic() - started
        if job.status != ImportStatus.SUCCEEDED:
            raise CommandError(f"Génération n°{job.pk} échouée : {job.message}")
        counts = ", ".join(
            f"{job.counts[key]:,} {label}".replace(",", " ")
            for key, label in LABELS.items()
            if key in job.counts
        )
        self.stdout.write(
            self.style.SUCCESS(f"Génération n°{job.pk} terminée en {elapsed:.1f} s : {counts}.")
        )
