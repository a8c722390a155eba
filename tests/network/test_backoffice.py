"""NET-01/NET-03 in the Provider back-office: search the inventory, see a premises with its
route, line and PM, start imports and read their progress and error reports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.core.errors import GuichetError
from guichet.network import errors, services, tasks
from guichet.network.choices import (
    BuildingState,
    FibreState,
    ImportKind,
    ImportStatus,
    IssueSeverity,
    LineState,
    PmState,
)
from guichet.network.importing.base import ImportContext, progress_key
from guichet.network.models import (
    Cable,
    Commune,
    Fibre,
    ImportIssue,
    ImportJob,
    Line,
    OpticalRoute,
    Pm,
    Premises,
    RouteFibre,
)
from guichet.network.portal.downloads import safe_cell
from guichet.network.portal.views import _count_label
from tests.network.factories import make_building, make_pm
from tests.network.gracethd_fixtures import demo, zip_folder

pytestmark = pytest.mark.django_db

SEARCH = "/back-office/reseau/"
PTO_CELL = re.compile(
    r"<td class=\"nowrap\"><code>([A-Z0-9]{2}-[A-Z0-9]{4}-[A-Z0-9]{4})</code></td>"
)


@pytest.fixture(autouse=True)
def _isolated_settings(settings: Any) -> None:
    """No argon2: hashing is most of a test's set-up time (the private cache: conftest)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- builders ---------------------------------------------------------------------------------


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _route(premises: Premises, pm: Pm, hops: int = 3) -> OpticalRoute:
    """A route PM → PTO through ``hops`` fibres of distinct cables, stored out of order."""
    route = OpticalRoute.objects.create(
        code=f"RO-{premises.code}",
        premises=premises,
        pbo=premises.pbo,
        pm=pm,
        pm_module="MOD-03",
        pm_position="17",
        connector_number=2,
        connector_color="vert",
    )
    fibres = []
    for order in range(1, hops + 1):
        cable = Cable.objects.create(code=f"CB-{premises.code}-{order}", label=f"CABLE-{order}")
        fibres.append(
            Fibre.objects.create(
                code=f"FO-{premises.code}-{order}",
                cable=cable,
                rank=10 + order,
                tube=order,
                rank_in_tube=order + 4,
                state=FibreState.IN_USE,
            )
        )
    # Inserted backwards: the page must order the hops, not rely on insertion order.
    for order in range(hops, 0, -1):
        RouteFibre.objects.create(route=route, fibre=fibres[order - 1], order=order)
    route.pbo_fibre = fibres[-1]
    route.save(update_fields=["pbo_fibre"])
    return route


def _line(premises: Premises, operator: Any, reference: str, nd: str | None = None) -> Line:
    return Line.objects.create(
        reference=reference,
        operator=operator,
        operator_order_reference=f"CMD-{reference}",
        premises=premises,
        state=LineState.ACTIVE,
        nd=nd,
        ordered_on=date(2026, 3, 2),
        activated_on=date(2026, 3, 20),
    )


@pytest.fixture
def inventory(operator_a: Any) -> SimpleNamespace:
    """Two PMs; a house on the first with a route and a line, a 3-flat block on the second."""
    pm_north = make_pm("DSNU-PM-NORD")
    pm_south = make_pm("DSNU-PM-SUD", state=PmState.DEPLOYING)
    house = make_building(pm_north, premises=1, hexacle="7919100AAA")
    block = make_building(pm_south, premises=3, state=BuildingState.SIGNED)
    home = house.premises.get()
    route = _route(home, pm_north)
    line = _line(home, operator_a, "PRP-0001", nd="0549001122")
    return SimpleNamespace(
        pm_north=pm_north,
        pm_south=pm_south,
        house=house,
        block=block,
        home=home,
        flats=list(block.premises.order_by("door")),
        route=route,
        line=line,
    )


def _ptos(html: str) -> list[str]:
    return PTO_CELL.findall(html)


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets then read the accents right
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


# --- who may see the inventory -----------------------------------------------------------------


def _urls(inventory: SimpleNamespace, job: ImportJob) -> list[str]:
    return [
        SEARCH,
        f"{SEARCH}export.csv",
        f"{SEARCH}locaux/{inventory.home.pk}/",
        f"{SEARCH}pm/{inventory.pm_north.pk}/",
        f"{SEARCH}imports/",
        f"{SEARCH}imports/nouveau/",
        f"{SEARCH}imports/{job.pk}/",
        f"{SEARCH}imports/{job.pk}/progression/",
        f"{SEARCH}imports/{job.pk}/rapport.csv",
    ]


