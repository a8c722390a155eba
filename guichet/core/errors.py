"""Stable error codes (Saleor's ``error_codes`` habit).

Every refusal the platform makes has a code that never changes, an HTTP status, a
TMF630 ``reason`` and a message in French and in English. The same code appears in
the REST error body, in SOAP faults and in portal messages. Domain apps declare
their own codes in their ``errors.py`` with :func:`define`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

REGISTRY: dict[str, ErrorDef] = {}


@dataclass(frozen=True)
class ErrorDef:
    """One stable error: ``code`` is the contract with integrators."""

    code: str
    status: int
    reason: str
    fr: str
    en: str

    def message(self, language: str | None = None, **params: Any) -> str:
        language = (language or get_language() or "fr").lower()
        template = self.en if language.startswith("en") else self.fr
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return template


def define(code: str, status: int, reason: str, fr: str, en: str) -> ErrorDef:
    """Register an error code; a code is defined once in the whole platform."""
    if code in REGISTRY:
        raise ValueError(f"error code {code} defined twice")
    definition = ErrorDef(code=code, status=status, reason=reason, fr=fr, en=en)
    REGISTRY[code] = definition
    return definition


class GuichetError(Exception):
    """A refusal with a stable code, raised by services and turned into each door's shape."""

    def __init__(self, error: ErrorDef, *, field: str | None = None, **params: Any) -> None:
        self.error = error
        self.field = field
        self.params = {"field": field, **params} if field is not None else params
        super().__init__(f"{error.code}: {error.message('en', **params)}")

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    def message(self, language: str | None = None) -> str:
        return self.error.message(language, **self.params)


# Generic codes used by every door.
BAD_REQUEST = define(
    "GEN-400",
    400,
    "Bad Request",
    "La requête est incorrecte : {detail}",
    "The request is malformed: {detail}",
)
VALIDATION_FAILED = define(
    "GEN-422",
    422,
    "Unprocessable Entity",
    "Les données envoyées ne sont pas valides : {detail}",
    "The data sent is not valid: {detail}",
)
NOT_AUTHENTICATED = define(
    "GEN-401",
    401,
    "Unauthorized",
    "Authentification requise.",
    "Authentication is required.",
)
PERMISSION_DENIED = define(
    "GEN-403",
    403,
    "Forbidden",
    "Vous n'avez pas les droits nécessaires pour cette action.",
    "You do not have the rights needed for this action.",
)
READ_ONLY = define(
    "GEN-403-RO",
    403,
    "Forbidden",
    "Votre profil est en lecture seule : cette modification vous est refusée.",
    "Your profile is read-only: this change is refused.",
)
ACCESS_SUSPENDED = define(
    "SEC-008",
    403,
    "Forbidden",
    "Accès suspendu : l'accès de votre opérateur à la plateforme est suspendu par le Fournisseur. Contactez votre administrateur.",
    "Access suspended: your operator's access to the platform has been suspended by the Provider. Contact your administrator.",
)
MISSING_RIGHT = define(
    "GEN-403-RIGHT",
    403,
    "Forbidden",
    "Votre profil ne donne pas le droit « {right} ».",
    "Your profile does not grant the right '{right}'.",
)
NOT_FOUND = define(
    "GEN-404",
    404,
    "Not Found",
    "La ressource demandée n'existe pas.",
    "The requested resource does not exist.",
)
METHOD_NOT_ALLOWED = define(
    "GEN-405",
    405,
    "Method Not Allowed",
    "La méthode {method} n'est pas acceptée ici.",
    "Method {method} is not allowed here.",
)
NOT_ACCEPTABLE = define(
    "GEN-406",
    406,
    "Not Acceptable",
    "Le format de réponse demandé n'est pas disponible.",
    "The requested response format is not available.",
)
CONFLICT = define(
    "GEN-409",
    409,
    "Conflict",
    "La ressource a été modifiée entre-temps : {detail}",
    "The resource was changed meanwhile: {detail}",
)
PAYLOAD_TOO_LARGE = define(
    "GEN-413",
    413,
    "Payload Too Large",
    "Le message dépasse la taille maximale acceptée ({limit} octets).",
    "The message exceeds the maximum accepted size ({limit} bytes).",
)
UNSUPPORTED_MEDIA_TYPE = define(
    "GEN-415",
    415,
    "Unsupported Media Type",
    "Le type de contenu {media_type} n'est pas accepté.",
    "Content type {media_type} is not accepted.",
)
THROTTLED = define(
    "GEN-429",
    429,
    "Too Many Requests",
    "Trop de requêtes : réessayez dans {wait} secondes.",
    "Too many requests: retry in {wait} seconds.",
)
INTERNAL_ERROR = define(
    "GEN-500",
    500,
    "Internal Server Error",
    "Une erreur interne est survenue ; elle a été journalisée (référence {request_id}).",
    "An internal error occurred; it has been logged (reference {request_id}).",
)
