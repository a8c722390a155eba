"""TMF679 ProductOfferingQualification v4: qualify a place (POST), read past answers (GET)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from guichet.core import errors
from guichet.core.api.permissions import IsAuthenticatedPrincipal, RequireRight
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal
from guichet.eligibility import selectors, services
from guichet.eligibility.api import serializers as s
from guichet.eligibility.api import tmf
from guichet.eligibility.choices import RIGHT
from guichet.eligibility.errors import ASYNC_UNSUPPORTED
from guichet.eligibility.models import Qualification

FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Attributs de premier niveau à renvoyer, séparés par des virgules (TMF630)",
)


class MayQualify(BasePermission):
    """Any authenticated, non-suspended principal; the service decides the rest.

    Qualifying is a consultation (right ``eligibilite-ftte:read``), so a read-only
    person may do it; the service answers the distinct refusals (ELI-001, ELI-002,
    GEN-403-RIGHT) that a generic permission could not tell apart.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        if principal is None:
            return False
        if principal.suspended:
            raise GuichetError(errors.ACCESS_SUSPENDED)
        return True


def _place(places: list[dict[str, Any]]) -> dict[str, Any]:
    return next((p for p in places if p.get("role") == "installationAddress"), places[0])


@extend_schema_view(
    list=extend_schema(
        summary="Qualifications passées de l'opérateur (les plus récentes d'abord)",
        parameters=[
            FIELDS,
            OpenApiParameter("externalId", OpenApiTypes.STR, description="Référence opérateur"),
        ],
    ),
    retrieve=extend_schema(summary="Une qualification passée", parameters=[FIELDS]),
)
class ProductOfferingQualificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Éligibilité FTTH/FTTE (ELI-01, ELI-02) as TMF679 ProductOfferingQualification."""

    serializer_class = s.ProductOfferingQualificationSerializer
    lookup_value_regex = "[^/]+"
    filter_backends: list[type] = []

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [MayQualify()]
        return [IsAuthenticatedPrincipal(), RequireRight.of(RIGHT)()]

    @property
    def principal(self) -> Principal:
        principal = resolve_principal(self.request)
        assert principal is not None  # the permissions let no anonymous call through
        return principal

    def get_queryset(self) -> QuerySet[Qualification]:
        if getattr(self, "swagger_fake_view", False):
            return Qualification.objects.none()
        queryset = selectors.qualifications_for(self.principal)
        external_id = self.request.query_params.get("externalId", "").strip()
        return queryset.filter(external_id=external_id) if external_id else queryset

    def get_object(self) -> Qualification:
        return selectors.qualification_for(self.principal, self.kwargs["pk"])

    @extend_schema(
        summary="Qualifier un lieu : une réponse par offre, immédiatement (instantSyncQualification)",
        description=tmf.__doc__,
        request=s.CreateProductOfferingQualificationSerializer,
        responses={200: s.ProductOfferingQualificationSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.CreateProductOfferingQualificationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not data["instantSyncQualification"]:
            raise GuichetError(ASYNC_UNSUPPORTED, field="instantSyncQualification")
        items = data.get("productOfferingQualificationItem") or []
        offers = [item["productOffering"]["id"] for item in items]
        try:
            qualification = services.qualify(
                actor=self.principal,
                query=tmf.place_query(_place(data["place"])),
                offers=offers,
                item_ids=[item.get("id", "") for item in items],
                external_id=data.get("externalId", ""),
            )
        except GuichetError as error:
            if error.field != "offers":
                raise
            # Name the request attribute, not the service's argument.
            index = offers.index(error.params["offer"])
            params = {k: v for k, v in error.params.items() if k != "field"}
            path = f"productOfferingQualificationItem[{index}].productOffering.id"
            raise GuichetError(error.error, field=path, **params) from error
        return Response(self.get_serializer(qualification).data)
