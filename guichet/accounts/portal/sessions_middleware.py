"""The portal session's clock (IAM-11): lock after inactivity, end after the absolute lifetime.

Put it right after ``django_otp.middleware.OTPMiddleware``. A session past its clock is
journaled, logged out, and the person is sent to the login page with its login filled in
and the page it was on as ``next`` (the REST API answers IAM-060/IAM-061 instead).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from guichet.accounts import sessions
from guichet.accounts.errors.sessions import SESSION_EXPIRED, SESSION_LOCKED
from guichet.accounts.services import sessions as services
from guichet.core.api.exceptions import json_error
from guichet.core.middleware import API_PREFIXES
from guichet.core.principal import resolve_principal


def page_to_resume(request: HttpRequest) -> str:
    """Where to come back after logging in again: this page, or for a form sent after the
    lock, the page the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parsed = urlparse(referer)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return reverse("portal:home")


class SessionClockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        verdict = sessions.verdict(request.session, now)
        if verdict is None:
            sessions.touch(request.session, now)
            return self.get_response(request)
        return self.end(request, verdict)

    def end(self, request: HttpRequest, verdict: str) -> HttpResponse:
        principal = resolve_principal(request)
        if principal is not None:
            services.record_session_end(actor=principal, reason=verdict)
        login = request.user.get_username()
        path = page_to_resume(request)
        logout(request)
        sessions.remember(request.session, sessions.Resume(login=login, reason=verdict, path=path))
        if verdict == sessions.EXPIRED:
            error, params = SESSION_EXPIRED, {"hours": settings.SESSION_COOKIE_AGE // 3600}
        else:
            error, params = SESSION_LOCKED, {"minutes": settings.GUICHET_SESSION_IDLE_MINUTES}
        if request.path.startswith(API_PREFIXES):
            return json_error(request, error, **params)
        target = f"{reverse('portal:login')}?{urlencode({'next': path})}"
        if request.headers.get("HX-Request"):
            # htmx follows redirects inside the page: ask it for a full navigation instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
