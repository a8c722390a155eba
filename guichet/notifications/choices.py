"""Statuses of outgoing messages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    SENT = "sent", _("Envoyé")
    RETRYING = "retrying", _("Nouvel essai prévu")
    FAILED = "failed", _("Échec définitif")


DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryStatus.QUEUED: frozenset(
        {DeliveryStatus.SENT, DeliveryStatus.RETRYING, DeliveryStatus.FAILED}
    ),
    DeliveryStatus.RETRYING: frozenset(
        {DeliveryStatus.SENT, DeliveryStatus.RETRYING, DeliveryStatus.FAILED}
    ),
    DeliveryStatus.SENT: frozenset(),
    DeliveryStatus.FAILED: frozenset({DeliveryStatus.QUEUED}),
}
