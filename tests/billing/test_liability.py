"""CTR-13 (art. 8): what is retained is capped at 50,000 € per incident and 150,000 € per
calendar year per liable Party; the ledger shows what remains under each ceiling."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from guichet.audit.models import AuditRecord
from guichet.billing import selectors, services
from guichet.billing.choices import LiableParty
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator
from tests.api_checks import assert_tmf_error
from tests.billing.conftest import PROVIDER

pytestmark = pytest.mark.django_db


def claim(operator: Operator, reference: str, claimed: str, retained: str | None, **extra):
    values = {
        "liable_party": LiableParty.PROVIDER,
        "incident_date": date(2025, 3, 10),
    }
    values.update(extra)
    return services.record_claim(
        actor=PROVIDER,
        operator=operator,
        incident_reference=reference,
        amount_claimed=claimed,
        amount_retained=retained,
        **values,
    )


def test_ctr_13_per_incident_ceiling(operator_a: Operator) -> None:
    first = claim(operator_a, "INC-1", "80000", "80000")
    assert first.amount_retained == Decimal("50000.00") and first.capped
    second = claim(operator_a, "INC-1", "5000", "5000")  # same incident: nothing left
    assert second.amount_retained == Decimal("0.00")
    other = claim(operator_a, "INC-2", "20000", "20000")
    assert other.amount_retained == Decimal("20000") and not other.capped
    entry = AuditRecord.objects.filter(action="billing.claim.decide", object_id=str(first.pk)).get()
    assert entry.after["capped"] is True


def test_ctr_13_yearly_ceiling_across_three_incidents(
    operator_a: Operator, operator_b: Operator
) -> None:
    claim(operator_a, "INC-1", "50000", "50000")
    claim(operator_a, "INC-2", "60000", "50000")
    third = claim(operator_a, "INC-3", "70000", "50000", incident_date=date(2025, 11, 2))
    fourth = claim(operator_a, "INC-4", "30000", "30000", incident_date=date(2025, 12, 1))
    assert third.amount_retained == Decimal("50000")
    assert fourth.amount_retained == Decimal("0.00") and fourth.capped
    # Another year, the other Party, another operator's contract: their own ceilings.
    assert (
        claim(
            operator_a, "INC-5", "10000", "10000", incident_date=date(2024, 12, 31)
        ).amount_retained
        == 10000
    )
    assert (
        claim(
            operator_a, "INC-6", "10000", "10000", liable_party=LiableParty.OPERATOR
        ).amount_retained
        == 10000
    )
    assert claim(operator_b, "INC-7", "10000", "10000").amount_retained == 10000
    (ceiling,) = [
        row
        for row in selectors.ceilings_for(PROVIDER, year=2025, operator_id=operator_a.pk)
        if row.liable_party == LiableParty.PROVIDER
    ]
    assert ceiling.retained == Decimal("150000") and ceiling.remaining == Decimal("0")
    remaining = {row["reference"]: row["remaining"] for row in ceiling.incidents}
    assert remaining == {
        "INC-1": Decimal("0"),
        "INC-2": Decimal("0"),
        "INC-3": Decimal("0"),
        "INC-4": Decimal("50000"),
    }


def test_ctr_13_partial_room_and_refusals(operator_a: Operator) -> None:
    claim(operator_a, "INC-1", "50000", "50000")
    claim(operator_a, "INC-2", "50000", "50000")
    pending = claim(operator_a, "INC-3", "90000", None)
    assert pending.amount_retained is None
    decided = services.decide_claim(actor=PROVIDER, claim=pending, amount_retained="45000")
    assert decided.amount_retained == Decimal("45000")
    with pytest.raises(GuichetError) as again:
        services.decide_claim(actor=PROVIDER, claim=decided, amount_retained="1")
    assert again.value.code == "CTR-132"
    last = claim(operator_a, "INC-4", "20000", "20000")
    assert last.amount_retained == Decimal("5000")  # 150,000 − 145,000
    for kwargs, code in (
        ({"claimed": "0", "retained": None}, "CTR-131"),
        ({"claimed": "10", "retained": "20"}, "CTR-131"),
        ({"claimed": "10", "retained": None, "incident_date": date(2999, 1, 1)}, "CTR-131"),
    ):
        with pytest.raises(GuichetError) as refused:
            claim(operator_a, "INC-9", **kwargs)
        assert refused.value.code == code


def test_ctr_13_rest_provider_writes_operator_reads_its_own(
    operator_a: Operator, operator_b: Operator, provider_staff, admin_a, admin_b, api_as
) -> None:
    staff = api_as(provider_staff)
    body = {
        "operator": operator_a.pk,
        "liable_party": "provider",
        "incident_reference": "INC-REST",
        "incident_date": "2025-04-01",
        "amount_claimed": "70000.00",
        "amount_retained": "70000.00",
    }
    created = staff.post("/api/v1/liability-claims", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["amount_retained"] == "50000.00" and created.json()["capped"] is True
    assert_tmf_error(
        api_as(admin_a).post("/api/v1/liability-claims", body, format="json"), 403, "BIL-001"
    )
    own = api_as(admin_a).get("/api/v1/liability-claims").json()
    assert [item["incident_reference"] for item in own] == ["INC-REST"]
    assert api_as(admin_b).get("/api/v1/liability-claims").json() == []
    assert_tmf_error(
        api_as(admin_b).get(f"/api/v1/liability-claims/{created.json()['id']}"), 404, "GEN-404"
    )
    ceilings = api_as(admin_a).get("/api/v1/liability-claims/ceilings?year=2025").json()
    assert ceilings[0]["remaining"] == "100000.00"
    assert ceilings[0]["incidents"] == [
        {"reference": "INC-REST", "retained": "50000.00", "remaining": "0.00"}
    ]