def test_operator_person_gets_the_french_403_on_every_page(
    inventory: SimpleNamespace, admin_a: Any
) -> None:
    job = ImportJob.objects.create(kind=ImportKind.IPE, source_name="ipe.csv")
    client = _client(admin_a)
    for url in _urls(inventory, job):
        response = client.get(url)
        assert response.status_code == 403, url
        html = response.content.decode()
        assert "GEN-403" in html and '<html lang="fr">' in html, url
    upload = SimpleUploadedFile("x.csv", b"a;b\n")
    response = client.post(f"{SEARCH}imports/nouveau/", {"kind": "ban", "source": upload})
    assert response.status_code == 403
    assert not ImportJob.objects.exclude(pk=job.pk).exists()


def test_anonymous_is_sent_to_login(inventory: SimpleNamespace) -> None:
    job = ImportJob.objects.create(kind=ImportKind.IPE, source_name="ipe.csv")
    for url in _urls(inventory, job):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/connexion/?next="), url


def test_unknown_objects_are_404_for_provider_staff(provider_staff: Any) -> None:
    client = _client(provider_staff)
    for url in (f"{SEARCH}locaux/999/", f"{SEARCH}pm/999/", f"{SEARCH}imports/999/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "GEN-404" in response.content.decode()


def test_navigation_links_to_the_inventory(provider_staff: Any) -> None:
    client = _client(provider_staff)
    html = client.get("/back-office/").content.decode()
    assert f'<a href="{SEARCH}">Inventaire réseau</a>' in html
    html = client.get(SEARCH).content.decode()
    assert f'<a href="{SEARCH}" aria-current="page">Inventaire réseau</a>' in html


# --- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "query", "expected"),
    [
        ("pto", "home-pto", ["home"]),
        ("pto", "home-pto-lower", ["home"]),
        ("pm", "DSNU-PM-SUD", ["flats"]),
        ("pm", "dsnu-pm-nord", ["home"]),
        ("pbo", "block-pbo", ["flats"]),
        ("ligne", "PRP-0001", ["home"]),
        ("ligne", "05 49 00 11 22", ["home"]),
        ("ligne", "CMD-PRP-0001", ["home"]),
        ("hexacle", "7919100aaa", ["home"]),
        ("immeuble", "block-ipe", ["flats"]),
        ("adresse", "block-address", ["flats"]),
        ("adresse", "rue de la gare 79000", ["home", "flats"]),
        ("adresse", "avenue inconnue", []),
        ("pto", "ZZ-0000-0000", []),
    ],
)
def test_net_01_search_finds_the_right_premises(
    inventory: SimpleNamespace, provider_staff: Any, kind: str, query: str, expected: list[str]
) -> None:
    aliases = {
        "home-pto": inventory.home.pto_reference,
        "home-pto-lower": inventory.home.pto_reference.lower(),
        "block-pbo": inventory.flats[0].pbo.reference,
        "block-ipe": inventory.block.ipe_id,
        "block-address": f"{inventory.block.address.number} rue de la gare niort",
    }
    response = _client(provider_staff).get(SEARCH, {"q": aliases.get(query, query), "type": kind})
    assert response.status_code == 200
    wanted: list[Premises] = []
    for name in expected:
        wanted += [inventory.home] if name == "home" else inventory.flats
    assert sorted(_ptos(response.content.decode())) == sorted(p.pto_reference for p in wanted)
    if not expected:
        assert "Aucun local ne correspond à cette recherche" in response.content.decode()


def test_hexacle_voie_gives_the_whole_street(
    inventory: SimpleNamespace, provider_staff: Any
) -> None:
    for building in (inventory.house, inventory.block):
        building.address.hexacle_street = "79191V0001"
        building.address.save(update_fields=["hexacle_street"])
    html = _client(provider_staff).get(SEARCH, {"q": "79191V0001", "type": "hexacle"}).content
    assert len(_ptos(html.decode())) == 4


