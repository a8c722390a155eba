"""The TAO answer in plain French for the portal (TAO-01, TAO-02).

Starts from :func:`guichet.addresses.translation.as_answer`, the rendering every door shares,
and adds the words: « Rez-de-chaussée », « PTO existante », « occupée par votre ligne … ».
"""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from guichet.addresses.tao import LevelType, Occupancy
from guichet.network.choices import BuildingState, BuildingType, PmState, PremisesKind, PtoState


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def floor_label(floor: dict[str, Any]) -> str:
    level, number, raw = floor["level_type"], floor["level_number"], floor["name"]
    if not raw:
        return _("Étage non renseigné")
    if level == LevelType.GROUND:
        return _("Rez-de-chaussée")
    if level == LevelType.BASEMENT:
        return _("Sous-sol %(number)s") % {"number": number}
    if number.isdigit():
        return _("Étage %(number)s") % {"number": number}
    return _("Étage « %(name)s »") % {"name": raw}


def occupancy_label(premises: dict[str, Any]) -> str:
    if premises["occupancy"] == Occupancy.YOURS:
        return _("occupée par votre ligne %(line)s") % {"line": premises["line_reference"]}
    if premises["occupancy"] == Occupancy.IN_USE:
        if premises["line_reference"]:  # the Provider's staff see every line
            return _("occupée (ligne %(line)s)") % {"line": premises["line_reference"]}
        return _("occupée")
    return _("libre")


def _premises(p: dict[str, Any]) -> dict[str, Any]:
    return {
        **p,
        "kind_label": _label(PremisesKind, p["kind"]),
        "pto_state_label": _label(PtoState, p["pto_state"]),
        "occupancy_label": occupancy_label(p),
    }


def _building(b: dict[str, Any]) -> dict[str, Any]:
    staircases = [
        {
            "name": s["name"],
            "label": (
                _("Escalier %(name)s") % {"name": s["name"]} if s["name"] else _("Sans escalier")
            ),
            "floors": [
                {**f, "label": floor_label(f), "premises": [_premises(p) for p in f["premises"]]}
                for f in s["floors"]
            ],
        }
        for s in b["staircases"]
    ]
    return {
        **b,
        "type_label": _label(BuildingType, b["building_type"]),
        "state_label": _label(BuildingState, b["state"]),
        "pm_state_label": _label(PmState, b["pm_state"]),
        "staircases": staircases,
    }


def present(answer: dict[str, Any]) -> dict[str, Any]:
    """The template's view of one TAO answer."""
    buildings = [_building(b) for b in answer["buildings"]]
    return {
        **answer,
        "buildings": buildings,
        "premises_count": sum(b["premises_count"] for b in answer["buildings"]),
        "data_as_of_dt": parse_datetime(answer["data_as_of"]) if answer["data_as_of"] else None,
        "answered_at_dt": (
            parse_datetime(answer["answered_at"]) if answer["answered_at"] else None
        ),
    }
