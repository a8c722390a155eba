"""The outbox: every email the platform sends is a row first, delivered by the worker."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core.models import TimeStampedModel
from guichet.notifications.choices import DeliveryStatus


class OutboundEmail(TimeStampedModel):
    """Courriel sortant: kept with its delivery history, so nothing sent is ever lost silently."""

    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emails",
    )
    recipients = models.JSONField(_("destinataires"))
    subject = models.CharField(_("objet"), max_length=250)
    body = models.TextField(_("texte"))
    html_body = models.TextField(_("HTML"), blank=True)
    reason = models.CharField(_("motif"), max_length=100, db_index=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"
