"""TMF630 pagination: ``offset``/``limit``, ``X-Total-Count``/``X-Result-Count``, 206 on a partial page."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class TmfPagination(LimitOffsetPagination):
    """The body is the bare list; counts travel in headers as TM Forum APIs do."""

    default_limit = 50
    max_limit = 100

    def get_paginated_response(self, data: list[Any]) -> Response:
        total = self.count
        partial = self.offset > 0 or self.offset + len(data) < total
        response = Response(data, status=206 if partial else 200)
        response["X-Total-Count"] = str(total)
        response["X-Result-Count"] = str(len(data))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": schema.get("items", schema)}
