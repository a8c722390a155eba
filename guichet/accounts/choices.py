"""Statuses of identifiers and credentials, with their transition maps (Annex 4, art. 11.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentifierState(models.TextChoices):
    """Life of an identifier: issued → active → deactivated → deleted (never reused)."""

    PENDING = "pending", _("Émis, mot de passe à définir")
    ACTIVE = "active", _("Actif")
    DEACTIVATED = "deactivated", _("Désactivé")
    DELETED = "deleted", _("Supprimé")


IDENTIFIER_TRANSITIONS: dict[str, frozenset[str]] = {
    IdentifierState.PENDING: frozenset(
        {IdentifierState.ACTIVE, IdentifierState.DEACTIVATED, IdentifierState.DELETED}
    ),
    IdentifierState.ACTIVE: frozenset({IdentifierState.DEACTIVATED}),
    IdentifierState.DEACTIVATED: frozenset({IdentifierState.ACTIVE, IdentifierState.DELETED}),
    IdentifierState.DELETED: frozenset(),
}


class DeactivationReason(models.TextChoices):
    DORMANT = "dormant", _("Inutilisé depuis 6 mois")
    LOST = "lost", _("Perte déclarée")
    FRAUD = "fraud", _("Fraude suspectée")
    MANUAL = "manual", _("Désactivation manuelle")
    SERVICE_ENDED = "service_ended", _("Fin de l'e-service")


class SecurityLevel(models.TextChoices):
    """Niveau de sécurité chosen by the holder when setting the password (IAM-04)."""

    STANDARD = "standard", _("Standard")
    STRONG = "strong", _("Renforcé")
    STRONG_2FA = "strong_2fa", _("Renforcé + second facteur")


class CredentialAccess(models.TextChoices):
    READ = "read", _("Lecture seule")
    READ_WRITE = "read_write", _("Lecture et écriture")


class IssuanceStatus(models.TextChoices):
    """Tracking of the 5-business-day issuance commitment (IAM-03)."""

    DUE = "due", _("À émettre")
    ISSUED = "issued", _("Émis")
