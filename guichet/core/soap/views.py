"""The HTTP door of a :class:`SoapService`: POST for calls, GET ``?wsdl`` for the contract."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from guichet.core import errors as core_errors
from guichet.core.context import current_request_id
from guichet.core.errors import GuichetError
from guichet.core.soap import parsing
from guichet.core.soap.faults import CONTENT_TYPE, fault_response
from guichet.core.soap.service import SoapService

logger = logging.getLogger("guichet.core.soap")

SOAP11_MEDIA_TYPE = "text/xml"
WSDL_SUFFIX = ".wsdl"


@method_decorator(csrf_exempt, name="dispatch")
class SoapView(View):
    """Serves one service; mount it with :func:`soap_urls` (``as_view(service=...)``)."""

    service: SoapService | None = None
    wsdl_only = False  # True on the "<endpoint>.wsdl" route
    http_method_names = ["get", "head", "post"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The WSDL (``?wsdl`` or the ``.wsdl`` URL), addressed to this host's endpoint."""
        if self.wsdl_only or wants_wsdl(request):
            # No authenticate() here: the contract holds no data, and integrators
            # fetch it with their tools before they have credentials.
            location = request.build_absolute_uri(endpoint_path(request))
            return HttpResponse(self._service().wsdl(location), content_type=CONTENT_TYPE)
        return self.http_method_not_allowed(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """One SOAP call: every refusal or error comes back as a SOAP 1.1 fault."""
        if self.wsdl_only:
            return self.http_method_not_allowed(request)
        service = self._service()
        try:
            # Strangers are turned away before their body is even read.
            service.authenticate(request)
            data = read_body(request)
            answer = service.handle(request, data, request.headers.get("SOAPAction"))
        except GuichetError as exc:
            log = logger.error if exc.status >= 500 else logger.info
            log("SOAP fault %s on %s: %s", exc.code, request.path, exc)
            return fault_response(exc, extra_detail=service.fault_details(exc))
        except Exception:
            # The traceback goes to the log only: the caller gets the reference to quote.
            logger.exception("SOAP %s: unexpected error", request.path)
            error = GuichetError(core_errors.INTERNAL_ERROR, request_id=current_request_id())
            return fault_response(error, extra_detail=service.fault_details(error))
        if answer is None:
            return HttpResponse(status=202)  # one-way operation (WS-I BP R2714)
        return HttpResponse(answer, content_type=CONTENT_TYPE)

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        """405 with ``Allow``, in SOAP shape (a SOAP client parses whatever it gets)."""
        allowed = "GET, HEAD" if self.wsdl_only else "GET, HEAD, POST"
        error = GuichetError(core_errors.METHOD_NOT_ALLOWED, method=request.method)
        response = fault_response(error, status=405)
        response["Allow"] = allowed
        return response

    def _service(self) -> SoapService:
        if self.service is None:
            raise TypeError("SoapView needs as_view(service=...)")
        return self.service


def wants_wsdl(request: HttpRequest) -> bool:
    """``?wsdl`` (any case, as Java and .NET tools send it)."""
    return any(key.lower() == "wsdl" for key in request.GET)


def endpoint_path(request: HttpRequest) -> str:
    """The endpoint's path, whichever of its two URLs served the WSDL."""
    return request.path.removesuffix(WSDL_SUFFIX)


def read_body(request: HttpRequest) -> bytes:
    """The raw SOAP 1.1 body: ``text/xml`` only, never longer than the configured limit."""
    if (request.content_type or "").lower() != SOAP11_MEDIA_TYPE:
        raise GuichetError(
            core_errors.UNSUPPORTED_MEDIA_TYPE, media_type=request.content_type or "(aucun)"
        )
    limit = parsing.max_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # Refuse on the announced length first: the body is then never even read.
    parsing.check_size(declared, limit)
    try:
        data = request.body
    except RequestDataTooBig:  # Django's own cap (DATA_UPLOAD_MAX_MEMORY_SIZE) is lower
        raise GuichetError(core_errors.PAYLOAD_TOO_LARGE, limit=limit) from None
    parsing.check_size(len(data), limit)
    return data


def soap_urls(route: str, service: SoapService, *, name: str) -> list[URLPattern]:
    """URL patterns for ``route`` (calls, ``?wsdl``) and ``route + ".wsdl"`` (the contract)."""
    route = route.strip("/")
    return [
        path(route, SoapView.as_view(service=service), name=name),
        path(
            route + WSDL_SUFFIX,
            SoapView.as_view(service=service, wsdl_only=True),
            name=f"{name}-wsdl",
        ),
    ]
