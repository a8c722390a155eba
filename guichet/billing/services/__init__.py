"""Every change to billing goes through here, in one transaction with its audit record."""

from guichet.billing.services.invoicing import (
    GenerationSummary,
    check_month,
    generate_invoice,
    generate_invoices,
    issue_credit_note,
    issue_invoice,
    lines_for,
)
from guichet.billing.services.liability import decide_claim, record_claim
from guichet.billing.services.prices import cancel_price, schedule_price
from guichet.billing.services.usage import record_usage

__all__ = [
    "GenerationSummary",
    "cancel_price",
    "check_month",
    "decide_claim",
    "generate_invoice",
    "generate_invoices",
    "issue_credit_note",
    "issue_invoice",
    "lines_for",
    "record_claim",
    "record_usage",
    "schedule_price",
]
