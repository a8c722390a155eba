"""Qualifications (the stored answers, GEN-03) and the Provider's eligibility rules."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core.models import TimeStampedModel
from guichet.eligibility.bulk.choices import JobKind, JobStatus
from guichet.eligibility.choices import Offer, ResolutionStatus, Result, Scope


class Qualification(TimeStampedModel):
    """Qualification d'éligibilité: one question about a place and its answer per offer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="qualifications",
        help_text=_("Vide pour une qualification de test du Fournisseur."),
    )
    requested_by = models.CharField(_("demandée par"), max_length=150)
    channel = models.CharField(_("canal"), max_length=10)
    external_id = models.CharField(_("référence de l'opérateur"), max_length=100, blank=True)
    query = models.JSONField(_("lieu demandé"), default=dict)
    resolution = models.CharField(
        _("résolution de l'adresse"), max_length=10, choices=ResolutionStatus.choices
    )
    matched_by = models.CharField(_("clé utilisée"), max_length=20, blank=True)
    address = models.ForeignKey(
        "network.Address",
        verbose_name=_("adresse"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.JSONField(_("lieu résolu"), default=dict, blank=True)
    candidates = models.JSONField(_("adresses candidates"), default=list, blank=True)
    data_as_of = models.DateTimeField(_("état des données au"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("qualification d'éligibilité")
        verbose_name_plural = _("qualifications d'éligibilité")
        indexes = [models.Index(fields=["operator", "-created_at"], name="qualification_operator")]

    def __str__(self) -> str:
        return str(self.id)


class QualificationItem(models.Model):
    """The answer for one offer: eligible or not, with its reasons, dates and network refs."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("rang"))
    item_id = models.CharField(
        _("identifiant de l'élément demandé"),
        max_length=100,
        blank=True,
        help_text=_("L'id donné par l'appelant (TMF679), renvoyé tel quel ; vide : le rang."),
    )
    offer = models.CharField(_("offre"), max_length=20, choices=Offer.choices)
    result = models.CharField(_("résultat"), max_length=12, choices=Result.choices)
    reasons = models.JSONField(_("motifs"), default=list, blank=True)
    since = models.DateField(_("éligible depuis"), null=True, blank=True)
    available_from = models.DateField(_("éligible à partir du"), null=True, blank=True)
    building_id = models.CharField(_("IdentifiantImmeuble"), max_length=30, blank=True)
    pm_reference = models.CharField(_("référence PM"), max_length=20, blank=True)
    pbo_reference = models.CharField(_("référence PBO"), max_length=100, blank=True)
    buildings = models.JSONField(_("immeubles de l'adresse"), default=list, blank=True)

    class Meta:
        ordering = ["qualification", "position"]
        verbose_name = _("réponse par offre")
        verbose_name_plural = _("réponses par offre")
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "position"], name="qualification_item_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer}: {self.result}"

    @property
    def eligible(self) -> bool:
        return self.result == Result.ELIGIBLE


class ExclusionZone(TimeStampedModel):
    """Zone d'exclusion: where the Provider does not sell an offer (or any offer)."""

    offer = models.CharField(
        _("offre"),
        max_length=20,
        choices=Offer.choices,
        blank=True,
        help_text=_("Vide : toutes les offres."),
    )
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices)
    value = models.CharField(
        _("cible"),
        max_length=30,
        blank=True,
        help_text=_("Code INSEE, référence PM ou IdentifiantImmeuble selon la portée."),
    )
    reason = models.CharField(_("motif"), max_length=250, blank=True)

    class Meta:
        ordering = ["scope", "value", "offer"]
        verbose_name = _("zone d'exclusion")
        verbose_name_plural = _("zones d'exclusion")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "scope", "value"], name="exclusion_zone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.value or '*'} ({self.offer or 'toutes offres'})"


class TemporaryFreeze(TimeStampedModel):
    """Gel temporaire: no new order on a scope for a date range (inclusive)."""

    offer = models.CharField(
        _("offre"),
        max_length=20,
        choices=Offer.choices,
        blank=True,
        help_text=_("Vide : toutes les offres."),
    )
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices)
    value = models.CharField(_("cible"), max_length=30, blank=True)
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au (inclus)"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=250, blank=True)

    class Meta:
        ordering = ["-starts_on", "scope", "value"]
        verbose_name = _("gel temporaire")
        verbose_name_plural = _("gels temporaires")

    def __str__(self) -> str:
        return f"{self.scope}:{self.value or '*'} {self.starts_on}→{self.ends_on or '…'}"


class TaoConsultation(models.Model):
    """Consultation TAO du portail: one person's TAO question and the answer shown (history).

    TAO answers are not stored by the service (REST and SOAP callers keep their own); the
    portal keeps the person's last ones so that each can be re-opened without a new use.
    """

    person = models.ForeignKey(
        "accounts.User", verbose_name=_("personne"), on_delete=models.CASCADE, related_name="+"
    )
    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    label = models.CharField(_("recherche"), max_length=300)
    query = models.JSONField(_("lieu demandé"), default=dict)
    resolution = models.CharField(
        _("résolution de l'adresse"), max_length=10, choices=ResolutionStatus.choices
    )
    answer = models.JSONField(_("réponse TAO"), default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation TAO")
        verbose_name_plural = _("consultations TAO")
        indexes = [models.Index(fields=["person", "-created_at"], name="tao_consultation_person")]

    def __str__(self) -> str:
        return self.label


# --- Bulk jobs (ELI-03; the EEP file flows reuse them) ----------------------------------------


class BulkJob(TimeStampedModel):
    """Traitement en masse: a file in, a result file out with one line per input line.

    Processed in chunks; ``rows_done`` and ``result_bytes`` are committed together after
    each chunk is written and synced, so a crashed job resumes from its last chunk without
    losing or repeating a line.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulk_jobs",
        help_text=_("Vide pour un traitement du Fournisseur."),
    )
    kind = models.CharField(_("type"), max_length=30, choices=JobKind.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    requested_by = models.CharField(_("demandé par"), max_length=150)
    person_id = models.PositiveIntegerField(_("personne"), null=True, blank=True)
    credential = models.CharField(_("accès système"), max_length=100, blank=True)
    channel = models.CharField(_("canal"), max_length=10)
    source_name = models.CharField(_("fichier déposé"), max_length=255)
    input_path = models.CharField(_("chemin du fichier déposé"), max_length=500)
    input_sha256 = models.CharField(_("SHA-256 du fichier déposé"), max_length=64)
    input_bytes = models.BigIntegerField(_("taille du fichier déposé"), default=0)
    options = models.JSONField(_("paramètres"), default=dict, blank=True)
    chunk_size = models.PositiveIntegerField(_("lignes par lot"), default=5000)
    rows_total = models.PositiveIntegerField(_("lignes à traiter"), default=0)
    rows_done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    error_count = models.PositiveIntegerField(_("lignes en erreur"), default=0)
    rows_per_second = models.FloatField(_("débit (lignes/s)"), null=True, blank=True)
    result_path = models.CharField(_("chemin du fichier résultat"), max_length=500, blank=True)
    result_bytes = models.BigIntegerField(_("octets du résultat validés"), default=0)
    result_sha256 = models.CharField(_("SHA-256 du résultat"), max_length=64, blank=True)
    runs = models.PositiveSmallIntegerField(_("exécutions"), default=0)
    started_at = models.DateTimeField(_("début"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    lease_until = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    data_as_of = models.DateTimeField(_("état des données au"), null=True, blank=True)
    error_code = models.CharField(_("code d'erreur"), max_length=20, blank=True)
    message = models.TextField(_("message"), blank=True)
    purged_at = models.DateTimeField(
        _("fichiers supprimés le"),
        null=True,
        blank=True,
        help_text=_("Fichiers déposé et résultat supprimés après la durée de conservation."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("traitement en masse")
        verbose_name_plural = _("traitements en masse")
        indexes = [
            models.Index(fields=["operator", "-created_at"], name="bulk_job_operator"),
            models.Index(fields=["status", "lease_until"], name="bulk_job_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source_name} ({self.get_status_display()})"
