"""Serializer helpers shared by every API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class TmfFieldsMixin(serializers.Serializer):
    """TMF630 attribute selection: ``?fields=a,b`` keeps only those (``id``/``href`` always)."""

    ALWAYS = frozenset({"id", "href", "@type"})

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        wanted = request.query_params.get("fields") if request is not None else None
        if not wanted or (
            self.parent is not None and not isinstance(self.parent, serializers.ListSerializer)
        ):
            return data
        keep = {name.strip() for name in wanted.split(",")} | self.ALWAYS
        return {key: value for key, value in data.items() if key in keep}


def at(serializer: type[serializers.Serializer], **names: serializers.Field) -> None:
    """Declare TMF polymorphism attributes (``@type``…), which Python names cannot spell."""
    for name, field in names.items():
        serializer._declared_fields[f"@{name}"] = field
