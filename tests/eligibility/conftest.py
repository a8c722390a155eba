"""Eligibility test data: an operator able to qualify, a small inventory, an extraction date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from guichet.accounts.models import User
from guichet.network.choices import ImportKind, ImportStatus
from guichet.network.models import Building, ImportJob, Pm
from guichet.operators.models import EService, Operator, Subscription, WholesaleOffer
from guichet.operators.services import wholesale
from tests.accounts.people_support import give_profile
from tests.factories import SYSTEM
from tests.network.factories import make_building, make_pm

POQ_URL = "/tmf-api/productOfferingQualification/v4/productOfferingQualification"
EXTRACTED_AT = timezone.make_aware(timezone.datetime(2026, 1, 5, 6, 30))


def subscribe(operator: Operator, code: str = "eligibilite-ftte") -> Subscription:
    return Subscription.objects.create(
        operator=operator,
        service=EService.objects.get(code=code),
        activated_on=timezone.localdate() - timedelta(days=30),
    )


def hold(operator: Operator, *offers: str) -> None:
    for offer in offers:
        wholesale.register_wholesale_contract(
            actor=SYSTEM, operator=operator, offer=offer, signed_on=date(2024, 1, 15)
        )


def may_qualify(person: User) -> User:
    give_profile(person, f"Éligibilité {person.username}", ["eligibilite-ftte:read"])
    return person


def ready(operator: Operator, person: User, *offers: str) -> User:
    """Subscribed to the e-service, holding ``offers`` (FTTE and FTTH by default)."""
    subscribe(operator)
    hold(operator, *(offers or (WholesaleOffer.FTTE, WholesaleOffer.FTTH_ACCESS)))
    return may_qualify(person)


def place(**fields: Any) -> dict[str, Any]:
    return {"role": "installationAddress", "@type": "GeographicAddress", **fields}


def body(place_: dict[str, Any], *offers: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"instantSyncQualification": True, "place": [place_], **extra}
    if offers:
        data["productOfferingQualificationItem"] = [
            {"id": str(n), "action": "add", "productOffering": {"id": offer}}
            for n, offer in enumerate(offers, start=1)
        ]
    return data


def items(response: Any) -> dict[str, dict[str, Any]]:
    """The answer's items by offer code."""
    assert response.status_code == 200, response.content
    return {
        item["productOffering"]["id"]: item
        for item in response.json()["productOfferingQualificationItem"]
    }


def reasons(item: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in item["eligibilityUnavailabilityReason"]]


def characteristic(item: dict[str, Any], name: str) -> Any:
    values = {c["name"]: c["value"] for c in item["product"]["productCharacteristic"]}
    return values.get(name)


def pto_of(building: Building, index: int = 0) -> str:
    return building.premises.order_by("code")[index].pto_reference


@pytest.fixture
def extracted(db: None) -> ImportJob:
    """A finished load: the answers' extraction date (GEN-03)."""
    return ImportJob.objects.create(
        kind=ImportKind.GENERATED,
        status=ImportStatus.SUCCEEDED,
        source_name="test",
        finished_at=EXTRACTED_AT,
    )


@pytest.fixture
def pm(db: None) -> Pm:
    """A deployed PM, first provided on 15 January 2025: open since 15 April 2025."""
    return make_pm()


@pytest.fixture
def deployed(pm: Pm) -> Building:
    return make_building(pm, premises=3)


@pytest.fixture
def client_a(admin_a: User, api_as: Callable[[User | None], APIClient]) -> APIClient:
    """Operator A's admin, subscribed, holding the FTTE and FTTH contracts, with the right."""
    ready(admin_a.operator, admin_a)
    return api_as(admin_a)


@pytest.fixture
def detail_url() -> Callable[[str], str]:
    return lambda pk: reverse("eligibility-api:productofferingqualification-detail", args=[pk])
