"""Operators: the commercial operators (ISPs) that use the e-services (CTR-01)."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core.models import TimeStampedModel
from guichet.operators.validators import validate_arcep_code, validate_siren


class LegalForm(models.TextChoices):
    """Forme juridique."""

    SA = "SA", _("Société anonyme (SA)")
    SAS = "SAS", _("Société par actions simplifiée (SAS)")
    SASU = "SASU", _("SAS unipersonnelle (SASU)")
    SARL = "SARL", _("Société à responsabilité limitée (SARL)")
    EURL = "EURL", _("EURL")
    SCIC = "SCIC", _("Société coopérative d'intérêt collectif (SCIC)")
    SEM = "SEM", _("Société d'économie mixte (SEM)")
    ASSOCIATION = "ASSO", _("Association")
    PUBLIC = "PUBLIC", _("Personne publique")
    OTHER = "OTHER", _("Autre")


class Operator(TimeStampedModel):
    """Opérateur commercial: its legal identity, codes and contacts (CTR-01).

    Contracts and subscriptions attach to it in the contracts issue.
    """

    name = models.CharField(_("raison sociale"), max_length=200)
    legal_form = models.CharField(_("forme juridique"), max_length=10, choices=LegalForm.choices)
    share_capital = models.DecimalField(
        _("capital social (€)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    rcs_city = models.CharField(_("ville du RCS"), max_length=100, blank=True)
    rcs_number = models.CharField(_("numéro RCS"), max_length=30, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, unique=True, validators=[validate_siren])
    arcep_code = models.CharField(
        _("code opérateur ARCEP"),
        max_length=4,
        unique=True,
        validators=[validate_arcep_code],
        help_text=_("4 caractères, lettres majuscules ou chiffres (ex. FTEL)."),
    )
    head_office_street = models.CharField(_("siège social : adresse"), max_length=200)
    head_office_postcode = models.CharField(_("siège social : code postal"), max_length=5)
    head_office_city = models.CharField(_("siège social : commune"), max_length=100)
    representative_name = models.CharField(_("représentant légal"), max_length=150)
    representative_capacity = models.CharField(_("qualité du représentant"), max_length=150)
    security_contact_name = models.CharField(
        _("contact sécurité : nom"), max_length=150, blank=True
    )
    security_contact_email = models.EmailField(_("contact sécurité : courriel"), blank=True)
    security_contact_phone = models.CharField(
        _("contact sécurité : téléphone"), max_length=30, blank=True
    )
    billing_contact_name = models.CharField(
        _("contact facturation : nom"), max_length=150, blank=True
    )
    billing_contact_email = models.EmailField(_("contact facturation : courriel"), blank=True)
    billing_contact_phone = models.CharField(
        _("contact facturation : téléphone"), max_length=30, blank=True
    )
    suspended_at = models.DateTimeField(_("suspendu le"), null=True, blank=True)
    suspension_reason = models.TextField(_("motif de suspension"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("opérateur")
        verbose_name_plural = _("opérateurs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siren__regex=r"^[0-9]{9}$"), name="operator_siren_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(arcep_code__regex=r"^[A-Z0-9]{4}$"), name="operator_arcep_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.arcep_code})"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


LEGAL_IDENTITY_FIELDS = (
    "name",
    "legal_form",
    "share_capital",
    "rcs_city",
    "rcs_number",
    "siren",
    "arcep_code",
    "head_office_street",
    "head_office_postcode",
    "head_office_city",
    "representative_name",
    "representative_capacity",
)
CONTACT_FIELDS = (
    "security_contact_name",
    "security_contact_email",
    "security_contact_phone",
    "billing_contact_name",
    "billing_contact_email",
    "billing_contact_phone",
)


class EService(models.Model):
    """An e-service of the catalogue (Annex 1 of the General Conditions)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("e-service")
        verbose_name_plural = _("e-services")

    def __str__(self) -> str:
        return self.name


