"""Operators resource: Provider staff manage all, an operator sees and edits its own contacts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view

from guichet.core.api.views import ScopedModelViewSet
from guichet.operators import selectors, services
from guichet.operators.api.serializers import OperatorSerializer


@extend_schema_view(
    list=extend_schema(summary="Liste des opérateurs visibles par l'appelant"),
    retrieve=extend_schema(summary="Fiche d'un opérateur"),
    create=extend_schema(summary="Enregistrer un opérateur (Fournisseur uniquement)"),
    partial_update=extend_schema(summary="Modifier une fiche opérateur"),
)
class OperatorViewSet(ScopedModelViewSet):
    serializer_class = OperatorSerializer
    selector = staticmethod(selectors.operators_for)
    http_method_names = ["get", "post", "patch", "head", "options"]
    search_fields = ("name", "arcep_code", "siren")
    ordering_fields = ("name", "arcep_code", "created_at")
    filterset_fields = ("arcep_code", "siren", "legal_form")

    def perform_create(self, serializer: OperatorSerializer) -> None:
        serializer.instance = services.create_operator(
            actor=self.principal, **serializer.validated_data
        )

    def perform_update(self, serializer: OperatorSerializer) -> None:
        serializer.instance = services.update_operator(
            actor=self.principal, operator=serializer.instance, **serializer.validated_data
        )
