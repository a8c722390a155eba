"""What every portal page's shell shows: the Provider, the person and its operator."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from guichet.core.principal import resolve_principal
from guichet.portal.navigation import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    principal = resolve_principal(request) if hasattr(request, "user") else None
    operator = getattr(principal.user, "operator", None) if principal is not None else None
    menu = (
        menu_for(principal, path=request.path, is_superuser=request.user.is_superuser)
        if principal is not None
        else []
    )
    return {
        "provider_name": settings.GUICHET_PROVIDER_NAME,
        "principal": principal,
        "current_operator": operator,
        "menu": menu,
        "session_idle_seconds": settings.GUICHET_SESSION_IDLE_MINUTES * 60,
    }
