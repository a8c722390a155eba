"""The free-text address index: one row per street (or lieu-dit) of a commune.

A street row carries its normalised words, the names of its commune (current, former,
delegated) and the house numbers it holds, so a search reads a few hundred street rows
rather than millions of addresses. The trigram index on ``text`` is created by the
migration: an FTS5 ``trigram`` table on SQLite, a ``pg_trgm`` GIN index on PostgreSQL.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

# SQLite: the FTS5 table mirroring SearchEntry.text (rowid = SearchEntry.id).
FTS_TABLE = "addresses_searchentry_fts"
# PostgreSQL: the pg_trgm GIN index on SearchEntry.text.
PG_TRGM_INDEX = "addresses_searchentry_text_trgm"


class SearchEntry(models.Model):
    """A street (``voie``) or lieu-dit of one commune, as the free-text search sees it."""

    insee = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    street = models.CharField(_("voie (normalisée)"), max_length=400)
    # Normalised place names, "|"-separated: the commune first, then its former names.
    places = models.CharField(_("communes (normalisées)"), max_length=1000)
    # Other former communes of the commune nouvelle: they match, a little less.
    aliases = models.CharField(_("autres communes déléguées"), max_length=2000, blank=True)
    text = models.TextField(_("texte indexé"))
    # "12", "12B", "" (no number) → ids of the addresses with that number.
    numbers = models.JSONField(_("numéros"), default=dict)
    size = models.PositiveIntegerField(_("adresses"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("entrée de l'index d'adresses")
        verbose_name_plural = _("entrées de l'index d'adresses")

    def __str__(self) -> str:
        return self.text


class SearchIndexState(models.Model):
    """The index as a whole (one row): version bumped by every refresh, size, vocabulary."""

    version = models.PositiveIntegerField(_("version"), default=0)
    refreshed_at = models.DateTimeField(_("mis à jour le"), null=True, blank=True)
    entries = models.PositiveIntegerField(_("voies"), default=0)
    addresses = models.PositiveIntegerField(_("adresses"), default=0)
    seconds = models.FloatField(_("durée (s)"), default=0)
    # word → number of entries holding it: typo correction and term weights.
    vocabulary = models.JSONField(_("vocabulaire"), default=dict)

    class Meta:
        verbose_name = _("état de l'index d'adresses")
        verbose_name_plural = _("état de l'index d'adresses")

    def __str__(self) -> str:
        return f"index v{self.version} ({self.entries} voies)"


class ValidationResult(models.TextChoices):
    """TMF673 ``validationResult``: one address, several possible, none."""

    SUCCESS = "success", _("Adresse validée")
    PARTIAL = "partial", _("Plusieurs adresses possibles")
    FAIL = "fail", _("Aucune adresse")


class AddressValidation(models.Model):
    """Validation d'adresse (TMF673 ``geographicAddressValidation``): the address submitted
    and what it validated to, kept so the operator can read it again (GET by id, list)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Vide pour une validation du Fournisseur."),
    )
    requested_by = models.CharField(_("demandée par"), max_length=150)
    channel = models.CharField(_("canal"), max_length=10)
    created_at = models.DateTimeField(_("validée le"), auto_now_add=True, db_index=True)
    provide_alternative = models.BooleanField(_("adresses possibles demandées"), default=False)
    submitted = models.JSONField(_("adresse soumise"), default=dict)
    result = models.CharField(_("résultat"), max_length=10, choices=ValidationResult.choices)
    # translation.candidate_dict snapshots (the inventory moves on): the valid address
    # first when ``success``, every candidate when ``partial``.
    candidates = models.JSONField(_("adresses trouvées"), default=list, blank=True)
    data_as_of = models.DateTimeField(_("état des données au"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("validation d'adresse")
        verbose_name_plural = _("validations d'adresse")
        indexes = [
            models.Index(fields=["operator", "-created_at"], name="address_validation_operator")
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.result})"
