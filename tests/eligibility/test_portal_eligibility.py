"""ELI-01/ELI-02 in the portal (``/eligibilite/``): the answer per offer in plain French with
the extraction date, ambiguous and unknown places, refusals with their codes, and the
person's history (their own only; another operator never opens it)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.utils import formats, timezone

from guichet.accounts.models import User
from guichet.billing.models import UsageRecord
from guichet.eligibility.models import Qualification
from guichet.network.models import Address, Building
from guichet.operators.models import WholesaleOffer
from tests.eligibility.conftest import hold, may_qualify, ready, subscribe
from tests.network.factories import make_building, make_pm

pytestmark = pytest.mark.django_db
URL = "/eligibilite/"


def browser_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def person_a(admin_a: User) -> Client:
    """Operator A's admin: subscribed, FTTE and FTTH contracts, the right."""
    ready(admin_a.operator, admin_a)
    return browser_as(admin_a)


def ask(client: Client, **data: Any) -> tuple[Any, str]:
    """POST the search form, follow the redirect to the stored answer; (response, text)."""
    response = client.post(URL, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert re.match(r"^/eligibilite/[0-9a-f-]{36}/#result$", response["Location"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page, text_of(page)


def text_of(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def section(text: str, start: str = "Offre Résultat", size: int = 1200) -> str:
    """The part of the page a failing assertion should show."""
    return text[max(text.find(start), 0) :][:size]


def short(day: Any) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_eli_01_portal_search_page_has_one_box_and_the_menu_entry(person_a: Client) -> None:
    page = person_a.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    assert 'action="/eligibilite/" class="place-form"' in html  # the shared search block
    assert '<h2 id="search-title">Tester une adresse</h2>' in html
    assert "Tester l&#x27;éligibilité</button>" in html or "Tester l'éligibilité</button>" in html
    assert 'data-suggest-url="/adresses/suggestions"' in html
    assert "<summary>Recherche par référence</summary>" in html
    for field in ("hexacle", "pto", "nd", "building_id", "insee", "rivoli", "number"):
        assert f'name="{field}"' in html
    assert '<a href="/eligibilite/" aria-current="page">Éligibilité</a>' in html
    assert "Vous n'avez encore posé aucune question d'éligibilité." in text_of(page)


def test_eli_02_portal_raccordable_since_with_refs_and_extraction_date(
    person_a: Client, deployed: Building, extracted: Any
) -> None:
    _, text = ask(person_a, adresse=deployed.address.hexacle, q="12 rue de la gare")
    assert f"Éligibilité de {deployed.address}" in text
    assert "État des données au 5 janvier 2026 06:30" in text
    assert "Accès FTTH (local raccordable) Raccordable Depuis le 15/04/2025" in text, section(text)
    for offer in ("FTTE passif au NRO", "FTTE passif au PM", "FTTE actif"):
        assert f"{offer} Éligible Depuis le 15/04/2025" in text
    assert deployed.ipe_id in text and deployed.pm.reference in text
    assert deployed.premises.first().pbo.reference in text
    assert "Voir la structure TAO" not in text  # no TAO right


def test_eli_02_portal_before_commercial_opening_says_when(person_a: Client) -> None:
    provided = timezone.localdate() - relativedelta(months=1)
    building = make_building(make_pm(first_provision_on=provided))
    opening = short(provided + relativedelta(months=3))
    _, text = ask(person_a, hexacle=building.address.hexacle)
    assert (
        f"Non raccordable Le PM ouvrira à la commercialisation le {opening} "
        f"Éligible à partir du {opening}. Code : beforeCommercialOpening"
    ) in text
    assert f"FTTE actif Non éligible Le PM ouvrira à la commercialisation le {opening}" in text


def test_eli_01_portal_without_ftth_contract_says_which_contract(
    admin_a: User, deployed: Building
) -> None:
    ready(admin_a.operator, admin_a, WholesaleOffer.FTTE)
    _, text = ask(browser_as(admin_a), pto=deployed.premises.first().pto_reference)
    assert (
        "Non raccordable Votre opérateur ne détient pas le contrat d'offre de gros Accès FTTH "
        "Code : noContract"
    ) in text
    assert "FTTE passif au PM Éligible" in text


def test_eli_01_portal_ambiguous_lists_candidates_with_scores_to_pick(
    person_a: Client, pm: Any
) -> None:
    twins = [
        Address.objects.create(
            ban_id=f"79191_0420_00014_{n}",
            insee="79191",
            rivoli="0420",
            number=14,
            street_name="RUE DES ACACIAS",
            street_type="RUE",
            postcode="79000",
            commune_name=city,
        )
        for n, city in enumerate(["Niort", "Sainte-Pezenne"])
    ]
    page, text = ask(person_a, insee="79191", rivoli="0420", number="14")
    assert "Plusieurs adresses correspondent à votre recherche" in text
    assert "14 RUE DES ACACIAS, 79000 Niort 100 % Choisir" in text
    assert "14 RUE DES ACACIAS, 79000 Sainte-Pezenne 100 % Choisir" in text
    html = page.content.decode()
    assert f'name="adresse" value="{twins[1].ban_id}"' in html
    # Picking one asks again for that address only.
    _, picked = ask(person_a, adresse=twins[1].ban_id, q=str(twins[1]))
    assert "Éligibilité de 14 RUE DES ACACIAS, 79000 Sainte-Pezenne" in picked
    assert "Le réseau n'est pas encore déployé" in picked  # no IPE line there


def test_eli_01_portal_unknown_address_is_said_plainly(person_a: Client, deployed: Any) -> None:
    _, text = ask(person_a, hexacle="7919199999")
    assert "Aucune adresse de l'inventaire ne correspond à « hexaclé 7919199999 »" in text
    assert "cherchez par référence" in text


def test_eli_01_portal_free_text_without_javascript(person_a: Client, deployed: Building) -> None:
    from guichet.addresses.services import refresh_index
    from tests.factories import SYSTEM

    refresh_index(actor=SYSTEM)
    _, text = ask(person_a, q=f"{deployed.address.number} r de la gare niort")
    assert f"Éligibilité de {deployed.address}" in text
    assert "Raccordable" in text


def test_eli_01_portal_bad_reference_shows_the_code(person_a: Client) -> None:
    response = person_a.post(URL, {"pto": "12"})
    assert response.status_code == 400
    text = text_of(response)
    assert "Adresse invalide : référence PTO au format OO-XXXX-XXXX Code : ADR-002" in text
    assert '<details class="references" open>' in response.content.decode()
    empty = person_a.post(URL, {"q": "  "})
    assert empty.status_code == 400 and "Code : ADR-001" in text_of(empty)
    assert not Qualification.objects.exists()


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("not-subscribed", "ELI-001"),
        ("no-ftte", "ELI-002"),
        ("no-right", "GEN-403-RIGHT"),
    ],
)
def test_eli_01_portal_refusals_are_shown_with_their_code(
    admin_a: User, deployed: Building, setup: str, code: str
) -> None:
    operator = admin_a.operator
    if setup == "not-subscribed":
        hold(operator, WholesaleOffer.FTTE)
    elif setup == "no-ftte":
        ready(operator, admin_a, WholesaleOffer.FTTH_ACCESS)
    else:
        subscribe(operator)
        hold(operator, WholesaleOffer.FTTE)
    client = browser_as(admin_a)
    page = client.get(URL)
    assert page.status_code == 403
    assert f"Code : {code}" in text_of(page)
    assert 'name="q"' not in page.content.decode()
    posted = client.post(URL, {"hexacle": deployed.address.hexacle})
    assert posted.status_code == 403 and f"Code : {code}" in text_of(posted)
    assert not Qualification.objects.exists() and not UsageRecord.objects.exists()


def test_eli_01_portal_history_is_the_persons_own_and_reopens_without_a_new_use(
    person_a: Client, admin_a: User, reader_a: User, admin_b: User, deployed: Building
) -> None:
    ask(person_a, hexacle=deployed.address.hexacle)
    ask(person_a, hexacle="7919199999")
    assert UsageRecord.objects.count() == 2
    mine = Qualification.objects.get(address=deployed.address)
    page = person_a.get(URL)
    history = text_of(page).split("Mes dernières recherches d'éligibilité", 1)[1]
    assert history.index("hexaclé 7919199999 Adresse inconnue") < history.index(
        f"{deployed.address} FTTH raccordable ; FTTE : 3 offre(s) éligible(s) sur 3 Portail"
    )
    # Re-opened as it was, without asking again.
    again = person_a.get(f"{URL}{mine.pk}/")
    assert again.status_code == 200 and "Raccordable Depuis le 15/04/2025" in text_of(again)
    assert UsageRecord.objects.count() == 2
    # A colleague has their own history; another operator never opens mine.
    colleague = browser_as(may_qualify(reader_a))
    assert "Vous n'avez encore posé aucune question" in text_of(colleague.get(URL))
    other = browser_as(ready(admin_b.operator, admin_b))
    assert str(deployed.address) not in text_of(other.get(URL))
    refused = other.get(f"{URL}{mine.pk}/")
    assert refused.status_code == 404 and "GEN-404" in text_of(refused)


def test_eli_01_portal_links_to_tao_when_the_person_may_use_it(
    admin_a: User, deployed: Building
) -> None:
    from tests.accounts.people_support import give_profile

    ready(admin_a.operator, admin_a)
    subscribe(admin_a.operator, "tao")
    give_profile(admin_a, "TAO", ["tao:read"])
    client = browser_as(admin_a)
    page, text = ask(client, hexacle=deployed.address.hexacle)
    assert "Voir la structure TAO de l'adresse" in text
    assert 'action="/tao/"' in page.content.decode()
    assert '<a href="/tao/">TAO</a>' in page.content.decode()


def test_eli_01_portal_anonymous_goes_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/connexion/" in response["Location"]
