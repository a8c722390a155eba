"""CSV exports of billing (French: « ; » separator, decimal comma, dd/mm/yyyy, UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from guichet.billing.models import CreditNote, Invoice, InvoiceLine, LiabilityClaim, Price

ACCOUNTING_HEADER = [
    "Date",
    "Numéro",
    "Type",
    "Opérateur",
    "SIREN",
    "Service",
    "Libellé",
    "Montant HT",
    "TVA",
    "Montant TTC",
]
INVOICE_HEADER = [
    "Numéro",
    "Mois facturé",
    "Opérateur",
    "SIREN",
    "Statut",
    "Émise le",
    "Total HT",
    "Total TVA",
    "Total TTC",
]


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _csv(rows: Iterable[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def invoices_csv(invoices: Iterable[Invoice]) -> Iterator[str]:
    """One row per invoice of a list page."""

    def rows() -> Iterator[list[str]]:
        yield INVOICE_HEADER
        for invoice in invoices:
            yield [
                invoice.number or "",
                invoice.period.strftime("%m/%Y"),
                invoice.operator.name,
                invoice.operator.siren,
                str(invoice.get_status_display()),
                _day(invoice.issued_on),
                _amount(invoice.total_ht),
                _amount(invoice.total_vat),
                _amount(invoice.total_ttc),
            ]

    return _csv(rows())


def accounting_csv(lines: Iterable[InvoiceLine], notes: Iterable[CreditNote]) -> Iterator[str]:
    """One row per line of the issued invoices, then one (negative) row per credit note."""

    def rows() -> Iterator[list[str]]:
        yield ACCOUNTING_HEADER
        for line in lines:
            invoice = line.invoice
            yield [
                _day(invoice.issued_on),
                invoice.number or "",
                "Facture",
                invoice.buyer.get("name") or invoice.operator.name,
                invoice.buyer.get("siren") or invoice.operator.siren,
                line.service.name,
                line.label,
                _amount(line.amount_ht),
                _amount(line.vat_amount),
                _amount(line.amount_ttc),
            ]
        for note in notes:
            yield [
                _day(note.issued_on),
                note.number,
                "Avoir",
                note.buyer.get("name") or note.operator.name,
                note.buyer.get("siren") or note.operator.siren,
                "",
                f"Avoir sur facture {note.invoice.number} : {note.reason}"[:300],
                _amount(-note.total_ht),
                _amount(-note.total_vat),
                _amount(-note.total_ttc),
            ]

    return _csv(rows())


def claims_csv(claims: Iterable[LiabilityClaim]) -> Iterator[str]:
    """One row per liability claim (CTR-13)."""

    def rows() -> Iterator[list[str]]:
        yield [
            "Incident",
            "Date de l'incident",
            "Opérateur",
            "SIREN",
            "Partie responsable",
            "Montant réclamé",
            "Montant proposé",
            "Montant retenu",
            "Arrêté le",
        ]
        for claim in claims:
            yield [
                claim.incident_reference,
                _day(claim.incident_date),
                claim.operator.name,
                claim.operator.siren,
                str(claim.get_liable_party_display()),
                _amount(claim.amount_claimed),
                _amount(claim.amount_proposed) if claim.amount_proposed is not None else "",
                _amount(claim.amount_retained) if claim.amount_retained is not None else "",
                _day(claim.decided_on),
            ]

    return _csv(rows())


def prices_csv(prices: Iterable[Price]) -> Iterator[str]:
    """One row per price line (BIL-01), past and scheduled."""

    def rows() -> Iterator[list[str]]:
        yield [
            "E-service",
            "Code",
            "Nature",
            "Libellé",
            "Prix unitaire HT",
            "En vigueur à partir du",
            "Notifié le",
        ]
        for price in prices:
            yield [
                price.service.name,
                price.service.code,
                str(price.get_kind_display()),
                price.label,
                f"{price.amount:.4f}".replace(".", ","),
                _day(price.effective_from),
                _day(price.notified_on),
            ]

    return _csv(rows())
