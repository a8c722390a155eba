"""Portal mixins that scope by construction, and the error handlers of every door."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guichet.core import errors
from guichet.core.api.exceptions import json_error
from guichet.core.context import Principal, current_request_id
from guichet.core.middleware import API_PREFIXES
from guichet.core.principal import resolve_principal


class PrincipalMixin(LoginRequiredMixin):
    """A portal view that always has ``self.principal``; selectors take it."""

    principal: Principal

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        principal = resolve_principal(request)
        if principal is None:
            return self.handle_no_permission()
        if principal.suspended:
            # Suspension is total and immediate (SEC-08): the live session ends here.
            logout(request)
            return render_error(request, errors.ACCESS_SUSPENDED, errors.ACCESS_SUSPENDED.message())
        self.principal = principal
        if not self.allowed(principal):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, principal: Principal) -> bool:
        return True


class ProviderRequiredMixin(PrincipalMixin):
    """Back-office pages: the Provider's staff only."""

    def allowed(self, principal: Principal) -> bool:
        return principal.is_provider


class OperatorRequiredMixin(PrincipalMixin):
    """Pages that act for one operator."""

    def allowed(self, principal: Principal) -> bool:
        return principal.is_operator


def render_error(request: HttpRequest, error: errors.ErrorDef, message: str) -> HttpResponse:
    """The portal's error page: the stable code and its French (or English) message."""
    context = {"error": error, "message": message, "request_id": current_request_id()}
    return render(request, "portal/error.html", context, status=error.status)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_error(request, errors.BAD_REQUEST, detail="")
    return render_error(request, errors.BAD_REQUEST, errors.BAD_REQUEST.message(detail=""))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_error(request, errors.PERMISSION_DENIED)
    return render_error(request, errors.PERMISSION_DENIED, errors.PERMISSION_DENIED.message())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_error(request, errors.NOT_FOUND)
    return render_error(request, errors.NOT_FOUND, errors.NOT_FOUND.message())


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return json_error(request, errors.INTERNAL_ERROR, request_id=current_request_id())
    message = errors.INTERNAL_ERROR.message(request_id=current_request_id())
    # No template engine features beyond the bare page: the error may come from them.
    return render(request, "500.html", {"message": message}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return permission_denied(request)
