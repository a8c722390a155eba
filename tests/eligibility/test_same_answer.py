"""Same answer everywhere (GEN-02, ELI-01..03, TAO-01): one set of places through every door.

Eligibility: REST (TMF679), SOAP (zeep, ``/ws/eligibilite``), the portal (its stored
answer, and the page showing it) and a bulk file must give, per place and per offer, the
same verdict, reason codes and dates, and the same resolution. Bulk lines are also
compared cell by cell with the rendering of ``qualify``'s own answer. TAO: REST
(TMF673 ``geographicSubAddress``) and SOAP (``/ws/tao``) give the same doors, PTO states
and occupancy.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from guichet.accounts.models import User
from guichet.addresses.selectors import PlaceQuery
from guichet.addresses.services import refresh_index
from guichet.core.context import principal_for_user
from guichet.eligibility.answers import as_answer
from guichet.eligibility.bulk import engine, output
from guichet.eligibility.bulk.services import submit_eligibility_job
from guichet.eligibility.models import Qualification
from guichet.eligibility.services import qualify
from guichet.network.choices import BuildingState, LineState
from guichet.network.models import Address, Building, Line
from tests.accounts.credential_support import AGENT_ADDRESS
from tests.eligibility.test_soap_support import (
    Caller,
    caller_a,
    entete,
    inventory_loaded,
    soap_client,
)
from tests.factories import SYSTEM
from tests.network.factories import make_building, make_pm

__all__ = ["caller_a", "soap_client"]  # fixtures used by name

pytestmark = pytest.mark.django_db
POQ = "/tmf-api/productOfferingQualification/v4/productOfferingQualification"
TAO_BASE = "/tmf-api/geographicAddressManagement/v4/geographicAddress"
OFFERS = ("ftth-access", "ftte-passive-nro", "ftte-passive-pm", "ftte-active")


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def places(caller_a: Caller, operator_a: Any) -> dict[str, dict[str, Any]]:
    """Each kind of place, as every door names it: the REST place, the SOAP reference,
    the portal form, the bulk columns."""
    inventory_loaded()
    open_pm = make_pm("DSNU-PM-00042", first_provision_on=date(2025, 1, 15))
    block = make_building(open_pm, premises=3, cabling_on=date(2025, 2, 1))
    house = make_building(open_pm)
    late_pm = make_pm(first_provision_on=date.today())  # opens in three months
    late = make_building(late_pm, premises=2)
    abandoned = make_building(open_pm, state=BuildingState.ABANDONED)
    premises = list(block.premises.order_by("pk"))
    Line.objects.create(
        reference="LGN-OPEA-0001",
        operator=operator_a,
        premises=premises[2],
        state=LineState.ACTIVE,
        nd="0549000001",
    )
    twin = Address.objects.create(  # the same street number in Parthenay: ambiguous text
        hexacle="79202B0012",
        ban_id="79202_0150_00012",
        insee="79202",
        rivoli="0150",
        number=house.address.number,
        street_type="RUE",
        street_name="RUE DE LA GARE",
        postcode="79200",
        commune_name="Parthenay",
    )
    assert twin.pk
    refresh_index(actor=SYSTEM)
    pto = premises[1].pto_reference
    n = block.address.number
    return {
        "hexacle": {
            "rest": {"hexacle": block.address.hexacle},
            "soap": {"ReferenceHexacle": block.address.hexacle},
            "portal": {"hexacle": block.address.hexacle},
            "bulk": {"hexacle": block.address.hexacle},
        },
        "pto": {
            "rest": {"geographicSubAddress": [{"id": pto}]},
            "soap": {"ReferencePTO": pto},
            "portal": {"pto": pto},
            "bulk": {"pto": pto},
        },
        "nd": {
            "rest": {"nd": "0549000001"},
            "soap": {"ND": "0549000001"},
            "portal": {"nd": "0549000001"},
            "bulk": {"nd": "0549000001"},
        },
        "building": {
            "rest": {"buildingId": block.ipe_id},
            "soap": {"IdentifiantImmeuble": block.ipe_id},
            "portal": {"building_id": block.ipe_id},
            "bulk": {"id_immeuble": block.ipe_id},
        },
        "rivoli": {
            "rest": {"codeInsee": "79191", "codeRivoli": "0001", "streetNr": str(n)},
            "soap": {
                "ReferenceRivoli": {"CodeInsee": "79191", "CodeRivoli": "0001", "NumeroVoie": n}
            },
            "portal": {"insee": "79191", "rivoli": "0001", "number": str(n)},
            "bulk": {"code_insee": "79191", "code_rivoli": "0001", "numero": str(n)},
        },
        "text": {
            "rest": {"name": f"{n} rue de la Gare 79000 Niort"},
            "soap": {"AdresseLibre": f"{n} rue de la Gare 79000 Niort"},
            "portal": {"q": f"{n} rue de la Gare 79000 Niort"},
            "bulk": {"adresse": f"{n} rue de la Gare 79000 Niort"},
        },
        "unknown": {
            "rest": {"hexacle": "7919199999"},
            "soap": {"ReferenceHexacle": "7919199999"},
            "portal": {"hexacle": "7919199999"},
            "bulk": {"hexacle": "7919199999"},
        },
        "ambiguous": {
            "rest": {"name": f"{house.address.number} rue de la Gare"},
            "soap": {"AdresseLibre": f"{house.address.number} rue de la Gare"},
            "portal": {"q": f"{house.address.number} rue de la Gare"},
            "bulk": {"adresse": f"{house.address.number} rue de la Gare"},
        },
        "before-opening": {
            "rest": {"hexacle": late.address.hexacle},
            "soap": {"ReferenceHexacle": late.address.hexacle},
            "portal": {"hexacle": late.address.hexacle},
            "bulk": {"hexacle": late.address.hexacle},
        },
        "abandoned": {
            "rest": {"buildingId": abandoned.ipe_id},
            "soap": {"IdentifiantImmeuble": abandoned.ipe_id},
            "portal": {"building_id": abandoned.ipe_id},
            "bulk": {"id_immeuble": abandoned.ipe_id},
        },
    }


Verdicts = dict[str, Any]


def _verdicts(
    resolution: str, offers: dict[str, tuple[bool, tuple[str, ...], Any, Any]]
) -> Verdicts:
    return {"resolution": resolution, "offers": offers}


def by_rest(caller: Caller, place: dict[str, Any]) -> Verdicts:
    body = {
        "instantSyncQualification": True,
        "place": [{"role": "installationAddress", "@type": "GeographicAddress", **place}],
    }
    response = Client(REMOTE_ADDR=AGENT_ADDRESS).post(
        POQ, json.dumps(body), content_type="application/json", headers=caller.headers()
    )
    assert response.status_code == 200, response.content
    resource = response.json()
    roles = {p["role"] for p in resource["place"]}
    resolution = (
        "found" if roles == {"installationAddress"} else "ambiguous" if roles else "unknown"
    )
    offers = {}
    for item in resource["productOfferingQualificationItem"]:
        values = {c["name"]: c["value"] for c in item["product"]["productCharacteristic"]}
        offers[item["productOffering"]["id"]] = (
            item["qualificationItemResult"] == "qualified",
            tuple(r["code"] for r in item["eligibilityUnavailabilityReason"]),
            values.get("eligibleSince"),
            item.get("expectedActivationDate"),
        )
    return _verdicts(resolution, offers)


SOAP_STATUS = {"TROUVEE": "found", "AMBIGUE": "ambiguous", "INCONNUE": "unknown"}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def by_soap(client: Any, reference: dict[str, Any]) -> Verdicts:
    answer = client.service.consultationEligibilite(Entete=entete(), ReferenceAdresse=reference)
    offers = {
        offre.CodeOffre: (
            offre.Eligible,
            tuple(m.CodeMotif for m in offre.Motifs.Motif) if offre.Motifs else (),
            _iso(offre.DateDisponibilite),
            _iso(offre.DateDisponibilitePrevue),
        )
        for offre in answer.Offres.Offre
    }
    return _verdicts(SOAP_STATUS[answer.ResolutionAdresse.StatutAdresse], offers)


def of_answer(answer: dict[str, Any]) -> Verdicts:
    offers = {
        item["offer"]: (
            item["result"] == "eligible",
            tuple(r["code"] for r in item["reasons"]),
            item["since"],
            item["available_from"],
        )
        for item in answer["items"]
    }
    return _verdicts(answer["resolution"], offers)


def by_portal(browser: Client, fields: dict[str, str]) -> Verdicts:
    response = browser.post("/eligibilite/", fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = response["Location"].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    page = browser.get(response["Location"])
    assert page.status_code == 200
    answer = as_answer(Qualification.objects.get(pk=pk))
    html = page.content.decode()
    for item in answer["items"] if answer["resolution"] == "found" else ():
        # the page shows the stored answer's offers and codes
        assert f'data-offer="{item["offer"]}"' in html
        for reason in item["reasons"]:
            assert reason["code"] in html
    return of_answer(answer)


def by_bulk(person: User, rows: dict[str, dict[str, str]]) -> dict[str, tuple[Verdicts, list[str]]]:
    columns = ["reference", "pto", "nd", "id_immeuble", "hexacle", "code_insee", "code_rivoli"]
    columns += ["numero", "adresse"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    for name, fields in rows.items():
        writer.writerow([name if c == "reference" else fields.get(c, "") for c in columns])
    actor = principal_for_user(person, channel="rest", ip=None, request_id="bulk")
    job = submit_eligibility_job(actor=actor, upload=io.BytesIO(out.getvalue().encode()), name="x")
    engine.run(job.pk)
    job.refresh_from_db()
    text = Path(job.result_path).read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = lines[0], lines[1:]
    assert [line[1] for line in body] == list(rows)  # one line each, in order
    found = {}
    for line in body:
        cells = dict(zip(header, line, strict=True))
        offers = {
            offer: (
                cells[offer] == "eligible",
                tuple(code for code in cells[f"{offer}_motifs"].split("|") if code),
                cells[f"{offer}_depuis"] or None,
                cells[f"{offer}_a_partir_du"] or None,
            )
            for offer in OFFERS
        }
        found[cells["reference"]] = (_verdicts(cells["statut"], offers), line[4:-2])
    return found


def test_eli_same_answer_on_rest_soap_portal_and_bulk(
    places: dict[str, dict[str, Any]],
    caller_a: Caller,
    soap_client: Callable[..., Any],
) -> None:
    person = User.objects.get(username=caller_a.login)
    soap = soap_client("/ws/eligibilite", caller_a)
    browser = Client()
    browser.force_login(person)
    bulk = by_bulk(person, {name: doors["bulk"] for name, doors in places.items()})
    seen = set()
    for name, doors in places.items():
        rest = by_rest(caller_a, doors["rest"])
        assert by_soap(soap, doors["soap"]) == rest, name
        assert by_portal(browser, doors["portal"]) == rest, name
        assert bulk[name][0] == rest, name
        seen.add((rest["resolution"], rest["offers"]["ftth-access"][1]))
    # The set covers what it claims: found, unknown, ambiguous, before opening, abandoned.
    assert {s for s, _ in seen} == {"found", "unknown", "ambiguous"}
    codes = {c for _, reasons in seen for c in reasons}
    assert {"beforeCommercialOpening", "abandoned", "unknownAddress", "ambiguousAddress"} <= codes


def test_eli_03_bulk_line_is_qualify_rendered_cell_by_cell(
    places: dict[str, dict[str, Any]], caller_a: Caller
) -> None:
    """Beyond the verdicts: address, building, PM, PBO, dates, candidates, extraction date."""
    person = User.objects.get(username=caller_a.login)
    actor = principal_for_user(person, channel="rest", ip=None, request_id="qualify")
    bulk = by_bulk(person, {name: doors["bulk"] for name, doors in places.items()})
    queries = {
        "hexacle": lambda d: PlaceQuery(hexacle=d["hexacle"]),
        "pto": lambda d: PlaceQuery(pto=d["pto"]),
        "nd": lambda d: PlaceQuery(nd=d["nd"]),
        "id_immeuble": lambda d: PlaceQuery(building_id=d["id_immeuble"]),
        "code_insee": lambda d: PlaceQuery(
            insee=d["code_insee"], rivoli=d["code_rivoli"], number=int(d["numero"])
        ),
        "adresse": lambda d: PlaceQuery(text=d["adresse"]),
    }
    for name, doors in places.items():
        fields = doors["bulk"]
        query = next(make(fields) for key, make in queries.items() if key in fields)
        answer = as_answer(qualify(actor=actor, query=query))
        assert bulk[name][1] == output.answer_cells(answer), name


def _tao_rest(caller: Caller, query: str) -> tuple[str, list[tuple[Any, ...]]]:
    client = Client(REMOTE_ADDR=AGENT_ADDRESS)
    found = client.get(f"{TAO_BASE}?{query}", headers=caller.headers())
    assert found.status_code == 200, found.content
    addresses = found.json()
    if len(addresses) != 1:
        return ("ambiguous" if addresses else "unknown"), []
    subs = client.get(
        f"{TAO_BASE}/{addresses[0]['id']}/geographicSubAddress", headers=caller.headers()
    )
    assert subs.status_code == 200, subs.content
    return "found", sorted(
        (s.get("ptoReference"), s.get("buildingId") or s.get("building", {}).get("id"),
         s.get("ptoState"), s.get("occupancy") in ("inUse", "inUseByYou"))
        for s in subs.json()
    )  # fmt: skip


PTO_STATES = {"EXISTANTE": "existing", "A_CONSTRUIRE": "toBuild"}


def _tao_soap(client: Any, reference: dict[str, Any]) -> tuple[str, list[tuple[Any, ...]]]:
    answer = client.service.consultationStructureAdresse(
        Entete=entete(), ReferenceAdresse=reference
    )
    status = SOAP_STATUS[answer.ResolutionAdresse.StatutAdresse]
    if status != "found" or not answer.Batiments:
        return status, []
    doors = [
        (porte.ReferencePTO, batiment.IdentifiantImmeuble, porte.EtatPTO,
         porte.LibreOuOccupe == "OCCUPE")
        for batiment in answer.Batiments.Batiment
        for escalier in batiment.Escalier
        for etage in escalier.Etage
        for porte in etage.Porte
    ]  # fmt: skip
    return status, sorted(doors)


def test_tao_same_structure_on_rest_and_soap(
    places: dict[str, dict[str, Any]],
    caller_a: Caller,
    soap_client: Callable[..., Any],
) -> None:
    soap = soap_client("/ws/tao", caller_a)
    block = Building.objects.get(ipe_id=places["building"]["bulk"]["id_immeuble"])
    hexacle = block.address.hexacle
    cases = {
        "hexacle": (f"hexacle={hexacle}", {"ReferenceHexacle": hexacle}),
        "building": (f"buildingId={block.ipe_id}", {"IdentifiantImmeuble": block.ipe_id}),
        "rivoli": (
            f"codeInsee=79191&codeRivoli=0001&streetNr={block.address.number}",
            {"ReferenceRivoli": {"CodeInsee": "79191", "CodeRivoli": "0001",
                                 "NumeroVoie": block.address.number}},
        ),
        "unknown": ("hexacle=7919199999", {"ReferenceHexacle": "7919199999"}),
    }  # fmt: skip
    for name, (query, reference) in cases.items():
        rest_status, rest_doors = _tao_rest(caller_a, query)
        soap_status, soap_doors = _tao_soap(soap, reference)
        assert rest_status == soap_status, name
        # PTO, building and occupancy match; the state names are each door's own.
        assert [d[:2] + d[3:] for d in rest_doors] == [d[:2] + d[3:] for d in soap_doors], name
        assert [d[2] for d in rest_doors] == [
            PTO_STATES.get(d[2], d[2]) if d[2] else d[2] for d in soap_doors
        ] or not rest_doors, name
    status, doors = _tao_soap(soap, cases["hexacle"][1])
    assert status == "found" and len(doors) == 3 and sum(d[3] for d in doors) == 1
