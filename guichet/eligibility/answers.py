"""One plain rendering of a qualification that every door starts from (same answer everywhere).

REST (TMF679), SOAP, the portal and bulk files all render :func:`as_answer`; only the
wire names change. Dates are ISO strings, so the dict is JSON-safe and comparable
across doors. Labels follow the active language; codes never change.
"""

from __future__ import annotations

from typing import Any

from guichet.eligibility.choices import Offer, Reason, Result
from guichet.eligibility.models import Qualification, QualificationItem


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def reason_label(code: str) -> str:
    return str(Reason(code).label) if code in Reason.values else code


def _reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "code": why["code"],
            "label": reason_label(why["code"]),
            "on": why.get("on"),
            "state": why.get("state", ""),
            "scope": why.get("scope", ""),
        }
        for why in reasons
    ]


def item_answer(item: QualificationItem) -> dict[str, Any]:
    """The answer for one offer."""
    return {
        "item_id": item.item_id,
        "offer": item.offer,
        "offer_label": str(Offer(item.offer).label),
        "result": item.result,
        "eligible": item.result == Result.ELIGIBLE,
        "reasons": _reasons(item.reasons),
        "since": _iso(item.since),
        "available_from": _iso(item.available_from),
        "building_id": item.building_id,
        "pm_reference": item.pm_reference,
        "pbo_reference": item.pbo_reference,
        "buildings": [
            {**building, "reasons": _reasons(building["reasons"])} for building in item.buildings
        ],
    }


def as_answer(qualification: Qualification) -> dict[str, Any]:
    """The whole answer: the place as resolved, one entry per offer, the data's date (GEN-03)."""
    return {
        "id": str(qualification.id),
        "external_id": qualification.external_id,
        "operator": qualification.operator.arcep_code if qualification.operator else "",
        "created_at": _iso(qualification.created_at),
        "data_as_of": _iso(qualification.data_as_of),
        "channel": qualification.channel,
        "query": dict(qualification.query),
        "resolution": qualification.resolution,
        "matched_by": qualification.matched_by,
        "place": dict(qualification.place),
        "candidates": list(qualification.candidates),
        "items": [item_answer(item) for item in qualification.items.all()],
    }
