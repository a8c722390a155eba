"""BIL-01 per-use fees: the e-services count acts through ``services.record_usage``."""

from __future__ import annotations

from datetime import date

import pytest

from guichet.audit.models import AuditRecord
from guichet.billing import selectors, services
from guichet.core.context import principal_for_user
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator
from tests.billing.conftest import PROVIDER

pytestmark = pytest.mark.django_db


def test_bil_01_record_usage_counts_per_month_once_per_reference(
    operator_a: Operator, operator_b: Operator, admin_a
) -> None:
    actor = principal_for_user(admin_a, channel="rest", ip=None, request_id="t")
    first = services.record_usage(
        actor=actor,
        operator=operator_a,
        service_code="e-rdv",
        reference="RDV-1",
        occurred_on=date(2025, 6, 3),
    )
    again = services.record_usage(
        actor=actor,
        operator=operator_a,
        service_code="e-rdv",
        reference="RDV-1",
        occurred_on=date(2025, 6, 3),
    )
    assert again.pk == first.pk  # a retried call is never billed twice
    services.record_usage(
        actor=actor,
        operator=operator_a,
        service_code="e-rdv",
        quantity=3,
        reference="RDV-2",
        occurred_on=date(2025, 6, 20),
    )
    services.record_usage(
        actor=actor,
        operator=operator_a,
        service_code="e-rdv",
        reference="RDV-3",
        occurred_on=date(2025, 7, 1),
    )
    services.record_usage(
        actor=PROVIDER,
        operator=operator_b,
        service_code="e-rdv",
        reference="RDV-1",
        occurred_on=date(2025, 6, 5),
    )
    rows = selectors.usage_counts_by_month(actor)
    assert [(row["month"], row["quantity"]) for row in rows] == [
        (date(2025, 6, 1), 4),
        (date(2025, 7, 1), 1),
    ]
    assert len(selectors.usage_counts_by_month(PROVIDER, service_code="e-rdv")) == 3
    assert AuditRecord.objects.filter(action="billing.usage.record").count() == 4


def test_bil_01_record_usage_refusals(operator_a: Operator, admin_b) -> None:
    other = principal_for_user(admin_b, channel="rest", ip=None, request_id="t")
    cases = [
        ({"actor": other, "service_code": "e-rdv", "reference": "X"}, "GEN-404"),
        ({"actor": PROVIDER, "service_code": "nope", "reference": "X"}, "BIL-011"),
        ({"actor": PROVIDER, "service_code": "e-rdv", "reference": ""}, "BIL-010"),
        ({"actor": PROVIDER, "service_code": "e-rdv", "reference": "X", "quantity": 0}, "BIL-010"),
    ]
    for kwargs, code in cases:
        with pytest.raises(GuichetError) as refused:
            services.record_usage(operator=operator_a, **kwargs)
        assert refused.value.code == code
