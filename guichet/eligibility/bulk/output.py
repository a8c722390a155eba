"""The result file of bulk eligibility: its columns, rendered from an ``as_answer``-shaped dict.

The same :func:`answer_cells` renders a stored qualification
(:func:`guichet.eligibility.answers.as_answer`) and a bulk line, so the same-answer test
compares them cell by cell. ``;``-separated, UTF-8, one line per input line, in order:

============================  ===================================================================
``ligne``                     the line's number in the input file (the header is line 1)
``reference``                 the client's reference, as given
``type_cle`` / ``cle``        the key the line used, as given
``statut``                    ``found``, ``ambiguous``, ``unknown`` — or ``error`` (bad line)
``trouvee_par``               the key that resolved it (``pto``, ``nd``, ``hexacle``, ``text``…)
``id_adresse`` ``hexacle``    the resolved address (id of the TMF673 door) and its label
``adresse``
``id_immeuble`` ``pto``       IdentifiantImmeuble, the PTO (premises keys), the PM and PBO
``reference_pm`` ``…pbo``     of the first offer's answer
per offer ``<offre>``         ``eligible`` / ``notEligible``
``<offre>_motifs``            reason codes, ``|``-separated
``<offre>_depuis``            eligible since (FTTH: raccordable since)
``<offre>_a_partir_du``       expected to become eligible on
``candidats``                 ambiguous: the candidate addresses' ids, ``|``-separated
``date_extraction``           the state of the data (GEN-03)
``code_erreur`` ``message…``  a bad line's error code and message (French)
============================  ===================================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

HEAD = (
    "ligne",
    "reference",
    "type_cle",
    "cle",
    "statut",
    "trouvee_par",
    "id_adresse",
    "hexacle",
    "adresse",
    "id_immeuble",
    "pto",
    "reference_pm",
    "reference_pbo",
)
TAIL = ("candidats", "date_extraction", "code_erreur", "message_erreur")
PER_OFFER = ("", "_motifs", "_depuis", "_a_partir_du")
ERROR = "error"


def columns(offers: Sequence[str]) -> list[str]:
    """The header line for the offers asked."""
    per_offer = [f"{offer}{suffix}" for offer in offers for suffix in PER_OFFER]
    return [*HEAD, *per_offer, *TAIL]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def answer_cells(answer: Mapping[str, Any]) -> list[str]:
    """Every cell that comes from the answer (not the line's own number, reference and key)."""
    place = answer.get("place") or {}
    address = place.get("address") or {}
    premises = place.get("premises") or {}
    items = answer["items"]
    first = items[0] if items else {}
    cells = [
        answer["resolution"],
        answer.get("matched_by") or "",
        address.get("id", ""),
        address.get("hexacle", ""),
        address.get("label", ""),
        first.get("building_id") or premises.get("building_id") or place.get("building_id", ""),
        premises.get("pto", ""),
        first.get("pm_reference", ""),
        first.get("pbo_reference", ""),
    ]
    for item in items:
        cells += [
            item["result"],
            "|".join(reason["code"] for reason in item["reasons"]),
            _text(item.get("since")),
            _text(item.get("available_from")),
        ]
    cells.append("|".join(c["address"]["id"] for c in answer.get("candidates") or []))
    cells.append(_text(answer.get("data_as_of")))
    return cells


def line_cells(number: int, reference: str, key_kind: str, key: str) -> list[str]:
    return [str(number), reference, key_kind, key]


def error_cells(offers: Sequence[str], code: str, message: str, data_as_of: str) -> list[str]:
    """A bad line: its status, empty answer cells, the error."""
    blanks = [""] * (len(HEAD) - 5 + len(offers) * len(PER_OFFER) + 1)
    return [ERROR, *blanks, data_as_of, code, message]
