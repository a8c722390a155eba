"""Statuses and kinds of billing, with their transition maps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceKind(models.TextChoices):
    """The three kinds of price of an e-service (BIL-01)."""

    ONE_OFF = "one_off", _("Frais de mise en service")
    MONTHLY = "monthly", _("Abonnement mensuel")
    PER_USE = "per_use", _("Prix à l'acte")


class LineKind(models.TextChoices):
    ONE_OFF = "one_off", _("Frais de mise en service")
    MONTHLY = "monthly", _("Abonnement mensuel")
    PER_USE = "per_use", _("Actes")
    EARLY_TERMINATION = "early_termination", _("Frais de résiliation anticipée")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ISSUED = "issued", _("Émise")


INVOICE_TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.ISSUED}),
    InvoiceStatus.ISSUED: frozenset(),
}


class LiableParty(models.TextChoices):
    """The Party whose liability is retained (art. 8)."""

    PROVIDER = "provider", _("Fournisseur")
    OPERATOR = "operator", _("Opérateur")


class SequenceKind(models.TextChoices):
    INVOICE = "FA", _("Factures")
    CREDIT_NOTE = "AV", _("Avoirs")
