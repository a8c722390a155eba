"""TMF673 geographicAddressValidation kept: read again by id and in the list (paging,
``fields=``), scoped to the operator (another operator's: 404), journaled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from guichet.accounts.models import User
from guichet.addresses.models import AddressValidation
from guichet.audit.models import AuditRecord
from guichet.billing.models import UsageRecord
from tests.addresses.tao_fixtures import AS_OF, BASE, as_of, residence, tao_a, tao_b
from tests.factories import make_person

__all__ = ["as_of", "residence", "tao_a", "tao_b"]  # fixtures

pytestmark = pytest.mark.django_db
VALIDATIONS = f"{BASE}/geographicAddressValidation"


def validate(client: Any, submitted: dict[str, Any], provide: bool = True) -> Any:
    response = client.post(
        VALIDATIONS,
        {"provideAlternative": provide, "submittedGeographicAddress": submitted},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response


def test_tao_01_validation_read_again_by_id_as_it_was_answered(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    created = validate(client, {"hexacle": "79191AC012", "streetName": "RUE DES ACACIAS"})
    body = created.json()
    assert created["Location"] == body["href"] == f"{VALIDATIONS}/{body['id']}"
    assert body["@type"] == "GeographicAddressValidation"
    again = client.get(body["href"])
    assert again.status_code == 200, again.content
    assert again.json() == body
    assert datetime.fromisoformat(again["X-Data-As-Of"]) == AS_OF
    assert again.json()["submittedGeographicAddress"] == {
        "hexacle": "79191AC012",
        "streetName": "RUE DES ACACIAS",
    }
    assert again.json()["validGeographicAddress"]["id"] == "79191AC012"
    stored = AddressValidation.objects.get()
    assert stored.operator == tao_a.operator and stored.channel == "rest"
    entry = AuditRecord.objects.get(action="addresses.address.validate")
    assert entry.object_id == str(stored.pk) and entry.after["result"] == "success"
    assert not UsageRecord.objects.exists()  # a validation is not billed
    selected = client.get(f"{body['href']}?fields=validationResult")
    assert set(selected.json()) == {"id", "href", "@type", "validationResult"}


def test_tao_01_validation_list_pages_filters_and_fields(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    client = api_as(tao_a)
    ids = [validate(client, {"hexacle": "79191AC012"}).json()["id"]]
    ids.append(validate(client, {"id": "79191ZZZZZ"}).json()["id"])
    ids.append(validate(client, {"hexacle": "79191AC012"}, provide=False).json()["id"])
    full = client.get(VALIDATIONS)
    assert full.status_code == 200
    assert (full["X-Total-Count"], full["X-Result-Count"]) == ("3", "3")
    assert [v["id"] for v in full.json()] == ids[::-1]  # most recent first
    page = client.get(f"{VALIDATIONS}?offset=1&limit=1&fields=validationResult")
    assert page.status_code == 206
    assert (page["X-Total-Count"], page["X-Result-Count"]) == ("3", "1")
    assert page.json() == [
        {
            "id": ids[1],
            "href": f"{VALIDATIONS}/{ids[1]}",
            "@type": "GeographicAddressValidation",
            "validationResult": "fail",
        }
    ]
    failed = client.get(f"{VALIDATIONS}?validationResult=fail")
    assert [v["id"] for v in failed.json()] == [ids[1]]


def test_tao_02_another_operator_cannot_read_my_validation(
    as_of: Any, residence: Any, tao_a: User, tao_b: User, api_as: Any
) -> None:
    mine = validate(api_as(tao_a), {"hexacle": "79191AC012"}).json()
    other = api_as(tao_b)
    refused = other.get(mine["href"])
    assert (refused.status_code, refused.json()["code"]) == (404, "GEN-404")
    assert other.get(VALIDATIONS).json() == []
    assert other.get(VALIDATIONS)["X-Total-Count"] == "0"
    assert api_as(tao_b).get(f"{VALIDATIONS}/not-a-uuid").status_code == 404
    assert api_as(None).get(mine["href"]).status_code == 401


def test_tao_02_reading_validations_needs_tao_access(
    as_of: Any, residence: Any, tao_a: User, api_as: Any
) -> None:
    mine = validate(api_as(tao_a), {"hexacle": "79191AC012"}).json()
    colleague = make_person("sans.tao", tao_a.operator)  # no tao:read right
    for url in (mine["href"], VALIDATIONS):
        response = api_as(colleague).get(url)
        assert (response.status_code, response.json()["code"]) == (403, "GEN-403-RIGHT")
