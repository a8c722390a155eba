"""Steps of the SEC-09 journeys, through the real doors (portal forms)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from guichet.compliance.models import NonConformity, SecurityAudit
from guichet.operators.models import Operator


def record_audit(staff: Client, operator: Operator, **overrides: Any) -> SecurityAudit:
    data = {
        "operator": operator.pk,
        "performed_on": "2026-11-02",
        "auditor": "Orange Cyberdéfense",
        "auditor_kind": "orange",
        "scope": "Point d'accès et postes des Intervenants (annexe 2 §2 et §3)",
        "findings": "Mots de passe non renouvelés ; antivirus absent sur deux postes.",
        **overrides,
    }
    response = staff.post("/back-office/audits/nouveau", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return SecurityAudit.objects.latest("id")


def add_non_conformity(staff: Client, audit: SecurityAudit, **overrides: Any) -> NonConformity:
    data = {
        "requirement": "A2-3",
        "severity": "major",
        "description": "Aucune politique de renouvellement des mots de passe.",
        **overrides,
    }
    response = staff.post(f"/back-office/audits/{audit.pk}/non-conformites", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return audit.non_conformities.latest("id")


def notify(staff: Client, nc: NonConformity) -> Any:
    return staff.post(f"/back-office/audits/non-conformites/{nc.pk}/notifier")


def plan_data(*items: tuple[str, str, date], summary: str = "") -> dict[str, str]:
    data = {"summary": summary}
    for row, (action, owner, due_on) in enumerate(items, start=1):
        data[f"action_{row}"] = action
        data[f"owner_{row}"] = owner
        data[f"due_on_{row}"] = due_on.isoformat()
    return data


def file_plan(client: Client, nc: NonConformity, *items: tuple[str, str, date]) -> Any:
    return client.post(
        f"/securite/audits/non-conformites/{nc.pk}/plan",
        plan_data(*items, summary="Plan de remise en conformité"),
    )
