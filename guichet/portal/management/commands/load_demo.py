"""``manage.py load_demo``: the demo data of ``make run`` (idempotent).

People and the generated network first, then the signed contracts and subscriptions of the two
demo operators, then the prices and last month's invoices.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from guichet.appointments.demo import load_appointments_demo
from guichet.billing.demo import load_billing_demo
from guichet.core.context import Principal
from guichet.operators.demo import load_contract_demo
from guichet.portal.demo import load_demo


class Command(BaseCommand):
    help = (
        "Charge la démonstration (Fournisseur, deux opérateurs, contrats, souscriptions, "
        "factures) et affiche les identifiants."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        actor = Principal.system("demo")
        subscriptions = load_contract_demo(actor)
        issued = load_billing_demo(actor)
        technicians = load_appointments_demo(actor)
        self.stdout.write(
            f"Contrats signés, {subscriptions} souscriptions actives"
            + (f", factures émises : {', '.join(issued)}." if issued else ".")
        )
        self.stdout.write(f"e-RDV : {technicians} techniciens et équipes planifiés.")
        self.stdout.write(self.style.SUCCESS("Démonstration prête. Identifiants de connexion :"))
        for login in logins:
            self.stdout.write(
                f"  {login.who:<40} identifiant : {login.login:<20} mot de passe : {login.password}"
            )
