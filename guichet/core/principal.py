"""Resolving the principal of a request, once."""

from __future__ import annotations

from typing import Any

from guichet.core.context import Channel, Principal, principal_for_user

_CACHE_ATTR = "_guichet_principal"


def resolve_principal(request: Any) -> Principal | None:
    """The principal behind ``request`` (a Django or DRF request), or None if anonymous.

    A system credential (later issues) authenticates with ``request.auth`` set to an
    object that knows its own principal; a person with ``request.user``.
    """
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    django_request = getattr(request, "_request", request)
    channel = getattr(django_request, "channel", Channel.PORTAL)
    ip = getattr(django_request, "client_ip", None)
    request_id = getattr(django_request, "request_id", "-")
    auth = getattr(request, "auth", None)
    principal: Principal | None = None
    if auth is not None and hasattr(auth, "principal"):
        principal = auth.principal(channel=channel, ip=ip, request_id=request_id)
    else:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            principal = principal_for_user(user, channel=channel, ip=ip, request_id=request_id)
    if principal is not None:
        setattr(request, _CACHE_ATTR, principal)
        if django_request is not request:
            setattr(django_request, _CACHE_ATTR, principal)
    return principal
