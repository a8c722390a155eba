"""ELI-01 / TAO-01: free-text addresses resolve like the French geocoders read them.

One query set, with the exact expected answers: CI runs this module on SQLite (FTS5
trigram) and on PostgreSQL (pg_trgm), so both databases are held to the same results.
"""

from __future__ import annotations

import pytest

from guichet.addresses import normalize
from guichet.addresses.selectors import PlaceQuery, Resolution, resolve, suggest
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.network.models import Address

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")


def labels(made: dict[str, Address], resolution: Resolution) -> list[str]:
    by_pk = {address.pk: label for label, address in made.items()}
    return [by_pk[c.address.pk] for c in resolution.candidates]


def ask(made: dict[str, Address], text: str) -> tuple[str, list[str]]:
    resolution = resolve(ACTOR, PlaceQuery(text=text))
    return resolution.status, labels(made, resolution)


# text → (status, candidates best first). The same answers on SQLite and PostgreSQL.
QUERIES: dict[str, tuple[str, list[str]]] = {
    "12 rue de la gare niort": ("found", ["12 RUE DE LA GARE 79191"]),
    "12 Rue de la Gare, 79000 NIORT": ("found", ["12 RUE DE LA GARE 79191"]),
    "rue de la gare 12 niort": ("found", ["12 RUE DE LA GARE 79191"]),
    "rue de la gare, 12, niort": ("found", ["12 RUE DE LA GARE 79191"]),
    "12 bis rue de la gare niort": ("found", ["12B RUE DE LA GARE 79191"]),
    "12B rue de la gare Niort": ("found", ["12B RUE DE LA GARE 79191"]),
    "12 b rue de la gare niort": ("found", ["12B RUE DE LA GARE 79191"]),
    "12 rue de la gare parthenay": ("found", ["12 RUE DE LA GARE 79202"]),
    "12 rue de la gare 79200": ("found", ["12 RUE DE LA GARE 79202"]),
    "2 impasse de la gare niort": ("found", ["2 IMPASSE DE LA GARE 79191"]),
    "5 bd main niort": ("found", ["5 BOULEVARD MAIN 79191"]),
    "8 av de la republique niort": ("found", ["8 AVENUE DE LA REPUBLIQUE 79191"]),
    "7 r st jean niort": ("found", ["7 RUE SAINT JEAN 79191"]),
    "3 rue du 8 mai 1945 niort": ("found", ["3 RUE DU 8 MAI 1945 79191"]),
    "6 chemin du moulin echire": ("found", ["6 CHEMIN DU MOULIN 79109"]),
    "6 CH DU MOULIN ÉCHIRÉ": ("found", ["6 CHEMIN DU MOULIN 79109"]),
    "les grands champs echire": ("found", ["LES GRANDS CHAMPS 79109"]),
    "3 allée de l'églantine, Borcq-sur-Airvault": ("found", ["3 ALLEE DE L EGLANTINE 79005"]),
    "3 allee de l eglantine borcq sur airvault": ("found", ["3 ALLEE DE L EGLANTINE 79005"]),
    "4 rue des ecoles borcq sur airvault": ("found", ["4 RUE DES ECOLES 79005"]),
    "12 rue de la grae niort": ("found", ["12 RUE DE LA GARE 79191"]),
    "12 rue de la gare nirot": ("found", ["12 RUE DE LA GARE 79191"]),
    "8 avenue de la repubique niort": ("found", ["8 AVENUE DE LA REPUBLIQUE 79191"]),
    "12 rue de la gare": (
        "ambiguous",
        ["12 RUE DE LA GARE 79191", "12 RUE DE LA GARE 79202", "12B RUE DE LA GARE 79191"],
    ),
    "12 ter rue de la gare niort": (
        "ambiguous",
        ["12 RUE DE LA GARE 79191", "12B RUE DE LA GARE 79191"],
    ),
    "rue des lilas lyon": ("unknown", []),
    "zzzz qqqq": ("unknown", []),
    "niort": ("unknown", []),
}


@pytest.mark.parametrize("text", list(QUERIES))
def test_tao_01_free_text_query_set(search_inventory: dict[str, Address], text: str) -> None:
    assert ask(search_inventory, text) == QUERIES[text]


def test_tao_01_free_text_with_accents_and_case_resolves(search_inventory: dict) -> None:
    assert ask(search_inventory, "6 CHEMIN DU MOULIN, 79410 ÉCHIRÉ")[0] == "found"
    assert ask(search_inventory, "6 chemin du moulin echire") == ask(
        search_inventory, "6 Chemin du Moulin Échiré"
    )


