"""``manage.py pki_crl``: create the platform's CA if needed and publish a fresh CRL.

nginx refuses every client certificate once its CRL is past ``nextUpdate`` (30 days):
run this daily (systemd timer) and at installation, before nginx first starts.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from django.core.management.base import BaseCommand

from guichet.accounts import ca
from guichet.accounts.services.credentials import refresh_crl


class Command(BaseCommand):
    help = "Crée l'autorité de la plateforme si besoin et publie une CRL à jour (ca.pem, crl.pem)."

    def handle(self, *args: Any, **options: Any) -> None:
        authority = ca.authority()
        crl = x509.load_pem_x509_crl(refresh_crl())
        self.stdout.write(f"  AC   {authority.directory / 'ca.pem'}")
        self.stdout.write(
            f"  CRL  {authority.directory / 'crl.pem'} — {len(crl)} certificat(s) révoqué(s), "
            f"valide jusqu'au {crl.next_update_utc:%d/%m/%Y %H:%M} UTC"
        )
        self.stdout.write(self.style.SUCCESS("CRL publiée."))
