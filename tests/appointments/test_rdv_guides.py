"""The e-RDV chapters of the integration guide run as written (docs/integration/rest-rdv.md and
soap-rdv.md).

Each request of a guide is sent as it stands, with a real API key, to an inventory holding the
guide's address (12 bis rue de la Gare, Niort) and a technician covering Niort with the four
standard windows. The guides are dated Monday 16 March 2026, the first bookable day; the test
moves them to today's first bookable day, and the answers back, before comparing. Values that
change on every call (IdRdv, creation and expiry dates, the answer's time) are masked ``…``.

After a deliberate change of an answer, ``RDV_GUIDE_WRITE=1 pytest …`` rewrites the response
blocks of the guides with what the platform now answers; read the diff.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from lxml import etree

from guichet.accounts.models import User
from guichet.appointments.models import Technician
from guichet.core.calendar import PARIS
from guichet.network.choices import BuildingState, BuildingType, PmState, PtoState
from guichet.network.models import Address, Building, Nro, Pbo, Pm, Premises
from guichet.operators.models import Operator
from tests.accounts.credential_support import AGENT_ADDRESS
from tests.appointments.conftest import first_day
from tests.appointments.soap_support import rdv_caller
from tests.eligibility.test_soap_support import Caller

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "integration"
GUIDE_DAY = date(2026, 3, 16)
GUIDE_OFFSET = "+01:00"
SIREN = "732829320"
WRITE = os.environ.get("RDV_GUIDE_WRITE") == "1"
ID_RDV = re.compile(r"RDV[0-9A-HJKMNP-TV-Z]{12}")
VOLATILE_JSON = {"creationDate", "lastUpdate", "holdExpiryDate", "searchDate"}
VOLATILE_XML = {"horodatageReponse", "idRendezvous", "idRendezVous", "requestId"}


def block(guide: Path, name: str) -> str:
    pattern = rf"<!-- exemple testé : {re.escape(name)} -->\s*```\w*\n(.*?)```"
    match = re.search(pattern, guide.read_text(encoding="utf-8"), re.S)
    assert match, f"{guide.name}: no tested example {name!r}"
    return textwrap.dedent(match.group(1))


def rewrite(guide: Path, name: str, content: str) -> None:
    text = guide.read_text(encoding="utf-8")
    pattern = rf"(<!-- exemple testé : {re.escape(name)} -->\s*```\w*\n)(.*?)(```)"
    text = re.sub(pattern, lambda m: m[1] + content.rstrip() + "\n" + m[3], text, flags=re.S)
    guide.write_text(text, encoding="utf-8")


class Dates:
    """Moves the guide's day to the first bookable day of today, and back."""

    def __init__(self) -> None:
        self.day = first_day()
        offset = datetime.combine(self.day, time(8), tzinfo=PARIS).isoformat()[-6:]
        self.pairs = [
            (GUIDE_DAY.isoformat(), self.day.isoformat()),
            (f"{GUIDE_DAY:%Y%m%d}", f"{self.day:%Y%m%d}"),
            (GUIDE_OFFSET, offset),
        ]

    def forward(self, text: str) -> str:
        for guide, real in self.pairs:
            text = text.replace(guide, real)
        return text

    def back(self, text: str) -> str:
        for guide, real in self.pairs:
            text = text.replace(real, guide)
        return text


def check(guide: Path, name: str, shown: str) -> None:
    """The answer is the guide's (or, with RDV_GUIDE_WRITE=1, becomes it)."""
    if WRITE:
        rewrite(guide, name, shown)
        return
    assert shown.strip() == block(guide, name).strip()


@pytest.fixture
def guide_place(admin_a: User, technician: Technician) -> Caller:
    """The guide's address, OPEA able to book (SIREN 732829320), a technician in Niort."""
    caller = rdv_caller(admin_a, "si.rdv.a")
    Operator.objects.filter(pk=admin_a.operator_id).update(siren=SIREN)
    nro = Nro.objects.create(code="NRO79191", reference="79NRO001")
    pm = Pm.objects.create(code="PMC000042", reference="DSNU-PM-00042", nro=nro,
                           state=PmState.DEPLOYED, first_provision_on=date(2025, 1, 15),
                           insee="79191")  # fmt: skip
    address = Address.objects.create(
        hexacle="79191A0012", hexacle_street="79191A0000", ban_id="79191_0420_00012_bis",
        insee="79191", rivoli="0420", number=12, suffix="B", street_type="RUE",
        street_name="RUE DE LA GARE", postcode="79000", commune_name="Niort",
        longitude=-0.4586, latitude=46.3237,
    )  # fmt: skip
    building = Building.objects.create(
        ipe_id="IMB/79191/X/0012", address=address, name="A", building_type=BuildingType.BLOCK,
        state=BuildingState.DEPLOYED, pm=pm, premises_count=3, cabling_on=date(2025, 2, 1),
    )  # fmt: skip
    pbo = Pbo.objects.create(code="PBOC0012", reference="PBO-79191-0012", pm=pm)
    for index, (floor, door) in enumerate([("0", "01"), ("1", "11"), ("1", "12")]):
        Premises.objects.create(
            code=f"LC0012{index}", building=building, staircase="A", floor=floor, door=door,
            pbo=pbo, pto_reference=f"DS-0012-000{index + 1}", pto_state=PtoState.EXISTING,
        )  # fmt: skip
    return caller