def test_tao_01_free_text_with_abbreviations_resolves(search_inventory: dict) -> None:
    assert ask(search_inventory, "5 bd main niort") == ("found", ["5 BOULEVARD MAIN 79191"])
    assert ask(search_inventory, "8 av republique niort") == (
        "found",
        ["8 AVENUE DE LA REPUBLIQUE 79191"],
    )
    assert ask(search_inventory, "7 rue st jean niort") == ("found", ["7 RUE SAINT JEAN 79191"])


def test_tao_01_free_text_bis_ter_suffix_resolves(search_inventory: dict) -> None:
    assert ask(search_inventory, "12bis rue de la gare niort")[1] == ["12B RUE DE LA GARE 79191"]
    # Without a suffix, the plain number wins over its "bis".
    assert ask(search_inventory, "12 rue de la gare niort")[1] == ["12 RUE DE LA GARE 79191"]


def test_tao_01_free_text_number_after_street_resolves(search_inventory: dict) -> None:
    assert ask(search_inventory, "rue de la gare 12 bis niort") == (
        "found",
        ["12B RUE DE LA GARE 79191"],
    )


def test_tao_01_free_text_without_postcode_or_commune(search_inventory: dict) -> None:
    # The street exists in one commune only: no commune is needed.
    assert ask(search_inventory, "5 boulevard main") == ("found", ["5 BOULEVARD MAIN 79191"])


def test_tao_01_free_text_former_commune_name_resolves(search_inventory: dict) -> None:
    status, found = ask(search_inventory, "3 allee de l eglantine borcq sur airvault")
    assert (status, found) == ("found", ["3 ALLEE DE L EGLANTINE 79005"])


def test_tao_01_free_text_with_typo_resolves(search_inventory: dict) -> None:
    assert ask(search_inventory, "12 rue de la grae niort")[0] == "found"
    assert ask(search_inventory, "12 rue de la gare nirot")[0] == "found"


def test_tao_01_same_street_in_two_communes_is_ambiguous(search_inventory: dict) -> None:
    resolution = resolve(ACTOR, PlaceQuery(text="12 rue de la gare"))
    assert resolution.status == "ambiguous" and resolution.address is None
    assert labels(search_inventory, resolution)[:2] == [
        "12 RUE DE LA GARE 79191",
        "12 RUE DE LA GARE 79202",
    ]
    assert [c.score for c in resolution.candidates[:2]] == [1.0, 1.0]
    assert {c.matched_by for c in resolution.candidates} == {"text"}


def test_tao_01_missing_number_is_ambiguous_not_guessed(search_inventory: dict) -> None:
    status, found = ask(search_inventory, "99 rue de la gare niort")
    assert status == "ambiguous"
    assert found[:2] == ["12 RUE DE LA GARE 79191", "14 RUE DE LA GARE 79191"]  # nearest


def test_tao_01_unknown_address(search_inventory: dict) -> None:
    assert ask(search_inventory, "rue des lilas lyon") == ("unknown", [])


def test_tao_01_blank_text_is_refused(search_inventory: dict) -> None:
    with pytest.raises(GuichetError):
        resolve(ACTOR, PlaceQuery(text="   "))


def test_tao_01_scores_between_0_and_1_best_first(search_inventory: dict) -> None:
    resolution = resolve(ACTOR, PlaceQuery(text="rue de la gare niort"))
    scores = [c.score for c in resolution.candidates]
    assert resolution.status == "ambiguous" and 1 < len(scores) <= 10
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_tao_01_suggest_streets_while_typing(search_inventory: dict) -> None:
    found = suggest(ACTOR, "rue de la ga")
    streets = [(c.address.street_name, c.address.insee, c.matched_by) for c in found[:2]]
    assert streets == [
        ("RUE DE LA GARE", "79191", "street"),
        ("RUE DE LA GARE", "79202", "street"),
    ]


def test_tao_01_suggest_addresses_once_a_number_is_typed(search_inventory: dict) -> None:
    found = suggest(ACTOR, "12 rue de la gare ni")
    assert labels(search_inventory, Resolution("ambiguous", found[:1])) == [
        "12 RUE DE LA GARE 79191"
    ]
    assert suggest(ACTOR, "ni") == []


def test_tao_01_normaliser_reads_like_the_geocoders() -> None:
    (reading,) = normalize.parse("12 bis, Av. du Gal de Gaulle 79000 Niort")
    assert (reading.number, reading.suffix, reading.postcode) == (12, "B", "79000")
    assert reading.words == ("avenue", "du", "general", "de", "gaulle", "niort")
    first, second = normalize.parse("rue du 8 mai 1945 12 ter")
    assert (first.number, first.suffix, first.words) == (12, "T", ("rue", "du", "8", "mai", "1945"))
    assert second.number is None
    assert normalize.normalize("Saint-Maixent-l'École") == "saint maixent l ecole"
    assert normalize.normalize("CR DES OEUFS") == "chemin rural des oeufs"
