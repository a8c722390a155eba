"""The small demo loaded by ``make run``: the Provider's staff, two operators, each with an admin,
and a small generated network on the real Deux-Sèvres names with lines of both operators.

Idempotent: running it again creates nothing twice and prints the same logins.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from guichet.accounts import services as accounts_services
from guichet.accounts.models import Role, User
from guichet.accounts.services.profiles import ensure_profile_templates
from guichet.core.context import Principal
from guichet.network import generator
from guichet.network.choices import ImportStatus
from guichet.operators import services as operators_services
from guichet.operators.models import Operator

DEMO_OPERATORS = [
    {
        "name": "Fibre Gâtine Télécom",
        "legal_form": "SAS",
        "share_capital": Decimal("150000.00"),
        "rcs_city": "Niort",
        "rcs_number": "812 345 676",
        "siren": "812345676",
        "arcep_code": "FGTT",
        "head_office_street": "12 rue Ricard",
        "head_office_postcode": "79000",
        "head_office_city": "Niort",
        "representative_name": "Claire Martineau",
        "representative_capacity": "Présidente",
        "security_contact_name": "Julien Roux",
        "security_contact_email": "securite@fibre-gatine.example",
        "security_contact_phone": "05 49 00 00 01",
        "billing_contact_name": "Service facturation",
        "billing_contact_email": "factures@fibre-gatine.example",
    },
    {
        "name": "Marais Numérique",
        "legal_form": "SARL",
        "share_capital": Decimal("40000.00"),
        "rcs_city": "Niort",
        "rcs_number": "834 567 893",
        "siren": "834567893",
        "arcep_code": "MRNM",
        "head_office_street": "3 place du Donjon",
        "head_office_postcode": "79000",
        "head_office_city": "Niort",
        "representative_name": "Karim Benali",
        "representative_capacity": "Gérant",
        "security_contact_name": "Karim Benali",
        "security_contact_email": "rssi@marais-numerique.example",
        "security_contact_phone": "05 49 00 00 02",
    },
]


@dataclass(frozen=True)
class DemoLogin:
    login: str
    password: str
    who: str


DEMO_PROVIDER_STAFF = DemoLogin(
    "agent.fournisseur", "Gatine-Fibre-2026!", "Fournisseur (back-office)"
)
# Small enough for `make run` to start in seconds, big enough for every IPE state and PM phase.
DEMO_NETWORK_PREMISES = 3_000
DEMO_NETWORK_SEED = 79
DEMO_OPERATOR_ADMINS = {
    "FGTT": DemoLogin("admin.fgtt", "Fgtt-Admin-2026!", "Administrateur Fibre Gâtine Télécom"),
    "MRNM": DemoLogin("admin.mrnm", "Mrnm-Admin-2026!", "Administrateur Marais Numérique"),
}


@transaction.atomic
def load_demo(*, network: bool = True) -> list[DemoLogin]:
    """Create what is missing of the demo; return the logins to print.

    ``network=False`` leaves the generated network out (tests that only need the people).
    """
    actor = Principal.system("demo")
    ensure_profile_templates(actor=actor)
    if not User.objects.filter(username=DEMO_PROVIDER_STAFF.login).exists():
        accounts_services.create_person(
            actor=actor,
            username=DEMO_PROVIDER_STAFF.login,
            email="agent@deux-sevres-numerique.example",
            first_name="Sophie",
            last_name="Bernard",
            operator=None,
            role=Role.ADMIN,
            password=DEMO_PROVIDER_STAFF.password,
            is_superuser=True,
        )
    for values in DEMO_OPERATORS:
        operator = Operator.objects.filter(arcep_code=values["arcep_code"]).first()
        if operator is None:
            operator = operators_services.create_operator(actor=actor, **values)
        admin = DEMO_OPERATOR_ADMINS[operator.arcep_code]
        if not User.objects.filter(username=admin.login).exists():
            first, last = values["representative_name"].split(" ", 1)
            accounts_services.create_person(
                actor=actor,
                username=admin.login,
                email=f"{admin.login}@{operator.arcep_code.lower()}.example",
                first_name=first,
                last_name=last,
                operator=operator,
                role=Role.ADMIN,
                password=admin.password,
            )
    if network:
        _load_network(actor)
    return [DEMO_PROVIDER_STAFF, *DEMO_OPERATOR_ADMINS.values()]


def _load_network(actor: Principal) -> None:
    """Generate the demo network once (a succeeded generation means it is there)."""
    if generator.has_generated():
        return
    operators = list(
        Operator.objects.filter(arcep_code__in=DEMO_OPERATOR_ADMINS).order_by("arcep_code")
    )
    job = generator.generate(
        actor=actor,
        premises=DEMO_NETWORK_PREMISES,
        seed=DEMO_NETWORK_SEED,
        operators=operators,
    )
    if job.status != ImportStatus.SUCCEEDED:
        raise RuntimeError(f"Réseau de démonstration non généré : {job.message}")
