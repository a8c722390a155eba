"""The site's URLs plus one probe guarded by a right, to test credential scopes (SEC-01)."""

from __future__ import annotations

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from guichet.core.api.permissions import IsAuthenticatedPrincipal, RequireRight
from guichet.core.principal import resolve_principal


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