# --- REST ------------------------------------------------------------------------------------

REST = DOCS / "rest-rdv.md"


def send_http(client: Client, text: str, dates: Dates, **path_values: str) -> Any:
    head, _, body = dates.forward(text).partition("\n\n")
    method, path = head.splitlines()[0].split()
    for key, value in path_values.items():
        path = path.replace("{" + key + "}", value)
    return client.generic(method, path, body.strip(), content_type="application/json")


def shown_json(response: Any, dates: Dates) -> str:
    def mask(value: Any) -> Any:
        if isinstance(value, dict):
            # The premises' id is its database key: it differs from one database to another.
            volatile = VOLATILE_JSON | (
                {"id"} if value.get("@type") == "GeographicSubAddress" else set()
            )
            return {k: "…" if k in volatile else mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return ID_RDV.sub("RDV…", value) if isinstance(value, str) else value

    text = json.dumps(mask(response.json()), ensure_ascii=False, indent=2)
    return dates.back(text)


def test_rdv_01_rdv_02_rest_guide_examples_answer_as_documented(guide_place: Caller) -> None:
    client = Client(REMOTE_ADDR=AGENT_ADDRESS, headers=guide_place.headers())
    dates = Dates()
    steps = [
        ("rest-rdv-recherche", 200, {}),
        ("rest-rdv-reservation", 201, {}),
        ("rest-rdv-confirmation", 200, {}),
        ("rest-rdv-erreur-rdv-003", 409, {}),
    ]
    id_rdv = ""
    for name, status, _ in steps:
        response = send_http(client, block(REST, f"{name}-requete"), dates, IdRdv=id_rdv)
        assert response.status_code == status, response.content
        if name == "rest-rdv-reservation":
            id_rdv = response.json()["id"]
        check(REST, f"{name}-reponse", shown_json(response, dates))


# --- SOAP ------------------------------------------------------------------------------------

SOAP = DOCS / "soap-rdv.md"


def post_soap(client: Client, xml: str, dates: Dates) -> Any:
    return client.generic(
        "POST", "/ws/rdv", dates.forward(xml).encode(), content_type="text/xml; charset=utf-8"
    )


def shown_xml(response: Any, dates: Dates) -> str:
    root = etree.fromstring(response.content, etree.XMLParser(remove_blank_text=True))
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname in VOLATILE_XML:
            node.text = "…"
    text = etree.tostring(root, pretty_print=True, encoding="unicode")
    return dates.back(text)


def test_rdv_01_rdv_02_soap_guide_examples_answer_as_documented(guide_place: Caller) -> None:
    client = Client(REMOTE_ADDR=AGENT_ADDRESS, headers=guide_place.headers())
    dates = Dates()
    found = post_soap(client, block(SOAP, "soap-rdv-recherche-requete"), dates)
    assert found.status_code == 200, found.content
    check(SOAP, "soap-rdv-recherche-reponse", shown_xml(found, dates))

    reservation = block(SOAP, "soap-rdv-reservation-requete")
    booked = post_soap(client, reservation, dates)
    assert booked.status_code == 200, booked.content
    check(SOAP, "soap-rdv-reservation-reponse", shown_xml(booked, dates))
    id_rdv = ID_RDV.search(booked.content.decode())
    assert id_rdv

    body = re.compile(r"<int:ReservationCreneauRequete>.*</int:ReservationCreneauRequete>", re.S)
    confirm = body.sub(
        f"<int:ConfirmationRdvRequete><idRendezVous>{id_rdv[0]}</idRendezVous>"
        "<referenceCommande>CMD-ACCES-0042</referenceCommande></int:ConfirmationRdvRequete>",
        reservation,
    )
    assert post_soap(client, confirm, dates).status_code == 200
    consult = body.sub(
        f"<int:ConsultationRdvRequete><idRendezVous>{id_rdv[0]}</idRendezVous>"
        "</int:ConsultationRdvRequete>",
        reservation,
    )
    seen = post_soap(client, consult, dates)
    assert seen.status_code == 200, seen.content
    check(SOAP, "soap-rdv-consultation-reponse", shown_xml(seen, dates))

    again = post_soap(client, reservation, dates)  # the same slot: taken now
    assert again.status_code == 500
    check(SOAP, "soap-rdv-faute-rdv-003", shown_xml(again, dates))


@pytest.mark.parametrize("guide", [REST, SOAP])
def test_rdv_guides_have_no_untested_example(guide: Path) -> None:
    """Every example block is marked, and every mark is replayed above."""
    text = guide.read_text(encoding="utf-8")
    names = re.findall(r"<!-- exemple testé : ([\w-]+) -->", text)
    replayed = Path(__file__).read_text(encoding="utf-8")
    for name in names:
        stem = name.removesuffix("-requete").removesuffix("-reponse")
        assert stem in replayed, name
    assert text.count("```") == 2 * len(names), "an example block without its mark"
