"""The Provider's eligibility rules under /api/v1/ (exclusion zones, temporary freezes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from guichet.audit.models import AuditRecord
from guichet.eligibility.models import ExclusionZone, TemporaryFreeze
from tests.api_checks import assert_tmf_error

ZONES = "/api/v1/eligibility-exclusion-zones"
FREEZES = "/api/v1/eligibility-freezes"


def test_eli_01_rules_are_the_providers_only(admin_a: Any, api_as: Any, deployed: Any) -> None:
    client = api_as(admin_a)
    assert_tmf_error(client.get(ZONES), 403, "GEN-403")
    zone = {"scope": "commune", "value": "79191"}
    assert_tmf_error(client.post(ZONES, zone, format="json"), 403, "GEN-403")
    assert_tmf_error(api_as(None).get(FREEZES), 401, "GEN-401")
    assert not ExclusionZone.objects.exists()


def test_eli_01_zone_created_journaled_and_lifted(
    provider_staff: Any, api_as: Any, deployed: Any
) -> None:
    client = api_as(provider_staff)
    created = client.post(
        ZONES,
        {"scope": "building", "value": deployed.ipe_id, "reason": "Immeuble en litige"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["offer"] == ""
    entry = AuditRecord.objects.get(action="eligibility.exclusion_zone.create")
    assert entry.after["value"] == deployed.ipe_id and entry.channel == "rest"
    again = client.post(ZONES, {"scope": "building", "value": deployed.ipe_id}, format="json")
    assert_tmf_error(again, 422, "ELI-010")
    listed = client.get(ZONES)
    assert [z["value"] for z in listed.json()] == [deployed.ipe_id]
    assert client.delete(f"{ZONES}/{created.json()['id']}").status_code == 204
    assert AuditRecord.objects.filter(action="eligibility.exclusion_zone.delete").exists()
    assert not ExclusionZone.objects.exists()


def test_eli_01_rules_refuse_what_could_never_match(provider_staff: Any, api_as: Any) -> None:
    client = api_as(provider_staff)
    cases = [
        ({"scope": "pm", "value": "NOPE-PM-1"}, 422, "ELI-011"),
        ({"scope": "building", "value": "IMB/NOPE"}, 422, "ELI-011"),
        ({"scope": "commune", "value": "Niort"}, 422, "ELI-010"),
        ({"scope": "all", "value": "79191"}, 422, "ELI-010"),
        ({"scope": "commune", "value": ""}, 422, "ELI-010"),
        ({"scope": "moon", "value": "1"}, 422, "GEN-422"),
        ({"scope": "all", "offer": "ftth-gold"}, 422, "GEN-422"),
    ]
    for data, status, code in cases:
        assert_tmf_error(client.post(ZONES, data, format="json"), status, code)
    today = timezone.localdate()
    backwards = {
        "scope": "all",
        "starts_on": today.isoformat(),
        "ends_on": (today - timedelta(days=1)).isoformat(),
    }
    assert_tmf_error(client.post(FREEZES, backwards, format="json"), 422, "ELI-010")


def test_eli_01_freeze_end_moved_then_lifted(provider_staff: Any, api_as: Any) -> None:
    client = api_as(provider_staff)
    today = timezone.localdate()
    created = client.post(
        FREEZES,
        {"scope": "commune", "value": "79191", "starts_on": today.isoformat()},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["ends_on"] is None
    url = f"{FREEZES}/{created.json()['id']}"
    moved = client.patch(url, {"ends_on": (today + timedelta(days=2)).isoformat()}, format="json")
    assert moved.status_code == 200, moved.content
    assert TemporaryFreeze.objects.get().ends_on == today + timedelta(days=2)
    entry = AuditRecord.objects.get(action="eligibility.freeze.update")
    assert entry.before == {"ends_on": None}
    assert client.delete(url).status_code == 204