def test_search_page_shows_the_extraction_date_and_result_count(
    inventory: SimpleNamespace, provider_staff: Any
) -> None:
    finished = timezone.make_aware(timezone.datetime(2026, 11, 2, 14, 30))
    ImportJob.objects.create(
        kind=ImportKind.IPE,
        source_name="ipe.csv",
        status=ImportStatus.SUCCEEDED,
        finished_at=finished,
    )
    html = _client(provider_staff).get(SEARCH, {"q": "DSNU-PM-SUD", "type": "pm"}).content.decode()
    assert "État des données au 2 novembre 2026 14:30" in html
    assert 'id="result-count">3 locaux<' in html
    assert f'href="{SEARCH}pm/{inventory.pm_south.pk}/"' in html


def test_empty_inventory_and_unknown_type(provider_staff: Any) -> None:
    client = _client(provider_staff)
    html = client.get(SEARCH).content.decode()
    assert "L'inventaire ne contient encore aucun local" in html
    assert "Aucun import réussi pour le moment" in html
    response = client.get(SEARCH, {"q": "x", "type": "nimportequoi"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert 'id="results"' not in response.content.decode()


def test_pagination_fifty_per_page(provider_staff: Any) -> None:
    pm = make_pm()
    make_building(pm, premises=60)
    client = _client(provider_staff)
    first = client.get(SEARCH, {"type": "pm", "q": pm.reference, "tri": "pto"}).content.decode()
    assert len(_ptos(first)) == 50
    assert "60 locaux — page 1 sur 2" in first
    assert f"?q={pm.reference}&amp;type=pm&amp;tri=pto&amp;page=2" in first
    second = client.get(SEARCH, {"type": "pm", "q": pm.reference, "tri": "pto", "page": 2})
    html = second.content.decode()
    assert len(_ptos(html)) == 10
    assert set(_ptos(html)).isdisjoint(_ptos(first))
    assert 'page=2" aria-current="page"' in html
    # Out of range: the last page, not an error.
    beyond = client.get(SEARCH, {"type": "pm", "q": pm.reference, "page": 99})
    assert beyond.status_code == 200 and len(_ptos(beyond.content.decode())) == 10


def test_sorting_by_whitelisted_columns(provider_staff: Any) -> None:
    pm = make_pm()
    building = make_building(pm, premises=12)
    references = sorted(building.premises.values_list("pto_reference", flat=True))
    client = _client(provider_staff)
    ascending = client.get(SEARCH, {"tri": "pto"}).content.decode()
    assert _ptos(ascending) == references
    assert 'aria-sort="ascending"' in ascending
    # The header of the sorted column now offers the other direction.
    assert "tri=-pto" in ascending
    descending = client.get(SEARCH, {"tri": "-pto"}).content.decode()
    assert _ptos(descending) == references[::-1]
    assert 'aria-sort="descending"' in descending
    # Sort by door (structure) gives the doors' order; an unknown key falls back to the address.
    by_door = client.get(SEARCH, {"tri": "-structure"}).content.decode()
    assert _ptos(by_door)[0] == building.premises.order_by("-door").first().pto_reference
    unknown = client.get(SEARCH, {"tri": "password; DROP TABLE"})
    assert unknown.status_code == 200 and len(_ptos(unknown.content.decode())) == 12


def test_search_reads_in_a_fixed_number_of_queries(provider_staff: Any) -> None:
    client = _client(provider_staff)
    make_building(make_pm(), premises=2)
    client.get(SEARCH)  # warm-up: the session clock stamps a session's first request
    with CaptureQueriesContext(connection) as few:
        client.get(SEARCH)
    make_building(make_pm(), premises=40)
    with CaptureQueriesContext(connection) as many:
        client.get(SEARCH)
    assert len(many) == len(few)


def test_csv_export_of_the_current_result(inventory: SimpleNamespace, provider_staff: Any) -> None:
    response = _client(provider_staff).get(
        f"{SEARCH}export.csv", {"q": "DSNU-PM-SUD", "type": "pm", "tri": "-pto"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="inventaire-locaux-')
    rows = _csv(response)
    assert rows[0] == [
        "Numéro",
        "Complément",
        "Voie",
        "Code postal",
        "Commune",
        "Code INSEE",
        "Hexaclé",
        "IdentifiantImmeuble",
        "Bâtiment",
        "Escalier",
        "Étage",
        "Porte",
        "Référence PTO",
        "État PTO",
        "PBO",
        "PM",
        "État IPE",
    ]
    flats = sorted(inventory.flats, key=lambda p: p.pto_reference, reverse=True)
    assert [row[12] for row in rows[1:]] == [p.pto_reference for p in flats]
    address = inventory.block.address
    assert rows[1] == [
        str(address.number),
        "",
        "RUE DE LA GARE",
        "79000",
        "Niort",
        "79191",
        address.hexacle,
        inventory.block.ipe_id,
        "",
        "A",
        "0",
        flats[0].door,
        flats[0].pto_reference,
        "PTO existante",
        flats[0].pbo.reference,
        "DSNU-PM-SUD",
        "Convention signée",
    ]


def test_csv_export_of_the_whole_inventory_reads_plain_values(
    inventory: SimpleNamespace, provider_staff: Any
) -> None:
    client = _client(provider_staff)
    with CaptureQueriesContext(connection) as queries:
        rows = _csv(client.get(f"{SEARCH}export.csv"))
    assert len(rows) == 5 and [row[12] for row in rows[1:]] == sorted(
        p.pto_reference for p in [inventory.home, *inventory.flats]
    )
    # Session, person, then one query for the rows, whatever their number.
    assert len([q for q in queries if "network_premises" in q["sql"]]) == 1


def test_csv_cells_cannot_run_as_spreadsheet_formulas() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-0.4586") == "-0.4586"
    assert safe_cell("DS-0001-0001") == "DS-0001-0001"
    assert safe_cell(None) == ""
    assert safe_cell(12) == "12"


# --- premises and PM ---------------------------------------------------------------------------


def test_net_01_premises_shows_route_hops_in_order_line_and_pm(
    inventory: SimpleNamespace, provider_staff: Any, operator_a: Any
) -> None:
    address = inventory.house.address
    address.x_l93, address.y_l93 = 432100.5, 6589000.25
    address.save(update_fields=["x_l93", "y_l93"])
    response = _client(provider_staff).get(f"{SEARCH}locaux/{inventory.home.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    hops = re.findall(r"<code>(FO-[^<]+)</code>", html.split('id="route-hops"')[1])
    assert hops == [f"FO-{inventory.home.code}-{n}" for n in (1, 2, 3)]
    assert "MOD-03 / 17" in html and "CABLE-2" in html
    assert f"<code>{inventory.home.pto_reference}</code>" in html
    # The line, with whose it is.
    lines = html.split('id="lines"')[1]
    assert "PRP-0001" in lines and "0549001122" in lines
    assert f"{operator_a.name} ({operator_a.arcep_code})" in lines
    assert "En service" in lines
    # PM with its dates, NRO, every address key.
    assert f'href="{SEARCH}pm/{inventory.pm_north.pk}/" id="pm-link">DSNU-PM-NORD<' in html
    assert "15/01/2025" in html and "15/04/2025" in html  # first provision + 3 months
    assert str(inventory.pm_north.nro) in html
    for key in ("7919100AAA", address.ban_id, "79191", "0001", "46.3237", "-0.4586", "432100.5"):
        assert key in html, key


def test_premises_without_route_or_line(inventory: SimpleNamespace, provider_staff: Any) -> None:
    html = _client(provider_staff).get(f"{SEARCH}locaux/{inventory.flats[0].pk}/").content.decode()
    assert 'id="no-route"' in html and 'id="no-line"' in html
    assert "DSNU-PM-SUD" in html


def test_premises_page_reads_in_a_fixed_number_of_queries(
    inventory: SimpleNamespace, provider_staff: Any, operator_a: Any, operator_b: Any
) -> None:
    client = _client(provider_staff)
    client.get(f"{SEARCH}locaux/{inventory.home.pk}/")  # warm-up (session clock)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{SEARCH}locaux/{inventory.home.pk}/")
    inventory.line.state = LineState.TERMINATED
    inventory.line.save(update_fields=["state"])
    _line(inventory.home, operator_b, "PRP-0002")
    other = inventory.flats[0]
    _route(other, inventory.pm_south, hops=6)
    _line(other, operator_a, "PRP-0003")
    with CaptureQueriesContext(connection) as many:
        client.get(f"{SEARCH}locaux/{other.pk}/")
    assert len(many) == len(few)


def test_pm_page_counts_by_ipe_state_and_lists_pbos(
    inventory: SimpleNamespace, provider_staff: Any
) -> None:
    make_building(inventory.pm_south, premises=2, state=BuildingState.DEPLOYED)
    response = _client(provider_staff).get(f"{SEARCH}pm/{inventory.pm_south.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    states = html.split('id="pm-states"')[1].split("</table>")[0]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="number">(\d+)</td><td class="number">(\d+)</td>',
        states,
    )
    assert rows == [
        ("Convention signée", "1", "3"),
        ("Déployé (raccordable)", "1", "2"),
        ("Total", "2", "5"),
    ]
    pbos = html.split('id="pm-pbos"')[1]
    assert pbos.count("<tr>") == 3  # header + two PBOs
    assert '<td class="number">3</td>' in pbos and '<td class="number">2</td>' in pbos
    assert "?type=pm&amp;q=DSNU-PM-SUD" in html


# --- imports ------------------------------------------------------------------------------------


def fake_importer(ctx: ImportContext, path: Path) -> dict[str, int]:
    """Stands in for a real importer: ``insee;name`` rows, an INSEE code has 5 digits."""
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    created = 0
    for number, row in enumerate(rows, start=2):
        insee, name = row.split(";")
        if not re.fullmatch(r"\d{5}", insee):
            ctx.error(
                errors.IMPORT_ROW_INVALID,
                table=path.name,
                row=number,
                column="insee",
                value=insee,
                detail="5 chiffres attendus",
            )
            continue
        Commune.objects.create(insee=insee, name=name)
        created += 1
        ctx.progress(number - 1, len(rows), force=True)
    return {"communes": created}


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> list[str]:
    """Queued imports run at once, through the real task, with the stand-in importer."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setitem(services.IMPORTERS, ImportKind.BAN, f"{__name__}:fake_importer")
    sent: list[str] = []

    def send_task(name: str, args: list[Any]) -> None:
        sent.append(name)
        assert name == "guichet.network.tasks.run_import_job"
        tasks.run_import_job(*args)

    monkeypatch.setattr(services, "current_app", SimpleNamespace(send_task=send_task))
    return sent


def _upload(client: Client, content: str, partial: bool = False) -> Any:
    data: dict[str, Any] = {
        "kind": ImportKind.BAN,
        "source": SimpleUploadedFile("communes.csv", content.encode(), content_type="text/csv"),
    }
    if partial:
        data["partial"] = "on"
    return client.post(f"{SEARCH}imports/nouveau/", data)


def test_net_03_import_started_from_the_back_office_runs_in_the_background(
    provider_staff: Any, worker: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(provider_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "insee;nom\n79191;Niort\n79049;Bressuire\n")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{SEARCH}imports/{job.pk}/"
    assert worker == ["guichet.network.tasks.run_import_job"]
    assert job.status == ImportStatus.SUCCEEDED and job.started_by == "agent.fournisseur"
    assert sorted(Commune.objects.values_list("insee", flat=True)) == ["79049", "79191"]
    assert AuditRecord.objects.filter(action="network.import.create").exists()
    html = client.get(response["Location"]).content.decode()
    assert f"Import n° {job.pk} enregistré" in html  # the success message
    assert 'id="import-status" class="status-succeeded">Terminé<' in html
    assert "2 lignes sur 2 (100 %)" in html
    assert "<dt>Communes</dt><dd>2</dd>" in html
    assert 'id="no-issue"' in html
    assert 'hx-trigger="every 2s"' not in html  # finished: no polling


def test_net_03_rejected_file_is_reported_row_by_row(
    provider_staff: Any, worker: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(provider_staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, "insee;nom\n79191;Niort\n7904;Bressuire\n=1+1;Piège\n")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and job.error_count == 2
    assert not Commune.objects.exists()  # all or nothing
    html = client.get(f"{SEARCH}imports/{job.pk}/").content.decode()
    assert "2 ligne(s) en erreur : aucune modification n&#x27;a été appliquée." in html
    assert "Import refusé : l'inventaire n'a pas été modifié." in html
    assert html.count("<code>NET-003</code>") == 2
    rows = _csv(client.get(f"{SEARCH}imports/{job.pk}/rapport.csv"))
    assert rows[0] == [
        "Gravité",
        "Table / fichier",
        "Ligne",
        "Colonne",
        "Code",
        "Message",
        "Valeur",
    ]
    assert rows[1][:5] == ["Erreur (ligne rejetée)", "communes.csv", "3", "insee", "NET-003"]
    assert rows[1][5].startswith("Valeur invalide en colonne insee") and rows[1][6] == "7904"
    assert rows[2][2] == "4" and rows[2][6] == "'=1+1"  # no formula in the spreadsheet


def test_net_03_partial_import_applies_valid_rows(
    provider_staff: Any, worker: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(provider_staff), "insee;nom\n79191;Niort\nXX;Bad\n", partial=True)
    job = ImportJob.objects.get()
    assert job.partial and job.status == ImportStatus.SUCCEEDED and job.error_count == 1
    assert list(Commune.objects.values_list("insee", flat=True)) == ["79191"]


def test_import_form_errors_are_shown_not_500(
    provider_staff: Any, worker: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(provider_staff)
    missing = client.post(f"{SEARCH}imports/nouveau/", {"kind": ImportKind.BAN})
    assert missing.status_code == 200
    assert 'aria-invalid="true"' in missing.content.decode()

    def refuse(**kwargs: Any) -> ImportJob:
        raise GuichetError(errors.IMPORT_UNKNOWN_FORMAT, detail="archive vide")

    monkeypatch.setattr(services, "start_import", refuse)
    response = _upload(client, "insee;nom\n")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Format non reconnu : archive vide (NET-009)" in html
    assert 'role="alert"' in html
    assert not ImportJob.objects.exists()


def test_import_history_is_paginated_newest_first(provider_staff: Any) -> None:
    for n in range(30):
        ImportJob.objects.create(
            kind=ImportKind.IPE, source_name=f"ipe-{n:02d}.csv", started_by="agent", error_count=n
        )
    client = _client(provider_staff)
    html = client.get(f"{SEARCH}imports/").content.decode()
    names = re.findall(r">(ipe-\d\d\.csv)</a></td>", html)
    assert len(names) == 25 and names[0] == "ipe-29.csv" and names[-1] == "ipe-05.csv"
    html = client.get(f"{SEARCH}imports/", {"page": 2}).content.decode()
    assert re.findall(r">(ipe-\d\d\.csv)</a></td>", html) == [
        f"ipe-{n:02d}.csv" for n in range(4, -1, -1)
    ]


def test_progress_fragment_polls_while_running_and_reloads_when_done(
    provider_staff: Any,
) -> None:
    job = ImportJob.objects.create(
        kind=ImportKind.IPE,
        source_name="ipe.csv",
        status=ImportStatus.RUNNING,
        started_at=timezone.now(),
    )
    cache.set(progress_key(job), (30, 120))
    client = _client(provider_staff)
    try:
        page = client.get(f"{SEARCH}imports/{job.pk}/").content.decode()
        assert f'hx-get="{SEARCH}imports/{job.pk}/progression/" hx-trigger="every 2s"' in page
        fragment = client.get(f"{SEARCH}imports/{job.pk}/progression/", HTTP_HX_REQUEST="true")
        html = fragment.content.decode()
        assert "<html" not in html
        assert 'max="120" value="30"' in html and "30 lignes sur 120 (25 %)" in html
        assert 'hx-trigger="every 2s"' in html and "HX-Refresh" not in fragment
        # The worker finishes: the fragment stops polling and asks for a reload.
        job.status, job.rows_done, job.rows_total = ImportStatus.SUCCEEDED, 120, 120
        job.finished_at = timezone.now()
        job.save()
        done = client.get(f"{SEARCH}imports/{job.pk}/progression/", HTTP_HX_REQUEST="true")
        assert done["HX-Refresh"] == "true"
        assert "hx-trigger" not in done.content.decode()
        assert "120 lignes sur 120 (100 %)" in done.content.decode()
    finally:
        cache.delete(progress_key(job))


def test_failed_job_page_and_report_with_stored_issues(provider_staff: Any) -> None:
    job = ImportJob.objects.create(
        kind=ImportKind.IPE,
        source_name="ipe-79.csv",
        status=ImportStatus.FAILED,
        finished_at=timezone.now(),
        rows_done=120,
        error_count=60,
        warning_count=1,
        message="60 ligne(s) en erreur : aucune modification n'a été appliquée.",
    )
    ImportIssue.objects.bulk_create(
        [
            ImportIssue(
                job=job,
                severity=IssueSeverity.ERROR,
                table="ipe-79.csv",
                row=n + 2,
                column="ReferencePBO",
                code="NET-005",
                message=f"Référence PTO invalide : X{n}",
                value=f"X{n}",
            )
            for n in range(60)
        ]
        + [
            ImportIssue(
                job=job,
                severity=IssueSeverity.WARNING,
                table="ipe-79.csv",
                row=99,
                code="NET-006",
                message="Référence inconnue",
            )
        ]
    )
    client = _client(provider_staff)
    html = client.get(f"{SEARCH}imports/{job.pk}/").content.decode()
    assert "61 anomalies enregistrées" in html
    assert html.count("<code>NET-005</code>") == 50  # first page
    assert f'href="{SEARCH}imports/{job.pk}/rapport.csv"' in html
    assert 'class="status-failed">Échoué<' in html
    page_two = client.get(f"{SEARCH}imports/{job.pk}/", {"page": 2}).content.decode()
    assert page_two.count("<code>NET-005</code>") == 10 and "<code>NET-006</code>" in page_two
    rows = _csv(client.get(f"{SEARCH}imports/{job.pk}/rapport.csv"))
    assert len(rows) == 62
    assert rows[1] == [
        "Erreur (ligne rejetée)",
        "ipe-79.csv",
        "2",
        "ReferencePBO",
        "NET-005",
        "Référence PTO invalide : X0",
        "X0",
    ]
    assert rows[-1][:5] == ["Avertissement (ligne acceptée)", "ipe-79.csv", "99", "", "NET-006"]


def test_gen_05_inventory_pages_speak_english(
    inventory: SimpleNamespace, provider_staff: Any
) -> None:
    client = _client(provider_staff)
    client.post("/i18n/setlang/", {"language": "en", "next": SEARCH})
    html = client.get(SEARCH, {"q": "DSNU-PM-SUD", "type": "pm"}).content.decode()
    assert '<html lang="en">' in html
    assert "Network inventory" in html and "3 premises" in html
    assert ">PTO reference<" in html and "Staircase / floor / door" in html
    html = client.get(f"{SEARCH}locaux/{inventory.home.pk}/").content.decode()
    assert "Route hops, from the PM to the outlet" in html and "Outlet (PTO) and PBO" in html


def test_net_02_gracethd_demo_uploaded_in_the_back_office_is_browsable(
    provider_staff: Any,
    worker: list[str],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:
    archive = zip_folder(demo(), tmp_path / "demo01.zip")
    client = _client(provider_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{SEARCH}imports/nouveau/",
            {
                "kind": ImportKind.GRACETHD,
                "source": SimpleUploadedFile("demo01.zip", archive.read_bytes()),
            },
        )
    job = ImportJob.objects.get()
    assert response["Location"] == f"{SEARCH}imports/{job.pk}/"
    assert job.status == ImportStatus.SUCCEEDED, job.message
    html = client.get(response["Location"]).content.decode()
    assert "<dt>Locaux</dt><dd>21</dd>" in html and "<dt>Routes optiques</dt><dd>4</dd>" in html

    # The whole inventory, then one premises with a route found by its PTO reference.
    listing = client.get(SEARCH).content.decode()
    assert 'id="result-count">21 locaux<' in listing
    routed = OpticalRoute.objects.exclude(premises=None).select_related("premises", "pm").first()
    found = client.get(SEARCH, {"type": "pto", "q": routed.premises.pto_reference}).content.decode()
    assert _ptos(found) == [routed.premises.pto_reference]
    page = client.get(f"{SEARCH}locaux/{routed.premises.pk}/").content.decode()
    hops = re.findall(r"<td class=\"number\">(\d+)</td>\s*<td><code>", page)
    assert hops == [str(n) for n in range(1, routed.hops.count() + 1)] and hops
    assert routed.pm.reference in page
    pm_page = client.get(f"{SEARCH}pm/{routed.pm.pk}/").content.decode()
    assert re.search(
        r"<th scope=\"row\">Total</th><td class=\"number\">16</td><td class=\"number\">21</td>",
        pm_page,
    )


def test_import_counts_are_named_for_people() -> None:
    assert _count_label("premises") == "Locaux"
    assert _count_label("addresses_created") == "Adresses (créations)"
    assert _count_label("buildings_updated") == "Immeubles (mises à jour)"
    assert _count_label("something_new") == "something_new"
