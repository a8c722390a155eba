"""REST and SOAP authentication of operators' information systems (Mode Intégré, SEC-01..03).

``ApiKeyAuthentication`` and ``ClientCertificateAuthentication`` return
``(person, SystemCall)``: DRF's ``request.auth`` then knows the principal (the person
named in ``X-On-Behalf-Of`` acting through the credential). A refusal answers its own
stable code (SEC-020..SEC-026, SEC-008), not a bare 401.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from guichet.accounts.services import system_auth
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal

REALM = 'Bearer realm="guichet"'


class CredentialRefused(GuichetError, exceptions.AuthenticationFailed):
    """A :class:`GuichetError` DRF treats as an authentication failure (user reset, no retry)."""

    @classmethod
    def from_error(cls, error: GuichetError) -> CredentialRefused:
        params = {key: value for key, value in error.params.items() if key != "field"}
        return cls(error.error, field=error.field, **params)


class _SystemAuthentication(BaseAuthentication):
    def authenticate_header(self, request: Request) -> str:
        return REALM

    def call(self, request: Request) -> system_auth.SystemCall | None:
        raise NotImplementedError

    def authenticate(self, request: Request) -> tuple[Any, system_auth.SystemCall] | None:
        try:
            call = self.call(request)
        except GuichetError as exc:
            raise CredentialRefused.from_error(exc) from exc
        return None if call is None else (call.person, call)


class ApiKeyAuthentication(_SystemAuthentication):
    """``Authorization: Bearer gk_xxxxxxxx.<secret>`` (or ``X-API-Key``) + ``X-On-Behalf-Of``."""

    def call(self, request: Request) -> system_auth.SystemCall | None:
        return system_auth.api_key_call(request)


class ClientCertificateAuthentication(_SystemAuthentication):
    """Client certificate verified by the TLS proxy, forwarded in ``X-SSL-Client-Cert``."""

    def call(self, request: Request) -> system_auth.SystemCall | None:
        return system_auth.certificate_call(request)


ON_BEHALF_NOTE = (
    " Chaque appel nomme la personne pour qui il agit : en-tête `X-On-Behalf-Of: <identifiant>`"
    " (identifiant actif du même opérateur). L'appel doit venir d'une adresse déclarée."
)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "guichet.accounts.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "gk_xxxxxxxx.secret",
            "description": "Clé d'API (ou en-tête `X-API-Key`)." + ON_BEHALF_NOTE,
        }


class ClientCertificateScheme(OpenApiAuthenticationExtension):
    target_class = "guichet.accounts.api.authentication.ClientCertificateAuthentication"
    name = "clientCertificate"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        # OpenAPI 3.0 has no mutualTLS: the header is what the TLS proxy forwards.
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-SSL-Client-Cert",
            "description": "Certificat client émis par l'AC de la plateforme, présenté en TLS"
            " mutuel ; le proxy le vérifie et le transmet dans cet en-tête." + ON_BEHALF_NOTE,
        }


def authenticate_system_request(request: HttpRequest) -> Principal | None:
    """The SOAP door's hook: the principal of a system call, None if it presents no credential.

    Raises :class:`GuichetError` (a SOAP fault with the same code) when the credential is
    refused. The request then carries ``user`` and ``auth`` so ``resolve_principal``
    answers the same principal to the handlers.
    """
    call = system_auth.authenticate_request(request)
    if call is None:
        return None
    request.user = call.person
    request.auth = call  # type: ignore[attr-defined]
    return resolve_principal(request)
