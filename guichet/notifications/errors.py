"""Stable error codes of notifications."""

from guichet.core.errors import define

EMAIL_NO_RECIPIENT = define(
    "NOT-001",
    422,
    "Unprocessable Entity",
    "Aucun destinataire valide pour ce courriel.",
    "No valid recipient for this email.",
)
EMAIL_NOT_RETRYABLE = define(
    "NOT-002",
    409,
    "Conflict",
    "Ce courriel ne peut pas être renvoyé (statut {status}).",
    "This email cannot be sent again (status {status}).",
)
