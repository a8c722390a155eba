"""REST representation of operators (``/api/v1/operators``)."""

from __future__ import annotations

from rest_framework import serializers

from guichet.core.api.serializers import TmfFieldsMixin
from guichet.operators.models import CONTACT_FIELDS, LEGAL_IDENTITY_FIELDS, Operator


class OperatorSerializer(TmfFieldsMixin, serializers.ModelSerializer):
    """Types only: the rules (SIREN key, ARCEP code, uniqueness, who may change what) live in services."""

    href = serializers.HyperlinkedIdentityField(view_name="api:operator-detail")

    class Meta:
        model = Operator
        fields = ("id", "href", *LEGAL_IDENTITY_FIELDS, *CONTACT_FIELDS, "created_at", "updated_at")
        read_only_fields = ("id", "href", "created_at", "updated_at")
        # Validation happens once, in the service, so every door answers the same code.
        extra_kwargs = {
            name: {"validators": []} for name in (*LEGAL_IDENTITY_FIELDS, *CONTACT_FIELDS)
        }
