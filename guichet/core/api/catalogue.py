"""The public catalogue of stable error codes (``/api/v1/errors``), for integrators."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guichet.core.errors import REGISTRY


class ErrorCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.IntegerField()
    reason = serializers.CharField()
    message_fr = serializers.CharField()
    message_en = serializers.CharField()


def _entry(code: str) -> dict[str, object]:
    error = REGISTRY[code]
    return {
        "code": error.code,
        "status": error.status,
        "reason": error.reason,
        "message_fr": error.fr,
        "message_en": error.en,
    }


class ErrorCatalogueView(APIView):
    """Every error code the platform can answer, with its messages."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(summary="Catalogue des codes d'erreur", responses=ErrorCodeSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([_entry(code) for code in sorted(REGISTRY)])


class ErrorCodeView(APIView):
    """One error code."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(summary="Un code d'erreur", responses=ErrorCodeSerializer)
    def get(self, request: Request, code: str) -> Response:
        if code not in REGISTRY:
            raise NotFound
        return Response(_entry(code))
