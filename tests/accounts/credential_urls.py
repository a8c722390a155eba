"""The site's URLs plus a REST probe guarded by a right (SEC-01) and a SOAP service behind
the system credentials, as domain services will be (SEC-01..03, SEC-08)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from guichet.core.api.permissions import IsAuthenticatedPrincipal, RequireRight
from guichet.core.principal import resolve_principal
from guichet.core.soap import SoapService, soap_urls
from tests.core.soap.echo_service import ECHO_WSDL


class EligibilityProbe(APIView):
    """Answers who is calling, if the caller holds ``eligibilite-ftte:read``."""

    permission_classes = [IsAuthenticatedPrincipal, RequireRight.of("eligibilite-ftte:read")]

    def get(self, request: Request) -> Response:
        principal = resolve_principal(request)
        assert principal is not None
        return Response(
            {
                "login": principal.login,
                "operator": principal.operator_code,
                "credential": principal.credential,
                "channel": principal.channel,
                "can_write": principal.can_write,
                "rights": sorted(principal.rights),
            }
        )


urlpatterns = [path("api/v1/test/eligibility", EligibilityProbe.as_view()), *site_urlpatterns]


class CredentialEchoService(SoapService):
    """The echo contract behind the system credentials, as every domain service is."""

    requires_credentials = True


def whoami(request: HttpRequest, payload: dict[str, Any], header: dict[str, Any] | None) -> dict:
    principal = resolve_principal(request)
    assert principal is not None
    return {"text": f"{principal.login}@{principal.operator_code}", "count": payload["count"]}


CREDENTIAL_ECHO = CredentialEchoService(
    wsdl=ECHO_WSDL, service_name="EchoService", handlers={"echo": whoami}
)
urlpatterns += soap_urls("ws/test/credentials", CREDENTIAL_ECHO, name="test-credentials")
