"""``manage.py load_contract_documents``: the shipped contract documents, idempotently."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from guichet.core.context import Principal
from guichet.operators.services.contracts import load_catalogue


class Command(BaseCommand):
    help = "Charge l'Accord-cadre, les Conditions Générales, leurs annexes et les Conditions Spécifiques."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_catalogue(actor=Principal.system("load_contract_documents"))
        self.stdout.write(f"{len(created)} document(s) créé(s).")
