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


class OutboundEvent(TimeStampedModel):
    """Événement pour un opérateur: a CloudEvents 1.0 record kept in the outbox until the
    webhook delivery (a later issue) sends it to the operator's subscribed callbacks."""

    event_id = models.UUIDField(_("identifiant"), unique=True)
    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    type = models.CharField(_("type"), max_length=100, db_index=True)
    source = models.CharField(_("source"), max_length=200)
    subject = models.CharField(_("sujet"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("survenu le"))
    data = models.JSONField(_("données"), default=dict)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
        db_index=True,
    )
    delivered_at = models.DateTimeField(_("livré le"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("événement sortant")
        verbose_name_plural = _("événements sortants")
        indexes = [models.Index(fields=["operator", "-id"], name="event_operator")]

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"

    def cloudevent(self) -> dict[str, object]:
        """The CloudEvents 1.0 JSON envelope the webhook will POST."""
        return {
            "specversion": "1.0",
            "id": str(self.event_id),
            "type": self.type,
            "source": self.source,
            "subject": self.subject,
            "time": self.occurred_at.isoformat(),
            "datacontenttype": "application/json",
            "data": self.data,
        }
