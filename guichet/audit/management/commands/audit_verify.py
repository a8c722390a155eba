"""``manage.py audit_verify``: check the journal's hash chain, name each broken record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guichet.audit.recorder import verify


class Command(BaseCommand):
    help = "Vérifie l'intégrité du journal d'audit (chaînage SHA-256) et signale chaque rupture."

    def handle(self, *args: Any, **options: Any) -> None:
        count, problems = verify()
        for problem in problems:
            self.stderr.write(self.style.ERROR(problem.message))
        if problems:
            raise CommandError(
                f"{len(problems)} rupture(s) dans le journal ({count} enregistrements)"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Journal intègre : {count} enregistrements vérifiés.")
        )
