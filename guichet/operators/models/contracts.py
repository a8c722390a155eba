"""Contract documents, signatures, wholesale contracts, order forms and data exports (CTR-02..15)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core.models import TimeStampedModel


class DocumentKind(models.TextChoices):
    """The documents of the contract, by rank (CTR-04: GC and annexes > Specific Conditions)."""

    FRAMEWORK = "framework", _("Accord-cadre")
    GENERAL = "general", _("Conditions Générales e-services")
    ANNEX_1 = "annex-1", _("Annexe 1 – Liste des e-services")
    ANNEX_2 = "annex-2", _("Annexe 2 – Exigences de sécurité")
    ANNEX_3 = "annex-3", _("Annexe 3 – Service e-soutien")
    ANNEX_4 = "annex-4", _("Annexe 4 – Modalités d'attribution d'identifiants")
    SPECIFIC = "specific", _("Conditions Spécifiques")


# Documents that change only by a new version signed by both Parties (art. 3, 10.1).
SIGNED_KINDS = frozenset({DocumentKind.FRAMEWORK, DocumentKind.GENERAL, DocumentKind.ANNEX_2})
# Annexes changed by a written notice of one month (art. 10.1, CTR-10).
NOTIFIED_ANNEXES = frozenset({DocumentKind.ANNEX_1, DocumentKind.ANNEX_3, DocumentKind.ANNEX_4})
RANK = {kind: position for position, kind in enumerate(DocumentKind.values)}


class ContractDocument(TimeStampedModel):
    """One version of a contract document (accord-cadre, CG, annexe, Conditions Spécifiques).

    ``body`` is the template: the operator's identity and the place and date of signature
    are filled in when it is rendered (CTR-15). Specific Conditions carry the parameters
    the engine applies to their e-service.
    """

    kind = models.CharField(_("document"), max_length=12, choices=DocumentKind.choices)
    service = models.ForeignKey(
        "operators.EService",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("e-service"),
    )
    version = models.CharField(_("version"), max_length=60)
    effective_on = models.DateField(_("en vigueur le"))
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte (modèle)"))
    # Specific Conditions' parameters (art. 4, 9, 10.2; Annex 3 §4).
    termination_notice_months = models.PositiveSmallIntegerField(
        _("préavis de résiliation (mois)"), default=0
    )
    minimum_commitment_months = models.PositiveSmallIntegerField(
        _("durée minimale d'engagement (mois)"), default=0
    )
    change_notice_days = models.PositiveSmallIntegerField(
        _("préavis de modification (jours)"), default=0
    )
    handling_hours = models.CharField(_("heures de prise en charge"), max_length=200, blank=True)
    maintenance_windows = models.CharField(_("fenêtres de maintenance"), max_length=200, blank=True)
    substantial = models.BooleanField(
        _("modification substantielle"),
        default=False,
        help_text=_("Ouvre à l'opérateur une résiliation sans pénalité (article 10.2)."),
    )
    change_summary = models.TextField(_("résumé de la modification"), blank=True)
    notified_at = models.DateTimeField(_("notifié le"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "service__position", "-effective_on", "-id"]
        verbose_name = _("document contractuel")
        verbose_name_plural = _("documents contractuels")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "service", "version"],
                name="contract_document_one_version",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.service_id:
            label = f"{label} {self.service}"
        return f"{label} — {self.version}"

    @property
    def needs_signature(self) -> bool:
        return self.kind in SIGNED_KINDS


class Signature(TimeStampedModel):
    """The signature of one document version by an operator and the Provider (CTR-03, CTR-15).

    The PDF rendered for the operator is kept with its SHA-256; the contract takes effect
    on the date of the last signature (``effective_on``).
    """

    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="signatures"
    )
    document = models.ForeignKey(
        ContractDocument, on_delete=models.PROTECT, related_name="signatures"
    )
    place = models.CharField(_("fait à"), max_length=100)
    signature_date = models.DateField(_("date portée au document"))
    pdf = models.BinaryField(_("PDF signé"))
    pdf_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    operator_signatory_name = models.CharField(
        _("signataire de l'opérateur"), max_length=150, blank=True
    )
    operator_signatory_capacity = models.CharField(
        _("qualité du signataire de l'opérateur"), max_length=150, blank=True
    )
    operator_signed_on = models.DateField(_("signé par l'opérateur le"), null=True, blank=True)
    provider_signatory_name = models.CharField(
        _("signataire du Fournisseur"), max_length=150, blank=True
    )
    provider_signatory_capacity = models.CharField(
        _("qualité du signataire du Fournisseur"), max_length=150, blank=True
    )
    provider_signed_on = models.DateField(_("signé par le Fournisseur le"), null=True, blank=True)
    effective_on = models.DateField(_("en vigueur le"), null=True, blank=True)

    class Meta:
        ordering = ["operator", "document__kind", "-created_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "document"], name="signature_one_per_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operator} — {self.document}"

    @property
    def is_complete(self) -> bool:
        return self.effective_on is not None


class WholesaleOffer(models.TextChoices):
    """Offres de gros of the Provider an e-service may depend on (art. 5, CTR-05)."""

    FTTH_ACCESS = "ftth", _("Accès FTTH")
    FTTE = "ftte", _("Accès FTTE")
    FTTO = "ftto", _("Accès FTTO")
    PM_HOSTING = "pm", _("Hébergement au PM")


# e-service code → the wholesale offer it needs; e-soutien comes with the GC (Annex 3 §2).
SERVICE_DEPENDENCIES: dict[str, str] = {
    "e-rdv": WholesaleOffer.FTTH_ACCESS,
    "e-mutation": WholesaleOffer.FTTH_ACCESS,
    "tao": WholesaleOffer.FTTH_ACCESS,
    "eligibilite-ftte": WholesaleOffer.FTTE,
}
INCLUDED_WITH_GENERAL_CONDITIONS = frozenset({"e-soutien"})


class WholesaleContract(TimeStampedModel):
    """Contrat d'offre de gros held by an operator (e.g. Accès FTTH), signed outside the platform."""

    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="wholesale_contracts"
    )
    offer = models.CharField(_("offre"), max_length=10, choices=WholesaleOffer.choices)
    reference = models.CharField(_("référence du contrat"), max_length=60, blank=True)
    signed_on = models.DateField(_("signé le"))
    ended_on = models.DateField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["operator", "offer"]
        verbose_name = _("contrat d'offre de gros")
        verbose_name_plural = _("contrats d'offre de gros")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "offer"],
                condition=models.Q(ended_on__isnull=True),
                name="wholesale_one_open_per_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operator} — {self.get_offer_display()}"


class OrderFormStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    RECEIVED = "received", _("Reçu (signé)")
    VALIDATED = "validated", _("Validé")
    ACTIVATED = "activated", _("Activé")
    REFUSED = "refused", _("Refusé")
    CANCELLED = "cancelled", _("Annulé")


ORDER_FORM_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderFormStatus.DRAFT: frozenset({OrderFormStatus.RECEIVED, OrderFormStatus.CANCELLED}),
    OrderFormStatus.RECEIVED: frozenset({OrderFormStatus.VALIDATED, OrderFormStatus.REFUSED}),
    OrderFormStatus.VALIDATED: frozenset({OrderFormStatus.ACTIVATED, OrderFormStatus.REFUSED}),
    OrderFormStatus.ACTIVATED: frozenset(),
    OrderFormStatus.REFUSED: frozenset(),
    OrderFormStatus.CANCELLED: frozenset(),
}


class OrderForm(TimeStampedModel):
    """Bon de commande of one e-service (art. 5, CTR-05, CTR-06).

    ``designated_persons`` lists the people to receive identifiers (name, email, login);
    the signed PDF (rendered by the platform, or a scan) is kept with its SHA-256.
    """

    class SignatureMethod(models.TextChoices):
        ELECTRONIC = "electronic", _("Acceptation électronique")
        SCAN = "scan", _("Bon signé scanné")

    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="order_forms"
    )
    service = models.ForeignKey(
        "operators.EService", on_delete=models.PROTECT, related_name="order_forms"
    )
    specific_conditions = models.ForeignKey(
        ContractDocument,
        on_delete=models.PROTECT,
        related_name="order_forms",
        verbose_name=_("Conditions Spécifiques"),
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=OrderFormStatus.choices,
        default=OrderFormStatus.DRAFT,
    )
    designated_persons = models.JSONField(_("personnes désignées"), default=list, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    created_by = models.CharField(_("créé par"), max_length=150)
    signature_method = models.CharField(
        _("mode de signature"), max_length=10, choices=SignatureMethod.choices, blank=True
    )
    signatory_name = models.CharField(_("signataire"), max_length=150, blank=True)
    signatory_capacity = models.CharField(_("qualité du signataire"), max_length=150, blank=True)
    signed_by_login = models.CharField(_("accepté par (identifiant)"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)
    pdf = models.BinaryField(_("bon de commande signé (PDF)"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    received_on = models.DateField(_("reçu le"), null=True, blank=True)
    validated_by = models.CharField(_("validé par"), max_length=150, blank=True)
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    activated_on = models.DateField(_("date d'activation"), null=True, blank=True)
    subscription = models.OneToOneField(
        "operators.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_form",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bon de commande")
        verbose_name_plural = _("bons de commande")

    def __str__(self) -> str:
        return f"BC-{self.pk:06d} {self.operator} — {self.service}" if self.pk else "BC"

    @property
    def number(self) -> str:
        return f"BC-{self.pk:06d}"


class TerminationNotice(TimeStampedModel):
    """A termination given by either Party (CTR-07, CTR-08, CTR-11), applied on ``effective_on``."""

    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="termination_notices"
    )
    subscription = models.ForeignKey(
        "operators.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="termination_notices",
    )
    whole_contract = models.BooleanField(_("résiliation du contrat"), default=False)
    kind = models.CharField(_("type"), max_length=12)
    requested_by = models.CharField(_("demandée par"), max_length=150)
    requested_on = models.DateField(_("demandée le"))
    effective_on = models.DateField(_("effective le"))
    reason = models.TextField(_("motif"), blank=True)
    applied_at = models.DateTimeField(_("appliquée le"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("résiliation")
        verbose_name_plural = _("résiliations")

    def __str__(self) -> str:
        return f"{self.operator} — {self.effective_on:%d/%m/%Y}"


class DataExport(TimeStampedModel):
    """The archive of an operator's data for an ended e-service (CTR-14), destroyed after retention."""

    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="data_exports"
    )
    subscription = models.OneToOneField(
        "operators.Subscription", on_delete=models.PROTECT, related_name="data_export"
    )
    archive = models.BinaryField(_("archive"), null=True, blank=True)
    archive_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    destroy_after = models.DateField(_("détruite après le"))
    destroyed_at = models.DateTimeField(_("détruite le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export de données")
        verbose_name_plural = _("exports de données")

    def __str__(self) -> str:
        return f"{self.operator} — {self.subscription.service}"
