"""Prices, usage, invoices, credit notes and the liability ledger (BIL-01..03, CTR-12, CTR-13).

Amounts are ``Decimal`` euros. Unit prices keep 4 decimals (a per-use fee may be a
fraction of a cent); every invoice line is rounded to the cent, ROUND_HALF_UP, and the
totals are the sums of the rounded lines (see ``money.py``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.billing.choices import (
    InvoiceStatus,
    LiableParty,
    LineKind,
    PriceKind,
    SequenceKind,
)
from guichet.core.models import TimeStampedModel
from guichet.operators.models import EService, Operator


class ImmutableDocumentError(Exception):
    """An issued invoice or a credit note cannot change (BIL-02): correct it by a credit note."""


class Price(TimeStampedModel):
    """One price line of an e-service, in force from ``effective_from`` until the next line
    of the same service and kind (Annexe « Prix » of the Specific Conditions)."""

    service = models.ForeignKey(EService, on_delete=models.PROTECT, related_name="prices")
    kind = models.CharField(_("nature"), max_length=10, choices=PriceKind.choices)
    amount = models.DecimalField(_("prix unitaire HT (€)"), max_digits=12, decimal_places=4)
    effective_from = models.DateField(_("en vigueur à partir du"))
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    scheduled_by = models.CharField(_("programmé par"), max_length=150)
    notified_on = models.DateField(_("notifié le"), null=True, blank=True)

    class Meta:
        ordering = ["service__position", "kind", "effective_from"]
        verbose_name = _("prix")
        verbose_name_plural = _("prix")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "effective_from"], name="price_one_per_day"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.service} — {self.get_kind_display()} — {self.amount} € ({self.effective_from})"
        )


class UsageRecord(models.Model):
    """One billable act of an e-service (per-use fees, BIL-01); ``reference`` makes it idempotent."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="usage_records")
    service = models.ForeignKey(EService, on_delete=models.PROTECT, related_name="usage_records")
    quantity = models.PositiveIntegerField(_("quantité"), default=1)
    reference = models.CharField(_("référence"), max_length=100)
    occurred_on = models.DateField(_("date"), db_index=True)
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("acte facturable")
        verbose_name_plural = _("actes facturables")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "service", "reference"], name="usage_reference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operator} — {self.service} × {self.quantity} ({self.reference})"


class DocumentSequence(models.Model):
    """The counter of a gapless numbering (one row per kind and year), locked while a number
    is taken so that two issuers never share or skip a number (BIL-02)."""

    kind = models.CharField(max_length=2, choices=SequenceKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="sequence_one_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.last_number}"


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(status=InvoiceStatus.ISSUED).exists():
            raise ImmutableDocumentError("an issued invoice cannot be changed")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=InvoiceStatus.ISSUED).exists():
            raise ImmutableDocumentError("an issued invoice cannot be deleted")
        return super().delete()