class Subscription(TimeStampedModel):
    """Souscription of an operator to an e-service (art. 4, 5, 7, 9).

    * ``order_received_on`` — the signed order form reached the Provider: invoicing runs
      from this day (BIL-02);
    * ``activated_on`` — the operator's people get the rights (CTR-06); the minimum
      commitment runs from it;
    * ``ends_on`` — the effective end (termination, CTR-07/08/11/14); rights stop that day;
    * ``termination_requested_on`` / ``termination_kind`` — who ended it and how, which
      decides the early-termination fees (BIL-03: none for a substantial change, CTR-11).
    """

    class TerminationKind(models.TextChoices):
        OPERATOR = "operator", _("Résiliation par l'opérateur")
        PROVIDER = "provider", _("Résiliation par le Fournisseur")
        CONTRACT = "contract", _("Résiliation du contrat")
        SUBSTANTIAL_CHANGE = "substantial", _("Résiliation après modification substantielle")

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="subscriptions")
    service = models.ForeignKey(EService, on_delete=models.PROTECT, related_name="subscriptions")
    order_received_on = models.DateField(
        _("bon de commande reçu le"),
        null=True,
        blank=True,
        help_text=_("Début de la facturation (article 7)."),
    )
    activated_on = models.DateField(_("date d'activation"))
    minimum_commitment_months = models.PositiveSmallIntegerField(
        _("durée minimale d'engagement (mois)"), default=0
    )
    ends_on = models.DateField(_("date de fin"), null=True, blank=True)
    termination_requested_on = models.DateField(_("résiliation demandée le"), null=True, blank=True)
    termination_kind = models.CharField(
        _("type de résiliation"), max_length=12, choices=TerminationKind.choices, blank=True
    )

    @property
    def commitment_ends_on(self) -> date | None:
        """The last day of the minimum commitment (None without one)."""
        if not self.minimum_commitment_months:
            return None
        return (
            self.activated_on
            + relativedelta(months=self.minimum_commitment_months)
            - timedelta(days=1)
        )

    class Meta:
        ordering = ["service__position"]
        verbose_name = _("souscription")
        verbose_name_plural = _("souscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "service"],
                condition=models.Q(ends_on__isnull=True),
                name="subscription_one_open_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operator} — {self.service}"


class Suspension(models.Model):
    """One suspension of an operator's access (SEC-08): total, immediate, journaled, lifted explicitly."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="suspensions")
    suspended_at = models.DateTimeField(_("suspendu le"))
    suspended_by = models.CharField(_("suspendu par"), max_length=150)
    reason = models.TextField(_("motif"))
    lifted_at = models.DateTimeField(_("levée le"), null=True, blank=True)
    lifted_by = models.CharField(_("levée par"), max_length=150, blank=True)
    lift_note = models.TextField(_("note de levée"), blank=True)

    class Meta:
        ordering = ["-suspended_at"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.operator} — {self.suspended_at:%d/%m/%Y}"


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("Faible")
    MEDIUM = "medium", _("Moyenne")
    HIGH = "high", _("Élevée")
    CRITICAL = "critical", _("Critique")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


INCIDENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.OPEN: frozenset({IncidentStatus.CLOSED}),
    IncidentStatus.CLOSED: frozenset(),
}


class SecurityIncident(TimeStampedModel):
    """Incident de sécurité declared by either side (SEC-07); the other side is emailed."""

    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="security_incidents"
    )
    declared_by_provider = models.BooleanField(_("déclaré par le Fournisseur"))
    declared_by = models.CharField(_("déclaré par"), max_length=150)
    title = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("description"))
    severity = models.CharField(_("gravité"), max_length=10, choices=IncidentSeverity.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    occurred_at = models.DateTimeField(_("survenu le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("incident de sécurité")
        verbose_name_plural = _("incidents de sécurité")

    def __str__(self) -> str:
        return self.title


# Contracts (CTR-02..15) live in their own module; imported here so Django registers them.
from guichet.operators.models.contracts import (  # noqa: E402
    NOTIFIED_ANNEXES,
    ORDER_FORM_TRANSITIONS,
    RANK,
    SERVICE_DEPENDENCIES,
    SIGNED_KINDS,
    ContractDocument,
    DataExport,
    DocumentKind,
    OrderForm,
    OrderFormStatus,
    Signature,
    TerminationNotice,
    WholesaleContract,
    WholesaleOffer,
)

__all__ = [
    "CONTACT_FIELDS",
    "INCIDENT_TRANSITIONS",
    "LEGAL_IDENTITY_FIELDS",
    "NOTIFIED_ANNEXES",
    "ORDER_FORM_TRANSITIONS",
    "RANK",
    "SERVICE_DEPENDENCIES",
    "SIGNED_KINDS",
    "ContractDocument",
    "DataExport",
    "DocumentKind",
    "EService",
    "IncidentSeverity",
    "IncidentStatus",
    "LegalForm",
    "Operator",
    "OrderForm",
    "OrderFormStatus",
    "SecurityIncident",
    "Signature",
    "Subscription",
    "Suspension",
    "TerminationNotice",
    "WholesaleContract",
    "WholesaleOffer",
]
