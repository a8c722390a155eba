"""People and their identifiers, profiles, one-time links and system credentials.

A person belongs either to the Provider or to one operator (IAM-01). The identifier is
the login: it is never reused, so a deleted identifier stays as a row in state DELETED.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.accounts.choices import (
    CredentialAccess,
    DeactivationReason,
    IdentifierState,
    SecurityLevel,
)
from guichet.core.models import TimeStampedModel


class Role(models.TextChoices):
    """Broad role of a person; per-e-service profiles refine it (IAM-07)."""

    ADMIN = "admin", _("Administrateur")
    MEMBER = "member", _("Utilisateur")
    READ_ONLY = "read_only", _("Lecture seule")


class Profile(TimeStampedModel):
    """Profil: a named set of rights per e-service and feature (IAM-07).

    ``operator`` empty: a template defined by the Provider, usable by every operator.
    """

    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
    )
    name = models.CharField(_("nom"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    rights = models.JSONField(_("droits"), default=list)

    class Meta:
        ordering = ["name"]
        verbose_name = _("profil")
        verbose_name_plural = _("profils")
        constraints = [
            models.UniqueConstraint(fields=["operator", "name"], name="profile_name_per_operator"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(operator__isnull=True),
                name="profile_template_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Personne habilitée: one identifier (the login) per person, never shared, never reused.

    ``operator`` empty means a member of the Provider's staff.
    """

    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    profiles = models.ManyToManyField(
        Profile, verbose_name=_("profils"), blank=True, related_name="people"
    )
    state = models.CharField(
        _("état de l'identifiant"),
        max_length=12,
        choices=IdentifierState.choices,
        default=IdentifierState.ACTIVE,
    )
    security_level = models.CharField(
        _("niveau de sécurité"), max_length=12, choices=SecurityLevel.choices, blank=True
    )
    password_changed_at = models.DateTimeField(_("mot de passe changé le"), null=True, blank=True)
    last_used_at = models.DateTimeField(
        _("dernière utilisation"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Dernière connexion réussie ou dernier appel API au nom de cette personne."),
    )
    dormancy_warned_at = models.DateTimeField(
        _("préavis d'inactivité envoyé le"), null=True, blank=True
    )
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    deactivation_reason = models.CharField(
        _("motif de désactivation"), max_length=15, choices=DeactivationReason.choices, blank=True
    )
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    requested_on = models.DateField(
        _("demande reçue le"),
        null=True,
        blank=True,
        help_text=_("Date de réception du bon de commande désignant cette personne."),
    )
    issuance_due_at = models.DateTimeField(_("émission due avant le"), null=True, blank=True)
    issued_at = models.DateTimeField(_("identifiant émis le"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("remplace l'identifiant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        constraints = [
            # A person is the Provider's (staff) or an operator's, never neither.
            models.CheckConstraint(
                condition=models.Q(operator__isnull=False) | models.Q(is_staff=True),
                name="user_provider_staff_or_operator",
            ),
            # Operators' people never administer the platform itself.
            models.CheckConstraint(
                condition=models.Q(operator__isnull=True)
                | models.Q(is_superuser=False, is_staff=False),
                name="user_operator_not_staff",
            ),
        ]
        indexes = [models.Index(fields=["operator", "state"], name="user_operator_state")]

    @property
    def is_provider(self) -> bool:
        return self.operator_id is None

    @property
    def can_write(self) -> bool:
        return self.role != Role.READ_ONLY

    def rights(self) -> frozenset[str]:
        """Effective rights today (profiles ∩ subscriptions), see :mod:`guichet.accounts.rights`."""
        from guichet.accounts.rights import rights_of

        return rights_of(self)

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username


class OneTimeLink(models.Model):
    """A single-use, expiring link sent by email (password initialisation, IAM-03). Only its hash is kept."""

    class Purpose(models.TextChoices):
        SET_PASSWORD = "set_password", _("Définir le mot de passe")
        UNLOCK = "unlock", _("Débloquer l'identifiant")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("lien à usage unique")
        verbose_name_plural = _("liens à usage unique")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.user}"


class SystemCredential(TimeStampedModel):
    """What API keys and client certificates share: operator, rights, expiry, source allow-list (SEC-01..02)."""

    operator = models.ForeignKey(
        "operators.Operator", verbose_name=_("opérateur"), on_delete=models.PROTECT
    )
    label = models.CharField(_("libellé"), max_length=100)
    access = models.CharField(
        _("accès"), max_length=10, choices=CredentialAccess.choices, default=CredentialAccess.READ
    )
    scopes = models.JSONField(_("e-services autorisés"), default=list, blank=True)
    allowed_networks = models.JSONField(
        _("adresses autorisées"),
        default=list,
        blank=True,
        help_text=_("Adresses ou réseaux (CIDR) des ressources déclarées de l'opérateur."),
    )
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    created_by = models.CharField(_("créé par"), max_length=150, blank=True)

    class Meta:
        abstract = True


class ApiKey(SystemCredential):
    """Clé d'API: ``<prefix>.<secret>``; the prefix identifies it, only the secret's hash is kept."""

    prefix = models.CharField(_("préfixe"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix})"


class ClientCertificate(SystemCredential):
    """Certificat d'authentification X.509 issued by the platform's CA to an operator's system."""

    serial = models.CharField(_("numéro de série"), max_length=40, unique=True)
    subject = models.CharField(_("sujet"), max_length=255)
    fingerprint = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valide à partir du"))
    pem = models.TextField(_("certificat (PEM)"))
    revocation_reason = models.CharField(_("motif de révocation"), max_length=100, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("certificat client")
        verbose_name_plural = _("certificats clients")

    def __str__(self) -> str:
        return f"{self.label} ({self.serial})"
