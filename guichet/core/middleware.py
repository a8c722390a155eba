"""Request context: request id, client address and channel, set once per request."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from guichet.core.context import Channel, new_request_id, reset_request_id, set_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
API_PREFIXES = ("/api/", "/tmf-api/")
SOAP_PREFIXES = ("/ws/",)


def channel_for_path(path: str) -> str:
    """The door a URL belongs to."""
    if path.startswith(API_PREFIXES):
        return Channel.REST
    if path.startswith(SOAP_PREFIXES):
        return Channel.SOAP
    if path.startswith("/admin/"):
        return Channel.ADMIN
    return Channel.PORTAL


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, trusting exactly ``TRUSTED_PROXY_COUNT`` proxies."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives each request an id (kept from a sane ``X-Request-ID``), its channel and client IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        request.channel = channel_for_path(request.path)  # type: ignore[attr-defined]
        request.client_ip = client_ip(request)  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class GuichetErrorMiddleware:
    """A :class:`GuichetError` escaping a portal view becomes the French error page with its code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from guichet.core.errors import GuichetError
        from guichet.core.views import render_error

        if isinstance(exception, GuichetError) and not request.path.startswith(API_PREFIXES):
            return render_error(request, exception.error, exception.message())
        return None
