"""Base API views: the principal is resolved once and every queryset comes from a scoped selector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.request import Request

from guichet.core.context import Principal
from guichet.core.principal import resolve_principal


class ScopedViewSetMixin:
    """A view cannot forget scoping: its objects come only from ``selector(actor)``.

    Subclasses set ``selector`` to a selector function taking the principal. Writes
    go through ``services`` in ``perform_create``/``perform_update``.
    """

    selector: Callable[[Principal], QuerySet[Any]]
    principal: Principal

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        principal = resolve_principal(request)
        if principal is not None:
            self.principal = principal

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return self.get_serializer_class().Meta.model.objects.none()
        return type(self).selector(self.principal)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve within the caller's scope."""


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Full resource within the caller's scope; writes call services."""
