"""People: each belongs either to the Provider or to exactly one operator (IAM-01)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Broad role of a person; per-e-service profiles refine it (identifiers issue)."""

    ADMIN = "admin", _("Administrateur")
    MEMBER = "member", _("Utilisateur")
    READ_ONLY = "read_only", _("Lecture seule")


class User(AbstractUser):
    """Personne habilitée: one identifier (the login) per person, never shared.

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

    @property
    def is_provider(self) -> bool:
        return self.operator_id is None

    @property
    def can_write(self) -> bool:
        return self.role != Role.READ_ONLY

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username
