"""The SOAP chapter of the integration guide runs as written (docs/integration/soap-eligibilite-tao.md).

Each request of the guide is posted as it stands, with a real API key, to an inventory
holding exactly the guide's address; the answer must be the guide's response, except the
values that change on every call (marked ``…`` in both before comparing).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from guichet.eligibility.services import create_exclusion_zone
from guichet.network.choices import BuildingState, BuildingType, PmState, PtoState
from guichet.network.models import Address, Building, Nro, Pbo, Pm, Premises
from tests.eligibility.test_soap_support import (
    Caller,
    caller_a,
    inventory_loaded,
    live_line,
    post_xml,
    system_caller,
)
from tests.factories import SYSTEM, make_operator

__all__ = ["caller_a", "post_xml"]  # fixtures used by name

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integration" / "soap-eligibilite-tao.md"
# Values that differ on every call: the answer's time and references.
VOLATILE = {"HorodatageReponse", "IdentifiantReponse", "IdentifiantQualification", "requestId"}


def example(name: str) -> bytes:
    """The code block that follows ``<!-- exemple testé : name -->``."""
    pattern = rf"<!-- exemple testé : {re.escape(name)} -->\s*```\w*\n(.*?)```"
    match = re.search(pattern, GUIDE.read_text(encoding="utf-8"), re.S)
    assert match, f"{GUIDE.name}: no tested example {name!r}"
    return textwrap.dedent(match.group(1)).encode()


def canonical(xml: bytes) -> str:
    parser = etree.XMLParser(remove_blank_text=True)
    root = etree.fromstring(xml.strip(), parser)
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname in VOLATILE:
            node.text = "…"
    return etree.tostring(root, method="c14n").decode()


@pytest.fixture
def guide_inventory(caller_a: Caller) -> Building:
    """The guide's address: 12 bis rue de la Gare, Niort — one building, staircase A, 3 doors."""
    inventory_loaded()
    nro = Nro.objects.create(code="NRO79191", reference="79NRO001")
    pm = Pm.objects.create(
        code="PMC000042",
        reference="DSNU-PM-00042",
        nro=nro,
        state=PmState.DEPLOYED,
        first_provision_on=date(2025, 1, 15),
        insee="79191",
    )
    address = Address.objects.create(
        hexacle="79191A0012",
        hexacle_street="79191A0000",
        ban_id="79191_0420_00012_bis",
        insee="79191",
        rivoli="0420",
        number=12,
        suffix="B",
        street_type="RUE",
        street_name="RUE DE LA GARE",
        postcode="79000",
        commune_name="Niort",
        longitude=-0.4586,
        latitude=46.3237,
    )
    building = Building.objects.create(
        ipe_id="IMB/79191/X/0012",
        address=address,
        name="A",
        building_type=BuildingType.BLOCK,
        state=BuildingState.DEPLOYED,
        pm=pm,
        premises_count=3,
        cabling_on=date(2025, 2, 1),
    )
    pbo = Pbo.objects.create(code="PBOC0012", reference="PBO-79191-0012", pm=pm)
    for index, (floor, door, state) in enumerate(
        [
            ("0", "01", PtoState.EXISTING),
            ("1", "11", PtoState.EXISTING),
            ("1", "12", PtoState.TO_BUILD),
        ]
    ):
        Premises.objects.create(
            code=f"LC0012{index}",
            building=building,
            staircase="A",
            floor=floor,
            door=door,
            pbo=pbo,
            pto_reference=f"DS-0012-000{index + 1}",
            pto_state=state,
        )
    # A line of another operator on door 01: TAO says "occupied", never whose.
    live_line(building, make_operator("OPEZ", name="Opérateur Z"), 0, ref="LGN-OPEZ-0001")
    create_exclusion_zone(
        actor=SYSTEM, scope="commune", value="79191", offer="ftte-active", reason="Hors zone"
    )
    return building


@pytest.mark.parametrize(
    ("path", "request_name", "response_name"),
    [
        ("/ws/eligibilite", "eligibilite-requete", "eligibilite-reponse"),
        ("/ws/tao", "tao-requete", "tao-reponse"),
        ("/ws/eligibilite", "eligibilite-ambigue-requete", "eligibilite-ambigue-reponse"),
    ],
)
def test_eli_01_tao_01_soap_guide_examples_answer_as_documented(
    post_xml: Callable[..., Any],
    caller_a: Caller,
    guide_inventory: Building,
    path: str,
    request_name: str,
    response_name: str,
) -> None:
    if "ambigue" in request_name:
        twin = Address.objects.get(hexacle="79191A0012")
        # The same street number recorded twice, the second in the lieu-dit Souché.
        twin.pk, twin.hexacle, twin.ban_id, twin.locality = None, None, None, "Souché"
        twin.latitude, twin.longitude = None, None
        twin.save()
    response = post_xml(path, example(request_name), caller_a)
    assert response.status_code == 200, response.content
    assert canonical(response.content) == canonical(example(response_name))


def test_eli_01_soap_guide_fault_example_is_what_a_refused_operator_gets(
    post_xml: Callable[..., Any], admin_b: Any, guide_inventory: Building
) -> None:
    caller = system_caller(admin_b, "si.b", services=("tao",))
    request = example("eligibilite-requete").replace(b">OPEA<", b">OPEB<")
    response = post_xml("/ws/eligibilite", request, caller)
    assert response.status_code == 500
    assert canonical(response.content) == canonical(example("faute-eli-001"))
