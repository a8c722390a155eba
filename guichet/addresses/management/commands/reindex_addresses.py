"""``manage.py reindex_addresses [--since ISO]``: rebuild the free-text address index."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from guichet.addresses import services
from guichet.core.context import Principal


class Command(BaseCommand):
    help = (
        "Reconstruit l'index de recherche d'adresses (texte libre) depuis l'inventaire : "
        "tout, ou les communes modifiées depuis --since."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            default="",
            help="Date ISO 8601 : seulement les communes dont une adresse a changé depuis.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"]:
            since = parse_datetime(options["since"])
            if since is None:
                raise CommandError(f"date invalide : {options['since']}")
        started = time.monotonic()

        def progress(done: int, total: int | None) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            line = f"\r  {_n(done)}/{_n(total or 0)} adresses ({_n(round(rate))}/s)"
            self.stderr.write(line, ending="")
            self.stderr.flush()

        state = services.refresh_index(
            actor=Principal.system("reindex_addresses"), since=since, on_progress=progress
        )
        self.stderr.write("")
        self.stdout.write(
            f"Index des adresses v{state.version} : {_n(state.entries)} voies, "
            f"{_n(state.addresses)} adresses, {_n(len(state.vocabulary))} mots, "
            f"en {state.seconds:.1f} s."
        )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")
