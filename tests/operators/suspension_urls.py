"""The site's URLs plus a SOAP service guarded like a domain's would be (SEC-08 tests).

Its ``authenticate`` hook resolves the caller's principal (a portal session here; a
system credential through the accounts hook when it is there) and refuses a suspended
operator with SEC-008, before the body is even read.
"""

from __future__ import annotations

from django.http import HttpRequest

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from guichet.core import errors as core_errors
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal
from guichet.core.soap import SoapService, soap_urls
from tests.core.soap.echo_service import ECHO_WSDL, echo

SOAP_PATH = "/ws/test/guarded"


class GuardedEchoService(SoapService):
    def authenticate(self, request: HttpRequest) -> None:
        principal = resolve_principal(request)
        if principal is None:
            try:
                from guichet.accounts.api.authentication import authenticate_system_request
            except ImportError:  # system credentials not there yet: sessions only
                principal = None
            else:
                principal = authenticate_system_request(request)
        if principal is None:
            raise GuichetError(core_errors.NOT_AUTHENTICATED)
        if principal.suspended:
            raise GuichetError(core_errors.ACCESS_SUSPENDED)


GUARDED_SERVICE = GuardedEchoService(
    wsdl=ECHO_WSDL, service_name="EchoService", handlers={"echo": echo}
)

urlpatterns = [
    *soap_urls(SOAP_PATH.strip("/"), GUARDED_SERVICE, name="test-guarded"),
    *site_urlpatterns,
]
