"""What every portal and back-office page shares: date widgets, service refusals shown on
their field, pagination of a list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from guichet.core.errors import GuichetError

PAGE_SIZE = 25


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ServiceErrorsMixin:
    """Puts a service's :class:`GuichetError` on the field it names, with its code."""

    def add_service_error(self, error: GuichetError) -> None:
        message = f"{error.message()} ({error.code})"
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, message)  # type: ignore[attr-defined]


def paginate(request: HttpRequest, queryset: Any, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """``page_obj``, ``page_links`` and ``page_query`` (the other criteria) of a list page."""
    page: Page = Paginator(queryset, page_size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return {
        "page_obj": page,
        "page_links": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "page_query": query.urlencode(),
    }
