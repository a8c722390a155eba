"""Two gates every request of a signed-in person passes (IAM-04, IAM-11).

Add both to ``MIDDLEWARE`` right after ``django_otp.middleware.OTPMiddleware``:

* :class:`SecondFactorRequiredMiddleware` — a person whose level is « renforcé + second
  facteur » and whose session has not yet given a TOTP or recovery code reaches only the
  second login step (the REST API answers IAM-022);
* :class:`PasswordExpiryMiddleware` — a person whose password is past its level's
  renewal period reaches only the password page (the REST API answers IAM-021).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from guichet.accounts.errors.identifiers import PASSWORD_EXPIRED, SECOND_FACTOR_REQUIRED
from guichet.accounts.passwords import password_expired, requires_second_factor
from guichet.core.api.exceptions import json_error
from guichet.core.errors import ErrorDef
from guichet.core.middleware import API_PREFIXES

ALWAYS_OPEN = ("/static/", "/i18n/", "/jsi18n/", "/healthz", "/favicon.ico")


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def second_factor_missing(request: HttpRequest) -> bool:
    """The person must still give a TOTP or recovery code in this session."""
    if not _signed_in(request) or not requires_second_factor(request.user):
        return False
    is_verified = getattr(request.user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class _Gate:
    """Send the person to ``target`` (a URL name) unless the path is always open."""

    target = ""
    error: ErrorDef

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def closed(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def open_paths(self) -> tuple[str, ...]:
        return (reverse(self.target), reverse("portal:logout"), *ALWAYS_OPEN)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.closed(request) or request.path.startswith(self.open_paths()):
            return self.get_response(request)
        if request.path.startswith(API_PREFIXES):
            return json_error(request, self.error)
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(self.target)}?{query}")


class SecondFactorRequiredMiddleware(_Gate):
    """Only the second login step until the session is OTP-verified."""

    target = "identifiers:second_factor"
    error = SECOND_FACTOR_REQUIRED

    def closed(self, request: HttpRequest) -> bool:
        return second_factor_missing(request)


class PasswordExpiryMiddleware(_Gate):
    """Only the password page while the password is past its renewal period."""

    target = "identifiers:password_change"
    error = PASSWORD_EXPIRED

    def closed(self, request: HttpRequest) -> bool:
        if not _signed_in(request) or second_factor_missing(request):
            return False
        return password_expired(request.user)

    def open_paths(self) -> tuple[str, ...]:
        return (*super().open_paths(), reverse("identifiers:second_factor"))
