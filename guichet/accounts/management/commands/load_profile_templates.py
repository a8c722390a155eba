"""``manage.py load_profile_templates``: the Provider's default profile templates (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from guichet.accounts.services.profiles import ensure_profile_templates


class Command(BaseCommand):
    help = "Crée les modèles de profils du Fournisseur qui manquent (Consultation, Commandes, SAV, Administrateur)."

    def handle(self, *args: Any, **options: Any) -> None:
        for profile in ensure_profile_templates():
            self.stdout.write(f"  {profile.name:<16} {len(profile.rights):>2} droits")
        self.stdout.write(self.style.SUCCESS("Modèles de profils prêts."))
