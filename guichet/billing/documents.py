"""The PDF of an issued invoice or credit note (WeasyPrint), with the Provider's legal mentions."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from guichet.billing.models import CreditNote, Invoice, InvoiceLine
from guichet.operators.models import Operator


def provider_identity() -> dict[str, str]:
    return {
        "name": settings.GUICHET_PROVIDER_NAME,
        "address": settings.GUICHET_PROVIDER_ADDRESS,
        "siret": settings.GUICHET_PROVIDER_SIRET,
        "vat_number": settings.GUICHET_PROVIDER_VAT_NUMBER,
    }


def buyer_identity(operator: Operator) -> dict[str, Any]:
    """The operator's legal identity as printed on the document, frozen at issue."""
    return {
        "name": operator.name,
        "legal_form": operator.legal_form,
        "siren": operator.siren,
        "arcep_code": operator.arcep_code,
        "street": operator.head_office_street,
        "postcode": operator.head_office_postcode,
        "city": operator.head_office_city,
        "billing_contact": operator.billing_contact_name,
    }


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a <style> element (no HTML escaping there)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return '"' + " ".join(escaped.split()) + '"'


def _footer(provider: dict[str, str]) -> str:
    parts = [provider["name"]]
    if provider["siret"]:
        parts.append(f"SIRET {provider['siret']}")
    if provider["vat_number"]:
        parts.append(f"TVA {provider['vat_number']}")
    return css_string(" — ".join(parts) + " — page ")


def _html(template: str, context: dict[str, Any]) -> str:
    provider = provider_identity()
    with translation.override("fr"):
        return render_to_string(
            template, {**context, "provider": provider, "footer_css": _footer(provider)}
        )


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import: only when a document is issued

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def invoice_html(invoice: Invoice, lines: list[InvoiceLine]) -> str:
    """The invoice as HTML (exactly what its PDF shows), in French."""
    context = {"invoice": invoice, "lines": lines, "buyer": invoice.buyer}
    return _html("billing/pdf/invoice.html", context)


def invoice_pdf(invoice: Invoice, lines: list[InvoiceLine]) -> bytes:
    return _pdf(invoice_html(invoice, lines))


def credit_note_html(credit_note: CreditNote) -> str:
    context = {"note": credit_note, "buyer": credit_note.buyer}
    return _html("billing/pdf/credit_note.html", context)


def credit_note_pdf(credit_note: CreditNote) -> bytes:
    return _pdf(credit_note_html(credit_note))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
