"""``manage.py generate_invoices --month 2026-10 [--draft]``: the monthly invoicing by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guichet.billing import services
from guichet.billing.money import parse_month
from guichet.core.context import Principal
from guichet.core.errors import GuichetError


class Command(BaseCommand):
    help = (
        "Génère (et émet, sauf --draft) les factures d'un mois échu pour chaque opérateur (BIL-02)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="Mois facturé, AAAA-MM.")
        parser.add_argument(
            "--draft", action="store_true", help="Laisser les factures en brouillon."
        )

    def handle(self, *args: Any, month: str, draft: bool, **options: Any) -> None:
        actor = Principal.system("billing.generate_invoices")
        try:
            period = services.check_month(parse_month(month), month)
            summary = services.generate_invoices(actor=actor, period=period, issue=not draft)
        except GuichetError as exc:
            raise CommandError(f"{exc.code} : {exc.message('fr')}") from exc
        self.stdout.write(
            f"{month} : {len(summary.issued)} facture(s) émise(s), "
            f"{len(summary.drafted)} brouillon(s), {len(summary.already_issued)} déjà émise(s), "
            f"{len(summary.nothing_owed)} opérateur(s) sans montant dû."
        )
        for number in summary.issued:
            self.stdout.write(f"  {number}")
