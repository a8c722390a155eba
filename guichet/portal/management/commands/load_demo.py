"""``manage.py load_demo``: the demo data of ``make run`` (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from guichet.portal.demo import load_demo


class Command(BaseCommand):
    help = "Charge la démonstration (Fournisseur, deux opérateurs) et affiche les identifiants."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Démonstration prête. Identifiants de connexion :"))
        for login in logins:
            self.stdout.write(
                f"  {login.who:<40} identifiant : {login.login:<20} mot de passe : {login.password}"
            )
