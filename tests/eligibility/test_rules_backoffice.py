"""« Règles d'éligibilité » in the back-office: the Provider's exclusion zones and freezes
created, changed and lifted from the pages take effect on every answer (through the same
services as /api/v1/); lists search, filter, sort, page and export; operators are refused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.eligibility import services
from guichet.eligibility.models import ExclusionZone, TemporaryFreeze
from guichet.network.models import Building
from tests.eligibility.conftest import POQ_URL, body, items, place, pto_of, reasons

pytestmark = pytest.mark.django_db
ZONES = "/back-office/regles-eligibilite/"
FREEZES = "/back-office/regles-eligibilite/gels/"
SYSTEM = Principal.system("tests")


def browser(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def ask(client_a: Any, building: Building, *offers: str) -> dict[str, dict[str, Any]]:
    request = body(place(geographicSubAddress=[{"id": pto_of(building)}]), *offers)
    return items(client_a.post(POQ_URL, request, format="json"))


def test_eli_01_zone_created_in_back_office_makes_the_address_not_eligible(
    provider_staff: User, client_a: Any, deployed: Building
) -> None:
    assert ask(client_a, deployed)["ftth-access"]["qualificationItemResult"] == "qualified"
    staff = browser(provider_staff)
    assert staff.get(reverse("eligibility-rules:zone-new")).status_code == 200
    created = staff.post(
        reverse("eligibility-rules:zone-new"),
        {"scope": "building", "value": deployed.ipe_id, "offer": "", "reason": "Litige syndic"},
        follow=True,
    )
    assert created.status_code == 200
    html = created.content.decode()
    assert "Zone d&#x27;exclusion créée" in html and deployed.ipe_id in html
    zone = ExclusionZone.objects.get()
    assert (zone.scope, zone.value, zone.offer) == ("building", deployed.ipe_id, "")
    entry = AuditRecord.objects.get(action="eligibility.exclusion_zone.create")
    assert entry.channel == "portal" and entry.person_login == provider_staff.username
    answer = ask(client_a, deployed)
    for offer in ("ftth-access", "ftte-passive-pm"):
        assert answer[offer]["qualificationItemResult"] == "unqualified"
        assert reasons(answer[offer]) == ["exclusionZone"]
    # Lifted from the list: eligible again.
    lifted = staff.post(reverse("eligibility-rules:zone-delete", args=[zone.pk]), follow=True)
    assert "Zone d&#x27;exclusion levée" in lifted.content.decode()
    assert not ExclusionZone.objects.exists()
    assert AuditRecord.objects.filter(action="eligibility.exclusion_zone.delete").exists()
    assert ask(client_a, deployed)["ftth-access"]["qualificationItemResult"] == "qualified"


def test_eli_01_zone_on_one_offer_leaves_the_others(
    provider_staff: User, client_a: Any, deployed: Building
) -> None:
    browser(provider_staff).post(
        reverse("eligibility-rules:zone-new"),
        {"scope": "commune", "value": deployed.address.insee, "offer": "ftte-active"},
    )
    answer = ask(client_a, deployed)
    assert reasons(answer["ftte-active"]) == ["exclusionZone"]
    assert answer["ftth-access"]["qualificationItemResult"] == "qualified"


def test_eli_01_freeze_created_moved_and_lifted_in_back_office(
    provider_staff: User, client_a: Any, deployed: Building
) -> None:
    staff = browser(provider_staff)
    today = timezone.localdate()
    ends = today + timedelta(days=10)
    created = staff.post(
        reverse("eligibility-rules:freeze-new"),
        {
            "scope": "pm",
            "value": deployed.pm.reference,
            "offer": "ftth-access",
            "starts_on": (today - timedelta(days=2)).isoformat(),
            "ends_on": ends.strftime("%d/%m/%Y"),
            "reason": "Travaux au PM",
        },
    )
    assert created.status_code == 302 and created["Location"] == FREEZES
    freeze = TemporaryFreeze.objects.get()
    ftth = ask(client_a, deployed, "ftth-access")["ftth-access"]
    assert reasons(ftth) == ["temporaryFreeze"]
    assert ftth["expectedActivationDate"] == (ends + timedelta(days=1)).isoformat()
    # Its end moved on the edit page: the answer follows.
    later = today + timedelta(days=20)
    page = reverse("eligibility-rules:freeze", args=[freeze.pk])
    assert "Travaux au PM" in staff.get(page).content.decode()
    assert staff.post(page, {"ends_on": later.isoformat()}).status_code == 302
    ftth = ask(client_a, deployed, "ftth-access")["ftth-access"]
    assert ftth["expectedActivationDate"] == (later + timedelta(days=1)).isoformat()
    assert AuditRecord.objects.filter(action="eligibility.freeze.update", channel="portal").exists()
    # Lifted now: it ended yesterday, the premises is eligible again, the freeze is kept.
    lift = staff.post(reverse("eligibility-rules:freeze-lift", args=[freeze.pk]), follow=True)
    assert "Gel levé" in lift.content.decode()
    freeze.refresh_from_db()
    assert freeze.ends_on == today - timedelta(days=1)
    assert ask(client_a, deployed, "ftth-access")["ftth-access"]["qualificationItemResult"] == (
        "qualified"
    )
    assert "Terminé" in staff.get(FREEZES).content.decode()
    staff.post(reverse("eligibility-rules:freeze-delete", args=[freeze.pk]))
    assert not TemporaryFreeze.objects.exists()
    assert AuditRecord.objects.filter(action="eligibility.freeze.delete").exists()


def test_eli_01_back_office_refusals_are_clear_and_in_french(
    provider_staff: User, deployed: Building
) -> None:
    staff = browser(provider_staff)
    new_zone = reverse("eligibility-rules:zone-new")
    cases = [
        ({"scope": "", "value": "79191"}, "Choisissez la portée de la règle."),
        ({"scope": "commune", "value": "Niort"}, "code INSEE à 5 caractères (ELI-010)"),
        ({"scope": "commune", "value": ""}, "cible obligatoire (ELI-010)"),
        ({"scope": "all", "value": "79191"}, "pas de cible pour tout le réseau (ELI-010)"),
        (
            {"scope": "pm", "value": "NOPE-PM-1"},
            "La cible de la règle n&#x27;existe pas dans l&#x27;inventaire : PM NOPE-PM-1 (ELI-011)",
        ),
        ({"scope": "moon", "value": "1"}, "Sélectionnez un choix valide."),
    ]
    for data, message in cases:
        response = staff.post(new_zone, data)
        html = response.content.decode()
        assert response.status_code == 422, data
        assert message in html, (data, html[html.find("field-error") - 300 :][:800])
        assert "a pas été enregistrée : corrigez les champs signalés" in html
    services.create_exclusion_zone(actor=SYSTEM, scope="commune", value="79191")
    twice = staff.post(new_zone, {"scope": "commune", "value": "79191"})
    assert "cette zone existe déjà (ELI-010)" in twice.content.decode()
    assert ExclusionZone.objects.count() == 1
    new_freeze = reverse("eligibility-rules:freeze-new")
    today = timezone.localdate()
    backwards = staff.post(
        new_freeze,
        {
            "scope": "all",
            "starts_on": today.isoformat(),
            "ends_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert backwards.status_code == 422
    assert "la fin précède le début (ELI-010)" in backwards.content.decode()
    no_start = staff.post(new_freeze, {"scope": "all", "starts_on": "", "ends_on": "demain"})
    html = no_start.content.decode()
    assert "Indiquez le premier jour du gel." in html
    assert "Date invalide : saisissez-la au format JJ/MM/AAAA." in html
    assert not TemporaryFreeze.objects.exists()


def test_rule_pages_list_search_filter_sort_page_and_export(provider_staff: User) -> None:
    for n in range(30):
        services.create_exclusion_zone(
            actor=SYSTEM,
            scope="commune",
            value=f"79{n:03d}",
            offer="ftte-active" if n % 2 else "",
            reason="Zone AMII" if n < 3 else "",
        )
    staff = browser(provider_staff)
    first = staff.get(ZONES).content.decode()
    assert "30 zones d'exclusion" in first
    assert first.count('data-rule="') == 25 and "79000" in first and "79029" not in first
    second = staff.get(f"{ZONES}?page=2").content.decode()
    assert second.count('data-rule="') == 5 and "79029" in second
    newest = staff.get(f"{ZONES}?tri=-creee").content.decode()
    assert newest.index("79029") < newest.index("79028")
    found = staff.get(f"{ZONES}?q=amii").content.decode()
    assert found.count('data-rule="') == 3
    one_offer = staff.get(f"{ZONES}?offre=ftte-active").content.decode()
    assert one_offer.count('data-rule="') == 15
    export = staff.get(f"{ZONES}?offre=toutes&format=csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Portée", "Cible", "Offre", "Motif", "Créée le"]
    assert len(rows) == 16 and {r[2] for r in rows[1:]} == {"Toutes les offres"}
    assert rows[1][:2] == ["Commune (code INSEE)", "79000"]


def test_freeze_list_states_and_export(provider_staff: User) -> None:
    today = timezone.localdate()
    for value, start, end in (
        ("79001", today - timedelta(days=10), today - timedelta(days=5)),
        ("79002", today - timedelta(days=1), None),
        ("79003", today + timedelta(days=3), today + timedelta(days=4)),
    ):
        services.create_freeze(
            actor=SYSTEM, scope="commune", value=value, starts_on=start, ends_on=end
        )
    staff = browser(provider_staff)
    for state, value in (("termine", "79001"), ("en-cours", "79002"), ("prevu", "79003")):
        html = staff.get(f"{FREEZES}?etat={state}").content.decode()
        assert html.count('data-rule="') == 1 and value in html, state
    export = staff.get(f"{FREEZES}?format=csv&tri=debut")
    rows = list(
        csv.reader(
            io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["Portée", "Cible", "Offre", "Du", "Au", "État", "Motif"]
    assert [(r[1], r[5]) for r in rows[1:]] == [
        ("79001", "Terminé"),
        ("79002", "En cours"),
        ("79003", "Prévu"),
    ]
    assert rows[2][4] == ""  # open-ended


def test_rule_pages_refused_to_operators_and_anonymous(
    provider_staff: User, admin_a: User, reader_a: User, deployed: Building
) -> None:
    zone = services.create_exclusion_zone(actor=SYSTEM, scope="all")
    freeze = services.create_freeze(actor=SYSTEM, scope="all", starts_on=timezone.localdate())
    pages = [
        ("get", ZONES, {}),
        ("get", FREEZES, {}),
        ("get", f"{ZONES}?format=csv", {}),
        ("get", reverse("eligibility-rules:zone-new"), {}),
        ("post", reverse("eligibility-rules:zone-new"), {"scope": "all"}),
        ("post", reverse("eligibility-rules:zone-delete", args=[zone.pk]), {}),
        ("get", reverse("eligibility-rules:freeze", args=[freeze.pk]), {}),
        ("post", reverse("eligibility-rules:freeze", args=[freeze.pk]), {"ends_on": ""}),
        ("post", reverse("eligibility-rules:freeze-lift", args=[freeze.pk]), {}),
        ("post", reverse("eligibility-rules:freeze-delete", args=[freeze.pk]), {}),
        ("post", reverse("eligibility-rules:freeze-new"), {"scope": "all"}),
    ]
    for person in (admin_a, reader_a):
        client = browser(person)
        for method, url, data in pages:
            assert getattr(client, method)(url, data).status_code == 403, (person, url)
    anonymous = Client()
    for method, url, data in pages:
        response = getattr(anonymous, method)(url, data)
        assert response.status_code == 302 and "/connexion" in response["Location"], url
    assert ExclusionZone.objects.count() == 1 and TemporaryFreeze.objects.count() == 1
    assert not AuditRecord.objects.filter(channel="portal").exists()
    # The menu offers the section to the Provider's staff only.
    assert ZONES in browser(provider_staff).get("/back-office/").content.decode()
    assert ZONES not in browser(admin_a).get("/").content.decode()
    assert browser(provider_staff).get(f"{ZONES}gels/999/").status_code == 404
