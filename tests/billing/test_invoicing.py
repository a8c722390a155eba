"""BIL-02 monthly invoices (proration, gapless numbers, immutability, credit notes, PDF) and
BIL-03 early-termination fees (CTR-08)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings

from guichet.audit.models import AuditRecord
from guichet.billing import documents, selectors, services
from guichet.billing.choices import InvoiceStatus, LineKind
from guichet.billing.models import CreditNote, DocumentSequence, ImmutableDocumentError, Invoice
from guichet.billing.tasks import monthly_invoicing
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator, Subscription
from tests.billing.conftest import PROVIDER, subscribe
from tests.factories import make_operator

pytestmark = pytest.mark.django_db

JUNE = date(2025, 6, 1)
JULY = date(2025, 7, 1)


def invoice(operator: Operator, period: date, *, issue: bool = True) -> Invoice:
    result = services.generate_invoice(
        actor=PROVIDER, operator=operator, period=period, issue=issue
    )
    assert result is not None
    return result


def amounts(inv: Invoice) -> list[tuple[str, Decimal]]:
    return [(line.kind, line.amount_ht) for line in selectors.invoice_lines(inv)]


def test_bil_02_invoicing_starts_on_the_17th_prorated_by_days(
    operator_a: Operator, rdv_prices: None
) -> None:
    subscribe(
        operator_a, "e-rdv", order_received_on=date(2025, 6, 17), activated_on=date(2025, 6, 20)
    )
    june = invoice(operator_a, JUNE)
    # One-off fees in the month of the order form; 14 days of June's 30 (17th to 30th).
    assert amounts(june) == [
        (LineKind.ONE_OFF, Decimal("500.00")),
        (LineKind.MONTHLY, Decimal("140.00")),
    ]
    monthly = selectors.invoice_lines(june)[1]
    assert monthly.quantity == Decimal("0.4667")
    assert "prorata 14/30 jours" in monthly.label
    assert (june.total_ht, june.total_vat, june.total_ttc) == (
        Decimal("640.00"),
        Decimal("128.00"),
        Decimal("768.00"),
    )
    july = invoice(operator_a, JULY)
    assert amounts(july) == [(LineKind.MONTHLY, Decimal("300.00"))]


def test_bil_02_rounding_half_up_per_line(operator_a: Operator) -> None:
    from tests.billing.conftest import set_price

    set_price("tao", "monthly", "100")
    # 17 days of July's 31: 100 × 17/31 = 54.8387… → 54.84; VAT 10.968 → 10.97.
    subscribe(operator_a, "tao", order_received_on=date(2025, 7, 15))
    july = invoice(operator_a, JULY)
    line = selectors.invoice_lines(july)[0]
    assert (line.amount_ht, line.vat_amount, line.amount_ttc) == (
        Decimal("54.84"),
        Decimal("10.97"),
        Decimal("65.81"),
    )


@override_settings(GUICHET_VAT_RATE=Decimal("8.5"))
def test_bil_02_vat_rate_is_configurable(operator_a: Operator, rdv_prices: None) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 1, 1))
    june = invoice(operator_a, JUNE)
    assert june.vat_rate == Decimal("8.5")
    assert (june.total_ht, june.total_vat) == (Decimal("300.00"), Decimal("25.50"))


def test_bil_02_per_use_fees_counted_in_their_month(operator_a: Operator, rdv_prices: None) -> None:
    for n, day in enumerate((date(2025, 6, 2), date(2025, 6, 30), date(2025, 7, 1))):
        services.record_usage(
            actor=PROVIDER,
            operator=operator_a,
            service_code="e-rdv",
            reference=f"R{n}",
            quantity=2,
            occurred_on=day,
        )
    june = invoice(operator_a, JUNE)
    assert amounts(june) == [(LineKind.PER_USE, Decimal("2.00"))]  # 4 acts × 0.50 €
    assert selectors.invoice_lines(june)[0].quantity == 4


def test_bil_03_operator_termination_at_month_5_owes_the_7_remaining_months(
    operator_a: Operator, rdv_prices: None
) -> None:
    subscribe(
        operator_a,
        "e-rdv",
        order_received_on=date(2025, 1, 1),
        activated_on=date(2025, 1, 1),
        minimum_commitment_months=12,
        ends_on=date(2025, 6, 1),
        termination_requested_on=date(2025, 3, 1),
        termination_kind=Subscription.TerminationKind.OPERATOR,
    )
    may = invoice(operator_a, date(2025, 5, 1))
    assert amounts(may) == [(LineKind.MONTHLY, Decimal("300.00"))]  # month 5, the last one used
    june = invoice(operator_a, JUNE)
    assert amounts(june) == [(LineKind.EARLY_TERMINATION, Decimal("2100.00"))]  # 7 × 300 €
    label = selectors.invoice_lines(june)[0].label
    assert "01/06/2025 au 31/12/2025" in label and "article 9" in label


def test_bil_03_termination_after_a_substantial_change_owes_nothing(
    operator_a: Operator, rdv_prices: None
) -> None:
    subscribe(
        operator_a,
        "e-rdv",
        order_received_on=date(2025, 1, 1),
        activated_on=date(2025, 1, 1),
        minimum_commitment_months=12,
        ends_on=date(2025, 6, 1),
        termination_kind=Subscription.TerminationKind.SUBSTANTIAL_CHANGE,
    )
    assert services.generate_invoice(actor=PROVIDER, operator=operator_a, period=JUNE) is None
    assert not Invoice.objects.filter(operator=operator_a, period=JUNE).exists()


def test_bil_03_no_fee_once_the_commitment_is_over(operator_a: Operator, rdv_prices: None) -> None:
    subscribe(
        operator_a,
        "e-rdv",
        order_received_on=date(2024, 1, 1),
        activated_on=date(2024, 1, 1),
        minimum_commitment_months=12,
        ends_on=date(2025, 6, 16),
        termination_kind=Subscription.TerminationKind.OPERATOR,
    )
    june = invoice(operator_a, JUNE)
    assert amounts(june) == [(LineKind.MONTHLY, Decimal("150.00"))]  # 1st to 15th of 30 days


def test_bil_02_generation_is_idempotent_and_numbers_have_no_gap(rdv_prices: None) -> None:
    operators = [make_operator(code) for code in ("OPAA", "OPBB", "OPCC")]
    for operator in operators:
        subscribe(operator, "e-rdv", order_received_on=date(2025, 1, 1))
    summary = services.generate_invoices(actor=PROVIDER, period=JUNE, issue=True)
    again = services.generate_invoices(actor=PROVIDER, period=JUNE, issue=True)
    assert len(summary.issued) == 3 and again.issued == [] and len(again.already_issued) == 3
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"FA-{year}-{n:06d}" for n in (1, 2, 3)]


def test_bil_02_a_failed_issue_gives_its_number_back(
    operator_a: Operator, rdv_prices: None
) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 1, 1))
    draft = invoice(operator_a, JUNE, issue=False)
    assert draft.number is None and draft.status == InvoiceStatus.DRAFT
    with pytest.raises(RuntimeError), transaction.atomic():
        services.issue_invoice(actor=PROVIDER, invoice=draft)
        raise RuntimeError("the PDF store failed after the number was taken")
    issued = services.issue_invoice(actor=PROVIDER, invoice=draft)
    assert issued.number.endswith("-000001")
    assert DocumentSequence.objects.get(kind="FA").last_number == 1


def test_bil_02_issued_invoice_is_immutable(operator_a: Operator, rdv_prices: None) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 1, 1))
    issued = invoice(operator_a, JUNE)
    issued.total_ht = Decimal("1.00")
    with pytest.raises(ImmutableDocumentError):
        issued.save()
    with pytest.raises(ImmutableDocumentError):
        issued.delete()
    with pytest.raises(ImmutableDocumentError):
        Invoice.objects.filter(pk=issued.pk).update(total_ht=1)
    with pytest.raises(ImmutableDocumentError):
        Invoice.objects.filter(pk=issued.pk).delete()
    line = selectors.invoice_lines(issued)[0]
    line.amount_ht = Decimal("1.00")
    with pytest.raises(ImmutableDocumentError):
        line.save()
    with pytest.raises(GuichetError) as refused:
        services.issue_invoice(actor=PROVIDER, invoice=issued)
    assert refused.value.code == "BIL-021"
    # Generating the month again leaves it as it was.
    assert invoice(operator_a, JUNE).pdf_sha256 == Invoice.objects.get(pk=issued.pk).pdf_sha256


def test_bil_02_credit_notes_correct_with_their_own_sequence(
    operator_a: Operator, rdv_prices: None
) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 1, 1))
    issued = invoice(operator_a, JUNE)
    with pytest.raises(GuichetError) as no_reason:
        services.issue_credit_note(actor=PROVIDER, invoice=issued, reason=" ")
    assert no_reason.value.code == "BIL-025"
    partial = services.issue_credit_note(
        actor=PROVIDER, invoice=issued, reason="Geste commercial", amount_ht="100"
    )
    assert (partial.total_ht, partial.total_vat, partial.total_ttc) == (
        Decimal("100"),
        Decimal("20.00"),
        Decimal("120.00"),
    )
    with pytest.raises(GuichetError) as too_high:
        services.issue_credit_note(actor=PROVIDER, invoice=issued, reason="x", amount_ht="250")
    assert too_high.value.code == "BIL-024"
    rest = services.issue_credit_note(actor=PROVIDER, invoice=issued, reason="Annulation")
    assert rest.total_ht == Decimal("200.00") and rest.total_vat == Decimal("40.00")
    assert [partial.number[-6:], rest.number[-6:]] == ["000001", "000002"]
    assert partial.number.startswith("AV-") and rest.invoice_id == issued.pk
    assert rest.pdf_sha256 == documents.sha256(bytes(rest.pdf))
    with pytest.raises(ImmutableDocumentError):
        rest.save()
    with pytest.raises(ImmutableDocumentError):
        CreditNote.objects.all().delete()
    assert AuditRecord.objects.filter(action="billing.credit_note.issue").count() == 2
    draft_operator = make_operator("OPDR")
    subscribe(draft_operator, "e-rdv", order_received_on=date(2025, 1, 1))
    draft = invoice(draft_operator, JUNE, issue=False)
    with pytest.raises(GuichetError) as not_issued:
        services.issue_credit_note(actor=PROVIDER, invoice=draft, reason="x")
    assert not_issued.value.code == "BIL-022"


@override_settings(
    GUICHET_PROVIDER_SIRET="25790012300018",
    GUICHET_PROVIDER_ADDRESS="1 rue de la Fibre, 79000 Niort",
    GUICHET_PROVIDER_VAT_NUMBER="FR12257900123",
    GUICHET_PROVIDER_NAME='Régie d\'Ouest "Fibre" </style>',
)
def test_bil_02_pdf_with_legal_mentions_and_its_sha256(
    operator_a: Operator, rdv_prices: None
) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 6, 17))
    issued = invoice(operator_a, JUNE)
    pdf = bytes(issued.pdf)
    assert pdf.startswith(b"%PDF")
    assert issued.pdf_sha256 == documents.sha256(pdf)
    html = documents.invoice_html(issued, list(selectors.invoice_lines(issued)))
    for text in (
        "25790012300018",
        "1 rue de la Fibre, 79000 Niort",
        "FR12257900123",
        operator_a.siren,
        issued.number,
        "Total HT",
        "Total TTC",
        "640,00",
        "128,00",
        "768,00",
        "juin 2025",
        "40 €",
    ):
        assert text in html, text
    # The name is quoted for CSS in the page footer and escaped for HTML in the body.
    assert 'content: "Régie d\'Ouest \\"Fibre\\" \\3C /style> — SIRET 25790012300018' in html
    assert "Régie d&#x27;Ouest &quot;Fibre&quot; &lt;/style&gt;" in html
    entry = AuditRecord.objects.filter(action="billing.invoice.issue").latest("id")
    assert entry.after["pdf_sha256"] == issued.pdf_sha256


def test_bil_02_only_months_that_are_over(operator_a: Operator) -> None:
    from django.utils import timezone

    for period in (timezone.localdate(), date(2999, 1, 1)):
        with pytest.raises(GuichetError) as refused:
            services.generate_invoices(actor=PROVIDER, period=period)
        assert refused.value.code == "BIL-020"


def test_bil_02_command_and_task(operator_a: Operator, rdv_prices: None) -> None:
    subscribe(operator_a, "e-rdv", order_received_on=date(2025, 1, 1))
    out = StringIO()
    call_command("generate_invoices", "--month", "2025-06", "--draft", stdout=out)
    assert "1 brouillon" in out.getvalue()
    result = monthly_invoicing(month="2025-06")
    assert len(result["issued"]) == 1
    assert monthly_invoicing(month="2025-06")["issued"] == []
    with pytest.raises(CommandError, match="BIL-020"):
        call_command("generate_invoices", "--month", "juin", stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_bil_02_concurrent_generations_never_share_or_skip_a_number() -> None:
    from tests.accounts.people_support import restore_eservice_catalogue
    from tests.billing.conftest import set_price

    restore_eservice_catalogue()  # a transactional test's flush removes migration data
    set_price("e-rdv", "monthly", "300")
    for n in range(6):
        subscribe(make_operator(f"CC{n:02d}"), "e-rdv", order_received_on=date(2025, 1, 1))
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def generate() -> None:
        try:
            barrier.wait()
            services.generate_invoices(actor=PROVIDER, period=JUNE, issue=True)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == 6
    assert [int(number[-6:]) for number in numbers] == [1, 2, 3, 4, 5, 6]
    assert DocumentSequence.objects.get(kind="FA").last_number == 6


def test_bil_02_monthly_job_is_scheduled_on_the_first_at_six() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["billing-monthly-invoicing"]
    assert entry["task"] == monthly_invoicing.name == "guichet.billing.tasks.monthly_invoicing"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1} and schedule.hour == {6} and schedule.minute == {0}
