"""TAO test world: operators A (subscribed, FTTH contract, tao:read) and B (the same), C
(subscribed, no FTTH contract), D (FTTH contract, not subscribed); an inventory with one
multi-staircase building and the extraction date of its data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from guichet.accounts.models import Role, User
from guichet.network.choices import (
    BuildingState,
    BuildingType,
    ImportKind,
    ImportStatus,
    LineState,
    PmState,
    PremisesKind,
    PtoState,
)
from guichet.network.models import Address, Building, ImportJob, Line, Pbo, Premises
from guichet.operators.models import Operator, WholesaleOffer
from guichet.operators.services import wholesale
from tests.accounts.people_support import give_profile, subscribe
from tests.factories import SYSTEM, make_person
from tests.network.factories import make_building, make_pm

AS_OF = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
BASE = "/tmf-api/geographicAddressManagement/v4"


def tao_user(
    operator: Operator,
    login: str,
    *,
    contract: bool = True,
    subscribed: bool = True,
    role: str = Role.ADMIN,
) -> User:
    if contract:
        wholesale.register_wholesale_contract(
            actor=SYSTEM,
            operator=operator,
            offer=WholesaleOffer.FTTH_ACCESS,
            signed_on=date(2024, 1, 15),
        )
    if subscribed:
        subscribe(operator, "tao")
    person = make_person(login, operator, role)
    if subscribed:
        give_profile(person, "TAO", ["tao:read"])
    return person


@pytest.fixture
def as_of(db: None) -> datetime:
    ImportJob.objects.create(
        kind=ImportKind.IPE,
        source_name="ipe.csv",
        status=ImportStatus.SUCCEEDED,
        started_at=AS_OF,
        finished_at=AS_OF,
    )
    return AS_OF


@pytest.fixture
def tao_a(operator_a: Operator) -> User:
    return tao_user(operator_a, "tao.a")


@pytest.fixture
def tao_b(operator_b: Operator) -> User:
    return tao_user(operator_b, "tao.b")


@pytest.fixture
def residence(db: None, operator_a: Operator, operator_b: Operator) -> Building:
    """12 rue des Acacias, Niort: building B with staircases A and B (RDC, 1, 2, 10, SS1),
    a PTO to build, a line of A's and a line of B's; building A beside it (one house)."""
    pm = make_pm("DSNU-PM-00042", state=PmState.DEPLOYED)
    address = Address.objects.create(
        hexacle="79191AC012",
        ban_id="79191_0420_00012",
        insee="79191",
        rivoli="0420",
        number=12,
        street_type="RUE",
        street_name="DES ACACIAS",
        postcode="79000",
        commune_name="Niort",
        latitude=46.32,
        longitude=-0.46,
    )
    block = Building.objects.create(
        ipe_id="IMB/79191/AC/0012B",
        address=address,
        name="B",
        state=BuildingState.DEPLOYED,
        building_type=BuildingType.BLOCK,
        pm=pm,
    )
    house = Building.objects.create(
        ipe_id="IMB/79191/AC/0012A",
        address=address,
        name="A",
        state=BuildingState.DEPLOYING,
        building_type=BuildingType.HOUSE,
        pm=pm,
    )
    pbo = Pbo.objects.create(code="PBO-AC-1", reference="PBO-AC-0001", pm=pm)
    pbo_high = Pbo.objects.create(code="PBO-AC-2", reference="PBO-AC-0002", pm=pm)
    rows = [
        # staircase, floor, door, pto, state
        ("B", "1", "11", "DS-AC12-B011", PtoState.EXISTING),
        ("A", "10", "101", "DS-AC12-A101", PtoState.EXISTING),
        ("A", "2", "21", "DS-AC12-A021", PtoState.EXISTING),
        ("A", "RDC", "2", "DS-AC12-A002", PtoState.EXISTING),
        ("A", "RDC", "10", "DS-AC12-A010", PtoState.TO_BUILD),
        ("A", "SS1", "C1", "DS-AC12-AC01", PtoState.EXISTING),
        ("A", "1", "11", "DS-AC12-A011", PtoState.EXISTING),
    ]
    for n, (staircase, floor, door, pto, state) in enumerate(rows):
        Premises.objects.create(
            code=f"LC-AC12-{n}",
            building=block,
            staircase=staircase,
            floor=floor,
            door=door,
            pto_reference=pto,
            pto_state=state,
            pbo=pbo_high if floor == "10" else pbo,
            kind=PremisesKind.PROFESSIONAL if floor == "SS1" else PremisesKind.RESIDENTIAL,
        )
    Premises.objects.create(
        code="LC-AC12-H",
        building=house,
        pto_reference="DS-AC12-H000",
        pto_state=PtoState.TO_BUILD,
        pbo=pbo,
    )
    Line.objects.create(
        reference="OPEA-L-0001",
        operator=operator_a,
        nd="0549000001",
        state=LineState.ACTIVE,
        premises=Premises.objects.get(pto_reference="DS-AC12-A021"),
    )
    Line.objects.create(
        reference="OPEB-L-0001",
        operator=operator_b,
        nd="0549000002",
        state=LineState.ACTIVE,
        premises=Premises.objects.get(pto_reference="DS-AC12-A011"),
    )
    Line.objects.create(
        reference="OPEB-L-0000",
        operator=operator_b,
        nd="0549000003",
        state=LineState.TERMINATED,
        premises=Premises.objects.get(pto_reference="DS-AC12-B011"),
    )
    return block


def big_building(premises: int) -> Building:
    return make_building(make_pm(), premises=premises)
