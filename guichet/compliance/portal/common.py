"""Shared bits of the audit pages: pagination and the « refused » rendering."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50
YES_NO = {"oui": True, "non": False}


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> dict[str, Any]:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page_obj": page,
        "page_links": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "page_query": query.urlencode(),
    }


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
