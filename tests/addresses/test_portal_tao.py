"""TAO-02 in the portal (``/tao/``): the tree of an address with PTO states and occupancy,
ambiguous and unknown places, refusals with their codes, the person's history (their own
only, re-opened without a new use), and the autocomplete JSON shared with eligibility."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from guichet.accounts.models import User
from guichet.billing.models import UsageRecord
from guichet.eligibility.models import TaoConsultation
from guichet.network.models import Address, Building
from tests.accounts.people_support import give_profile
from tests.addresses.conftest import search_inventory
from tests.addresses.tao_fixtures import as_of, residence, tao_a, tao_b, tao_user
from tests.factories import make_operator, make_person

__all__ = ["as_of", "residence", "search_inventory", "tao_a", "tao_b"]  # fixtures

pytestmark = pytest.mark.django_db
URL = "/tao/"
SUGGEST = "/adresses/suggestions"


def browser_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def text_of(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def ask(client: Client, **data: Any) -> tuple[Any, str]:
    """POST the search form, follow the redirect to the answer kept in the history."""
    response = client.post(URL, data)
    assert response.status_code == 302, text_of(response)[-1500:]
    assert re.match(r"^/tao/historique/\d+/#result$", response["Location"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page, text_of(page)


def rows(text: str, start: str) -> str:
    return text[text.index(start) :]


def test_tao_02_portal_tree_of_the_address_with_states_and_occupancy(
    as_of: Any, residence: Building, tao_a: User
) -> None:
    page, text = ask(browser_as(tao_a), hexacle="79191ac012")
    assert "Structure de 12 DES ACACIAS, 79000 Niort" in text
    assert "État des données au 2 mars 2026 07:30" in text
    assert "Bâtiments 2 Locaux 8" in text
    # Buildings A (house) then B (block), each with its id, PM and PBOs.
    assert text.index("Bâtiment A — Pavillon") < text.index("Bâtiment B — Immeuble")
    block = rows(text, "Bâtiment B — Immeuble")
    assert "Identifiant d'immeuble IMB/79191/AC/0012B" in block
    assert "PM DSNU-PM-00042" in block and "(déployé)" in block
    assert "PBO PBO-AC-0001" in block and "PBO-AC-0002" in block
    # Staircase A: basement, ground floor, floors in numeric order; doors with their PTO.
    stair_a = rows(block, "Escalier A")[: block.index("Escalier B") - block.index("Escalier A")]
    order = ["Sous-sol 1", "Rez-de-chaussée", "Étage 1", "Étage 2", "Étage 10"]
    assert [stair_a.index(label) for label in order] == sorted(
        stair_a.index(label) for label in order
    )
    assert "DS-AC12-A010 Copier la référence PTO DS-AC12-A010 PTO à construire libre" in stair_a
    assert "21 DS-AC12-A021" in stair_a
    assert "PTO existante occupée par votre ligne OPEA-L-0001" in stair_a
    # B's line: occupied, never whose.
    assert "DS-AC12-A011 Copier la référence PTO DS-AC12-A011 PTO existante occupée PBO" in stair_a
    assert "OPEB" not in text
    # A terminated line leaves the PTO free.
    assert "DS-AC12-B011 Copier la référence PTO DS-AC12-B011 PTO existante libre" in block
    html = page.content.decode()
    assert 'data-copy="DS-AC12-A021"' in html and 'id="copy-status"' in html


def test_tao_02_portal_pto_query_marks_the_requested_premises(
    as_of: Any, residence: Building, tao_a: User
) -> None:
    page, text = ask(browser_as(tao_a), pto="ds-ac12-a021")
    assert "Bâtiment B — Immeuble" in text and "Bâtiment A" not in text
    assert "21 (local demandé) DS-AC12-A021" in text
    assert '<tr class="requested" data-pto="DS-AC12-A021">' in page.content.decode()


def test_tao_02_portal_ambiguous_lists_candidates_to_pick(
    as_of: Any, residence: Building, tao_a: User
) -> None:
    for n, city in enumerate(["Niort", "Sainte-Pezenne"]):
        Address.objects.create(
            ban_id=f"79191_0420_00014_{n}",
            insee="79191",
            rivoli="0420",
            number=14,
            street_name="DES ACACIAS",
            street_type="RUE",
            postcode="79000",
            commune_name=city,
        )
    client = browser_as(tao_a)
    page, text = ask(client, insee="79191", rivoli="0420", number="14")
    assert "Plusieurs adresses correspondent à votre recherche" in text
    assert "14 DES ACACIAS, 79000 Niort 100 % Choisir" in text
    assert "14 DES ACACIAS, 79000 Sainte-Pezenne 100 % Choisir" in text
    assert 'name="adresse" value="79191_0420_00014_1"' in page.content.decode()
    assert not UsageRecord.objects.exists()  # no structure delivered, no use
    _, picked = ask(client, adresse="79191_0420_00014_1")
    assert "Structure de 14 DES ACACIAS, 79000 Sainte-Pezenne" in picked
    assert "Aucun bâtiment de l'inventaire (ligne IPE) à cette adresse" in picked


def test_tao_02_portal_unknown_address(as_of: Any, residence: Building, tao_a: User) -> None:
    _, text = ask(browser_as(tao_a), hexacle="7919199999")
    assert "Aucune adresse de l'inventaire ne correspond à « Hexaclé 7919199999 »" in text


def test_tao_02_portal_bad_reference_and_empty_box_show_their_code(
    as_of: Any, residence: Building, tao_a: User
) -> None:
    client = browser_as(tao_a)
    bad = client.post(URL, {"nd": "12"})
    assert bad.status_code == 400
    assert "Adresse invalide : un ND a 10 chiffres Code : ADR-002" in text_of(bad)
    empty = client.post(URL, {"q": ""})
    assert empty.status_code == 400 and "Code : ADR-001" in text_of(empty)
    assert not TaoConsultation.objects.exists()


def test_tao_02_portal_search_box_is_the_shared_block_posting_to_tao(
    as_of: Any, residence: Building, tao_a: User
) -> None:
    html = browser_as(tao_a).get(URL).content.decode()
    assert html.count('class="place-form"') == 1
    assert 'action="/tao/" class="place-form"' in html
    assert '<h2 id="search-title">Chercher une adresse</h2>' in html
    assert ">Afficher la structure</button>" in html
    assert 'data-suggest-url="/adresses/suggestions"' in html


def test_tao_02_portal_refusals_are_shown_with_their_code(residence: Building) -> None:
    no_contract = tao_user(make_operator("OPEC"), "tao.c", contract=False)
    not_subscribed = tao_user(make_operator("OPED"), "tao.d", subscribed=False)
    for person, code in ((no_contract, "ADR-011"), (not_subscribed, "ADR-010")):
        client = browser_as(person)
        page = client.get(URL)
        assert page.status_code == 403, code
        assert f"Code : {code}" in text_of(page)
        assert 'name="q"' not in page.content.decode()
        posted = client.post(URL, {"hexacle": "79191AC012"})
        assert posted.status_code == 403 and f"Code : {code}" in text_of(posted)
    assert not TaoConsultation.objects.exists() and not UsageRecord.objects.exists()


def test_tao_02_portal_history_is_the_persons_own_and_reopens_without_a_new_use(
    as_of: Any, residence: Building, tao_a: User, tao_b: User
) -> None:
    client = browser_as(tao_a)
    ask(client, pto="DS-AC12-A021")
    ask(client, hexacle="7919199999")
    assert UsageRecord.objects.filter(service__code="tao").count() == 1
    history = text_of(client.get(URL)).split("Mes dernières recherches TAO", 1)[1]
    assert history.index("Hexaclé 7919199999 Inconnue") < history.index(
        "12 DES ACACIAS, 79000 Niort Structure affichée"
    )
    entry = TaoConsultation.objects.get(resolution="found")
    assert entry.query == {"adresse": "79191AC012"}
    again = client.get(f"/tao/historique/{entry.pk}/")
    assert "occupée par votre ligne OPEA-L-0001" in text_of(again)
    assert 'aria-current="page">12 DES ACACIAS' in again.content.decode()
    assert UsageRecord.objects.filter(service__code="tao").count() == 1
    # Another operator, and a colleague, never open it.
    other = browser_as(tao_b)
    assert "Vous n'avez encore posé aucune question TAO" in text_of(other.get(URL))
    refused = other.get(f"/tao/historique/{entry.pk}/")
    assert refused.status_code == 404 and "GEN-404" in text_of(refused)
    colleague = make_person("collegue.a", tao_a.operator, "admin")
    give_profile(colleague, "TAO collègue", ["tao:read"])
    assert browser_as(colleague).get(f"/tao/historique/{entry.pk}/").status_code == 404


def test_tao_02_portal_menu_offers_tao_only_with_the_right(
    residence: Building, tao_a: User, reader_a: User
) -> None:
    assert '<a href="/tao/">TAO</a>' in browser_as(tao_a).get("/tableau-de-bord/").content.decode()
    without = browser_as(reader_a).get("/tableau-de-bord/").content.decode()
    assert 'href="/tao/"' not in without and 'href="/eligibilite/"' not in without


def test_tao_02_portal_autocomplete_json(
    search_inventory: dict[str, Address], operator_a: Any, reader_a: User
) -> None:
    person = tao_user(operator_a, "tao.suggest")
    client = browser_as(person)
    response = client.get(SUGGEST, {"q": "12 rue de la gare nio"})
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    first = suggestions[0]
    expected = search_inventory["12 RUE DE LA GARE 79191"]
    assert first == {
        "id": expected.hexacle,
        "label": "12 RUE DE LA GARE, 79000 Niort",
        "kind": "address",
        "score": first["score"],
    }
    # Before a number is typed, streets come without a number and without an id.
    streets = client.get(SUGGEST, {"q": "rue de la ga"}).json()["suggestions"]
    assert streets and all(s["kind"] == "street" and s["id"] == "" for s in streets)
    assert "RUE DE LA GARE, 79000 Niort" in [s["label"] for s in streets]
    assert client.get(SUGGEST, {"q": "ru"}).json()["suggestions"] == []
    # Without either right: refused with its code; anonymous: to the login page.
    refused = browser_as(reader_a).get(SUGGEST, {"q": "rue de la gare"})
    assert refused.status_code == 403 and refused.json()["code"] == "GEN-403-RIGHT"
    assert Client().get(SUGGEST, {"q": "rue"}).status_code == 302


def test_tao_02_portal_provider_staff_may_use_tao(
    as_of: Any, residence: Building, provider_staff: User
) -> None:
    client = browser_as(provider_staff)
    assert '<a href="/tao/">TAO</a>' in client.get("/back-office/").content.decode()
    _, text = ask(client, hexacle="79191AC012")
    # The Provider's staff see every line, and no use is counted.
    assert "occupée (ligne OPEB-L-0001)" in text
    assert not UsageRecord.objects.exists()
