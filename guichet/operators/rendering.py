"""Contract templates filled for one operator and rendered as PDF (CTR-15).

The templates are the public texts shipped in ``documents/``: the seed's blanks
(``XXX`` for the operator's identity, ``#ville#`` and ``#date#`` for the signature)
are filled here. Rendering writes nothing: services keep the bytes and their SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from guichet.core.errors import GuichetError
from guichet.operators.errors import OPERATOR_IDENTITY_INCOMPLETE

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"
GENERAL_CONDITIONS_FILE = "conditions-generales-e-services.txt"
FRAMEWORK_FILE = "accord-cadre.txt"
SPECIFIC_FILE = "conditions-specifiques.txt"

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

LEGAL_FORM_WORDS = {
    "SA": "société anonyme",
    "SAS": "société par actions simplifiée",
    "SASU": "société par actions simplifiée unipersonnelle",
    "SARL": "société à responsabilité limitée",
    "EURL": "entreprise unipersonnelle à responsabilité limitée",
    "SCIC": "société coopérative d'intérêt collectif",
    "SEM": "société d'économie mixte",
    "ASSO": "association",
    "PUBLIC": "personne publique",
}
_IDENTITY = re.compile(
    r"XXX société anonyme au capital de XXX €, immatriculée au RCS de XXX sous le numéro XXX,"
    r"(\s*)dont le siège(\s*)est situé au XXX\."
)
_REPRESENTATIVE = re.compile(r"par XXX, en sa qualité de XXX,")
_ANNEX = re.compile(r"^\s*Annexe ([1-4]) –", re.MULTILINE)


def french_date(day: date) -> str:
    """« 31 janvier 2019 » (1er for the first of the month)."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def french_amount(value: Decimal | int | None) -> str:
    """« 1 000 000 » or « 37 000,50 » with narrow no-break spaces."""
    value = Decimal(value or 0)
    whole = f"{int(value):,}".replace(",", "\u202f")
    cents = int((value - int(value)) * 100)
    return f"{whole},{cents:02d}" if cents else whole


@cache
def template_text(name: str) -> str:
    """The text of a shipped template (``documents/<name>``)."""
    return (DOCUMENTS_DIR / name).read_text(encoding="utf-8")


def general_conditions_parts() -> dict[str, str]:
    """The seed split into the General Conditions and annexes 1–4, keyed by document kind."""
    text = template_text(GENERAL_CONDITIONS_FILE)
    starts = [(m.start(), f"annex-{m.group(1)}") for m in _ANNEX.finditer(text)]
    parts = {"general": text[: starts[0][0]] if starts else text}
    for index, (start, kind) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        parts[kind] = text[start:end]
    return parts


@dataclass(frozen=True)
class Party:
    """The operator's legal identity as the contract names it."""

    name: str
    legal_form: str
    share_capital: Decimal | None
    rcs_city: str
    rcs_number: str
    head_office: str
    representative_name: str
    representative_capacity: str

    @classmethod
    def of(cls, operator: Any) -> Party:
        missing = [
            label
            for field, label in (
                ("rcs_city", "ville du RCS"),
                ("rcs_number", "numéro RCS"),
                ("representative_name", "représentant légal"),
                ("representative_capacity", "qualité du représentant"),
            )
            if not getattr(operator, field)
        ]
        if missing:
            raise GuichetError(OPERATOR_IDENTITY_INCOMPLETE, detail=", ".join(missing))
        head_office = (
            f"{operator.head_office_street}, {operator.head_office_postcode} "
            f"{operator.head_office_city}"
        )
        return cls(
            name=operator.name,
            legal_form=LEGAL_FORM_WORDS.get(operator.legal_form, operator.legal_form.lower()),
            share_capital=operator.share_capital,
            rcs_city=operator.rcs_city,
            rcs_number=operator.rcs_number,
            head_office=head_office,
            representative_name=operator.representative_name,
            representative_capacity=operator.representative_capacity,
        )


def fill(
    body: str,
    party: Party,
    *,
    place: str,
    on: date,
    contract_number: str,
    extra: dict[str, str] | None = None,
) -> str:
    """The template ``body`` with the operator's identity and the signature place and date."""
    capital = (
        f"au capital de {french_amount(party.share_capital)} €"
        if party.share_capital is not None
        else "au capital non renseigné"
    )
    identity = (
        f"{party.name}, {party.legal_form} {capital}, immatriculée au RCS de {party.rcs_city} "
        f"sous le numéro {party.rcs_number}, dont le siège est situé au {party.head_office}."
    )
    text = _IDENTITY.sub(lambda _m: identity, body)
    text = _REPRESENTATIVE.sub(
        lambda _m: (
            f"par {party.representative_name}, en sa qualité de {party.representative_capacity},"
        ),
        text,
    )
    text = text.replace("Contrat n°xxx", f"Contrat n°{contract_number}")
    text = text.replace("#ville#", place).replace("#date#", french_date(on))
    # The seed's bullets are Symbol-font private-use characters: plain bullets print anywhere.
    text = text.replace("\uf0b7", "•")
    for key, value in (extra or {}).items():
        text = text.replace(f"#{key}#", value)
    return text


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_from_html(html: str) -> bytes:
    """WeasyPrint, imported late: its native libraries load only when a PDF is made."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def document_pdf(*, title: str, text: str, footer: str) -> bytes:
    """A contract document's PDF: the filled text, paragraph by paragraph."""
    paragraphs = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    with translation.override("fr"):
        html = render_to_string(
            "operators/contracts/pdf/document.html",
            {"title": title, "paragraphs": paragraphs, "footer": footer},
        )
    return pdf_from_html(html)


def order_form_pdf(context: dict[str, Any]) -> bytes:
    """The order form as accepted: what was ordered, by whom, under which conditions."""
    with translation.override("fr"):
        html = render_to_string("operators/contracts/pdf/order_form.html", context)
    return pdf_from_html(html)
