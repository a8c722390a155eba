"""Eligibility answers in plain French (ELI-01, ELI-02) for the portal.

Starts from :func:`guichet.eligibility.answers.as_answer`, the rendering every door shares,
and only words it: « Non éligible : le PM ouvrira à la commercialisation le 12/03/2027 ».
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from guichet.core.context import Channel
from guichet.eligibility.choices import Offer, Reason
from guichet.network.choices import BuildingState, PmState


def day(value: str | date | None) -> str:
    """A date in the active language's short format (« 12/03/2027 » in French)."""
    if not value:
        return ""
    parsed = parse_date(value) if isinstance(value, str) else value
    return formats.date_format(parsed, "SHORT_DATE_FORMAT") if parsed else str(value)


def moment(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _state_label(state: str) -> str:
    for choices in (BuildingState, PmState):
        if state in choices.values:
            return str(choices(state).label).lower()
    return state


def reason_sentence(reason: dict[str, Any], offer: str) -> str:
    """One reason of a « Non éligible », as a person would say it."""
    code, on, state = reason["code"], reason.get("on"), reason.get("state") or ""
    if code == Reason.UNKNOWN_ADDRESS:
        return _("adresse inconnue de l'inventaire")
    if code == Reason.AMBIGUOUS_ADDRESS:
        return _("plusieurs adresses possibles, choisissez la bonne ci-dessous")
    if code == Reason.ABANDONED:
        return _("l'immeuble est abandonné et ne sera pas raccordé")
    if code == Reason.NOT_DEPLOYED:
        text = _("le réseau n'est pas encore déployé")
        if state:
            text += " (" + _("état : %(state)s") % {"state": _state_label(state)} + ")"
        if on:
            text += ", " + _("raccordement prévu le %(date)s") % {"date": day(on)}
        return text
    if code == Reason.BEFORE_COMMERCIAL_OPENING:
        if on:
            return _("le PM ouvrira à la commercialisation le %(date)s") % {"date": day(on)}
        return _("le PM n'a pas encore de date d'ouverture commerciale")
    if code == Reason.TEMPORARY_FREEZE:
        if on:
            return _("les commandes sont gelées temporairement, reprise le %(date)s") % {
                "date": day(on)
            }
        return _("les commandes sont gelées temporairement, jusqu'à nouvel ordre")
    if code == Reason.EXCLUSION_ZONE:
        return _("l'adresse est dans une zone exclue de cette offre")
    if code == Reason.NO_CONTRACT:
        if offer == Offer.FTTH:
            return _("votre opérateur ne détient pas le contrat d'offre de gros Accès FTTH")
        return _("votre opérateur ne détient pas le contrat d'offre de gros FTTE")
    return str(reason.get("label") or code)


@dataclass(frozen=True)
class OfferLine:
    """One offer of the answer, worded."""

    offer: str
    label: str
    eligible: bool
    verdict: str  # « Éligible », « Raccordable », « Non éligible »
    detail: str  # since when / why not
    codes: list[str]
    available_from: str
    pm_reference: str
    pbo_reference: str
    building_id: str
    buildings: list[dict[str, Any]] = field(default_factory=list)


def offer_line(item: dict[str, Any]) -> OfferLine:
    ftth = item["offer"] == Offer.FTTH
    if item["eligible"]:
        verdict = _("Raccordable") if ftth else _("Éligible")
        detail = _("depuis le %(date)s") % {"date": day(item["since"])} if item["since"] else ""
    else:
        verdict = _("Non raccordable") if ftth else _("Non éligible")
        detail = " ; ".join(reason_sentence(r, item["offer"]) for r in item["reasons"])
    return OfferLine(
        offer=item["offer"],
        label=item["offer_label"],
        eligible=item["eligible"],
        verdict=verdict,
        detail=detail,
        codes=[r["code"] for r in item["reasons"]],
        available_from=day(item["available_from"]),
        pm_reference=item["pm_reference"],
        pbo_reference=item["pbo_reference"],
        building_id=item["building_id"],
        buildings=[
            {
                **b,
                "verdict": (_("Éligible") if b["result"] == "eligible" else _("Non éligible")),
                "detail": " ; ".join(reason_sentence(r, item["offer"]) for r in b["reasons"])
                or (_("depuis le %(date)s") % {"date": day(b["since"])} if b["since"] else ""),
            }
            for b in item["buildings"]
        ],
    )


def question_label(answer: dict[str, Any]) -> str:
    """What was asked, in words: the resolved address, else the text or the key given."""
    address = (answer.get("place") or {}).get("address")
    if address:
        return str(address["label"])
    query = answer.get("query") or {}
    if query.get("text"):
        return str(query["text"])
    names = {
        "hexacle": _("hexaclé"),
        "hexacle_street": _("hexaclé voie"),
        "ban_id": _("identifiant BAN"),
        "building_id": _("immeuble"),
        "pto": _("PTO"),
        "nd": _("ND"),
        "insee": _("INSEE"),
        "rivoli": _("RIVOLI"),
        "number": _("n°"),
        "latitude": _("latitude"),
        "longitude": _("longitude"),
    }
    return " ".join(f"{names.get(k, k)} {v}" for k, v in query.items())


def summary(answer: dict[str, Any]) -> str:
    """One line for the history: « Raccordable ; FTTE : 3 offres éligibles sur 3 »."""
    if answer["resolution"] == "ambiguous":
        return _("Adresse ambiguë")
    if answer["resolution"] == "unknown":
        return _("Adresse inconnue")
    parts = []
    ftte = [i for i in answer["items"] if i["offer"] != Offer.FTTH]
    for item in answer["items"]:
        if item["offer"] == Offer.FTTH:
            parts.append(_("FTTH raccordable") if item["eligible"] else _("FTTH non raccordable"))
    if ftte:
        parts.append(
            _("FTTE : %(ok)s offre(s) éligible(s) sur %(all)s")
            % {"ok": sum(1 for i in ftte if i["eligible"]), "all": len(ftte)}
        )
    return " ; ".join(parts)


def present(answer: dict[str, Any]) -> dict[str, Any]:
    """The template's view of one qualification."""
    offers = [offer_line(item) for item in answer["items"]]
    # Usually every offer names the same building, PM and PBO: said once, above the table.
    refs = {(o.building_id, o.pm_reference, o.pbo_reference) for o in offers}
    common = refs.pop() if len(refs) == 1 else None
    return {
        **answer,
        "label": question_label(answer),
        "offers": offers,
        "common_refs": (
            dict(zip(("building_id", "pm_reference", "pbo_reference"), common, strict=True))
            if common and any(common)
            else None
        ),
        "same_refs": common is not None,
        "data_as_of_dt": moment(answer.get("data_as_of")),
        "created_at_dt": moment(answer.get("created_at")),
        "channel_label": (
            str(Channel(answer["channel"]).label)
            if answer.get("channel") in Channel.values
            else answer.get("channel", "")
        ),
    }