class Invoice(TimeStampedModel):
    """Facture mensuelle of one operator (BIL-02): a draft until issued, then immutable.

    The number is allocated only at issue, from the gapless sequence; the buyer's legal
    identity is copied at issue so the document never changes afterwards.
    """

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="invoices")
    period = models.DateField(_("mois facturé"), help_text=_("Premier jour du mois."))
    status = models.CharField(
        _("statut"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True)
    issued_on = models.DateField(_("émise le"), null=True, blank=True)
    issued_at = models.DateTimeField(_("horodatage d'émission"), null=True, blank=True)
    issued_by = models.CharField(_("émise par"), max_length=150, blank=True)
    vat_rate = models.DecimalField(_("taux de TVA (%)"), max_digits=5, decimal_places=2)
    total_ht = models.DecimalField(_("total HT (€)"), max_digits=14, decimal_places=2, default=0)
    total_vat = models.DecimalField(_("total TVA (€)"), max_digits=14, decimal_places=2, default=0)
    total_ttc = models.DecimalField(_("total TTC (€)"), max_digits=14, decimal_places=2, default=0)
    buyer = models.JSONField(_("identité du client à l'émission"), default=dict, blank=True)
    pdf = models.BinaryField(_("PDF émis"), null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 du PDF"), max_length=64, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "number", "id"]
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        constraints = [
            models.UniqueConstraint(fields=["operator", "period"], name="invoice_one_per_month"),
            models.CheckConstraint(
                condition=models.Q(status=InvoiceStatus.DRAFT)
                | (models.Q(number__isnull=False) & ~models.Q(pdf_sha256="")),
                name="invoice_issued_has_number_and_pdf",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('Brouillon')} {self.operator.arcep_code} {self.period:%m/%Y}"

    @property
    def is_issued(self) -> bool:
        return self.status == InvoiceStatus.ISSUED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _stored_status(self.pk) == InvoiceStatus.ISSUED:
            raise ImmutableDocumentError(f"invoice {self.number} is issued")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _stored_status(self.pk) == InvoiceStatus.ISSUED:
            raise ImmutableDocumentError(f"invoice {self.number} is issued")
        return super().delete(*args, **kwargs)


def _stored_status(pk: int | None) -> str | None:
    """The status in the database, whatever the instance in memory says."""
    if pk is None:
        return None
    return Invoice.objects.filter(pk=pk).values_list("status", flat=True).first()


class InvoiceLine(models.Model):
    """One line: quantity × unit price (× the share of the month), rounded to the cent."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    service = models.ForeignKey(EService, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("nature"), max_length=20, choices=LineKind.choices)
    label = models.CharField(_("libellé"), max_length=300)
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=4)
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=12, decimal_places=4)
    amount_ht = models.DecimalField(_("montant HT"), max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(_("TVA"), max_digits=14, decimal_places=2)
    amount_ttc = models.DecimalField(_("montant TTC"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position", "id"]
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        _guard_lines(self.invoice_id)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _guard_lines(self.invoice_id)
        return super().delete(*args, **kwargs)


def _guard_lines(invoice_id: int | None) -> None:
    if Invoice.objects.filter(pk=invoice_id, status=InvoiceStatus.ISSUED).exists():
        raise ImmutableDocumentError("the lines of an issued invoice cannot change")


class CreditNoteQuerySet(models.QuerySet["CreditNote"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableDocumentError("a credit note cannot be changed")

    def delete(self) -> NoReturn:
        raise ImmutableDocumentError("a credit note cannot be deleted")


class CreditNote(models.Model):
    """Avoir: corrects an issued invoice, with its own gapless numbering (BIL-02); immutable."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    reason = models.TextField(_("motif"))
    issued_on = models.DateField(_("émis le"))
    issued_at = models.DateTimeField(_("horodatage d'émission"))
    issued_by = models.CharField(_("émis par"), max_length=150)
    vat_rate = models.DecimalField(_("taux de TVA (%)"), max_digits=5, decimal_places=2)
    total_ht = models.DecimalField(_("total HT (€)"), max_digits=14, decimal_places=2)
    total_vat = models.DecimalField(_("total TVA (€)"), max_digits=14, decimal_places=2)
    total_ttc = models.DecimalField(_("total TTC (€)"), max_digits=14, decimal_places=2)
    buyer = models.JSONField(_("identité du client"), default=dict)
    pdf = models.BinaryField(_("PDF émis"), editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 du PDF"), max_length=64)

    objects = CreditNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("avoir")
        verbose_name_plural = _("avoirs")

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableDocumentError(f"credit note {self.number} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableDocumentError(f"credit note {self.number} cannot be deleted")


class LiabilityClaim(TimeStampedModel):
    """Réclamation au titre de la responsabilité (art. 8, CTR-13) between the Provider and one
    operator. What is retained is capped: 50,000 € per incident and 150,000 € per calendar year
    of the incident, per liable Party, within the contract with that operator."""

    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="liability_claims"
    )
    liable_party = models.CharField(
        _("partie responsable"), max_length=10, choices=LiableParty.choices
    )
    incident_reference = models.CharField(_("référence de l'incident"), max_length=100)
    incident_date = models.DateField(_("date de l'incident"))
    description = models.TextField(_("description"), blank=True)
    amount_claimed = models.DecimalField(_("montant réclamé (€)"), max_digits=14, decimal_places=2)
    amount_proposed = models.DecimalField(
        _("montant proposé (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_retained = models.DecimalField(
        _("montant retenu (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.CharField(_("enregistrée par"), max_length=150)
    decided_on = models.DateField(_("arrêtée le"), null=True, blank=True)

    class Meta:
        ordering = ["-incident_date", "-id"]
        verbose_name = _("réclamation de responsabilité")
        verbose_name_plural = _("réclamations de responsabilité")
        indexes = [
            models.Index(fields=["operator", "liable_party", "incident_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.incident_reference} — {self.operator.arcep_code}"

    @property
    def capped(self) -> bool:
        return (
            self.amount_proposed is not None
            and self.amount_retained is not None
            and self.amount_retained < self.amount_proposed
        )
