"""The Provider's eligibility rules under /api/v1/: exclusion zones and temporary freezes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from guichet.core.api.permissions import IsAuthenticatedPrincipal, ProviderOnly
from guichet.core.api.views import ScopedViewSetMixin
from guichet.eligibility import selectors, services
from guichet.eligibility.choices import Offer, Scope
from guichet.eligibility.models import ExclusionZone, TemporaryFreeze


# Inline (allOf) rather than an enum component: ``offer`` already names other choice sets.
@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": ["", *Offer.values]}],
        "description": "Code de l'offre ; vide : toutes les offres",
    }
)
class OfferField(serializers.ChoiceField):
    """An offer code, or empty for every offer (described inline: ``offer`` names other enums)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "")
        super().__init__(choices=[("", "Toutes les offres"), *Offer.choices], **kwargs)


class ExclusionZoneSerializer(serializers.ModelSerializer):
    offer = OfferField()
    scope = serializers.ChoiceField(choices=Scope.choices)

    class Meta:
        model = ExclusionZone
        fields = ["id", "offer", "scope", "value", "reason", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list[Any] = []  # the service checks uniqueness with its own code


class FreezeSerializer(serializers.ModelSerializer):
    offer = OfferField()
    scope = serializers.ChoiceField(choices=Scope.choices)

    class Meta:
        model = TemporaryFreeze
        fields = [
            "id",
            "offer",
            "scope",
            "value",
            "starts_on",
            "ends_on",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class FreezeEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField(allow_null=True)


class _ProviderRules(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticatedPrincipal, ProviderOnly]
    filterset_fields = ("offer", "scope", "value")
    ordering_fields = ("created_at", "scope", "value")
    search_fields = ("value", "reason")


@extend_schema_view(
    list=extend_schema(summary="Zones d'exclusion d'éligibilité (Fournisseur)"),
    retrieve=extend_schema(summary="Une zone d'exclusion"),
    create=extend_schema(
        summary="Exclure une commune, un PM, un immeuble ou le réseau d'une offre"
    ),
    destroy=extend_schema(summary="Lever une zone d'exclusion"),
)
class ExclusionZoneViewSet(mixins.CreateModelMixin, _ProviderRules):
    serializer_class = ExclusionZoneSerializer
    selector = staticmethod(selectors.exclusion_zones_for)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        zone = services.create_exclusion_zone(actor=self.principal, **body.validated_data)
        return Response(self.get_serializer(zone).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ExclusionZone) -> None:
        services.delete_exclusion_zone(actor=self.principal, zone=instance)


@extend_schema_view(
    list=extend_schema(summary="Gels temporaires d'éligibilité, passés, en cours et prévus"),
    retrieve=extend_schema(summary="Un gel temporaire"),
    create=extend_schema(summary="Geler les commandes d'une portée sur une période (Fournisseur)"),
    partial_update=extend_schema(
        summary="Avancer, prolonger ou laisser ouverte la fin d'un gel",
        request=FreezeEndSerializer,
    ),
    destroy=extend_schema(summary="Supprimer un gel saisi par erreur"),
)
class FreezeViewSet(mixins.CreateModelMixin, _ProviderRules):
    serializer_class = FreezeSerializer
    selector = staticmethod(selectors.freezes_for)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[TemporaryFreeze]:
        return super().get_queryset()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        freeze = services.create_freeze(actor=self.principal, **body.validated_data)
        return Response(self.get_serializer(freeze).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = FreezeEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        freeze = services.change_freeze_end(
            actor=self.principal, freeze=self.get_object(), ends_on=body.validated_data["ends_on"]
        )
        return Response(self.get_serializer(freeze).data)

    def perform_destroy(self, instance: TemporaryFreeze) -> None:
        services.delete_freeze(actor=self.principal, freeze=instance)
