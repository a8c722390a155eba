"""SEC-09 under /api/v1/: security audits, non-conformities, remediation plans."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from guichet.compliance import selectors, services
from guichet.compliance.api import serializers as s
from guichet.core.api.views import ScopedReadOnlyViewSet
from guichet.operators.selectors import operator_for

LATE = OpenApiParameter(
    "late",
    OpenApiTypes.BOOL,
    description="En retard : plan manquant après l'échéance ou action du plan approuvé en retard",
)


def _flag(value: str | None) -> bool | None:
    return {"true": True, "1": True, "false": False, "0": False}.get((value or "").lower())


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@extend_schema_view(
    list=extend_schema(
        summary="Audits de sécurité visibles par l'appelant (SEC-09, annexe 2 §5)",
        parameters=[
            OpenApiParameter("operator", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, description="open ou closed"),
            LATE,
        ],
    ),
    retrieve=extend_schema(summary="Un audit de sécurité"),
)
class SecurityAuditViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.SecurityAuditSerializer
    selector = staticmethod(selectors.audits_for)
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        query = self.request.query_params
        return selectors.audits_for(
            self.principal,
            operator_id=_int(query.get("operator")),
            status=query.get("status", ""),
            late=_flag(query.get("late")),
        )

    def get_object(self) -> Any:
        return selectors.audit_for(self.principal, _int(self.kwargs["pk"]) or 0)

    @extend_schema(
        summary="Enregistrer un audit (Fournisseur)",
        request=s.NewAuditSerializer,
        responses={201: s.SecurityAuditSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.NewAuditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        audit = services.record_audit(
            actor=self.principal,
            operator=operator_for(self.principal, data.pop("operator")),
            **data,
        )
        return Response(self.get_serializer(audit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Clore l'audit : toutes ses non-conformités sont levées (Fournisseur)",
        request=None,
        responses={200: s.SecurityAuditSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        audit = services.close_audit(actor=self.principal, audit=self.get_object())
        return Response(self.get_serializer(audit).data)


@extend_schema_view(
    list=extend_schema(
        summary="Non-conformités (l'opérateur : celles qui lui sont notifiées)",
        parameters=[
            OpenApiParameter("audit", OpenApiTypes.INT),
            OpenApiParameter("operator", OpenApiTypes.INT),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="draft, notified, plan_submitted, plan_approved ou resolved",
            ),
            LATE,
        ],
    ),
    retrieve=extend_schema(summary="Une non-conformité, son échéance de plan et son retard"),
)
class NonConformityViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.NonConformitySerializer
    selector = staticmethod(selectors.non_conformities_for)
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        query = self.request.query_params
        return selectors.non_conformities_for(
            self.principal,
            audit_id=_int(query.get("audit")),
            operator_id=_int(query.get("operator")),
            status=query.get("status", ""),
            late=_flag(query.get("late")),
        )

    def get_object(self) -> Any:
        return selectors.non_conformity_for(self.principal, _int(self.kwargs["pk"]) or 0)

    @extend_schema(
        summary="Enregistrer une non-conformité d'un audit ouvert (Fournisseur)",
        request=s.NewNonConformitySerializer,
        responses={201: s.NonConformitySerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.NewNonConformitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        non_conformity = services.add_non_conformity(
            actor=self.principal,
            audit=selectors.audit_for(self.principal, data.pop("audit")),
            **data,
        )
        return Response(self.get_serializer(non_conformity).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Notifier : l'opérateur est prévenu, son délai de 10 jours court (Fournisseur)",
        request=None,
        responses={200: s.NonConformitySerializer},
    )
    @action(detail=True, methods=["post"])
    def notify(self, request: Request, pk: str | None = None) -> Response:
        nc = services.notify_non_conformity(actor=self.principal, non_conformity=self.get_object())
        return Response(self.get_serializer(nc).data)

    @extend_schema(
        summary="Lever la non-conformité : toutes les actions du plan sont faites (Fournisseur)",
        request=None,
        responses={200: s.NonConformitySerializer},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        nc = services.resolve_non_conformity(actor=self.principal, non_conformity=self.get_object())
        return Response(self.get_serializer(nc).data)

    @extend_schema(
        summary="Suspendre l'opérateur en défaut sur cette non-conformité (SEC-08, Fournisseur)",
        request=s.SuspendSerializer,
        responses={200: s.NonConformitySerializer},
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        body = s.SuspendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        nc = self.get_object()
        services.suspend_for_non_conformity(
            actor=self.principal, non_conformity=nc, reason=body.validated_data["reason"]
        )
        nc.refresh_from_db()
        return Response(self.get_serializer(nc).data)


@extend_schema_view(
    list=extend_schema(
        summary="Plans de remise en conformité, toutes versions",
        parameters=[
            OpenApiParameter("non_conformity", OpenApiTypes.INT),
            OpenApiParameter(
                "status", OpenApiTypes.STR, description="submitted, approved ou rejected"
            ),
        ],
    ),
    retrieve=extend_schema(summary="Un plan et ses actions (faites, en retard)"),
)
class RemediationPlanViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.RemediationPlanSerializer
    selector = staticmethod(selectors.plans_for)
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        query = self.request.query_params
        return selectors.plans_for(
            self.principal,
            status=query.get("status", ""),
            non_conformity_id=_int(query.get("non_conformity")),
        )

    def get_object(self) -> Any:
        return selectors.plan_for(self.principal, _int(self.kwargs["pk"]) or 0)

    @extend_schema(
        summary="Déposer ou redéposer le plan d'une non-conformité notifiée (opérateur)",
        request=s.NewPlanSerializer,
        responses={201: s.RemediationPlanSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.NewPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan = services.file_plan(
            actor=self.principal,
            non_conformity=selectors.non_conformity_for(self.principal, data["non_conformity"]),
            summary=data["summary"],
            items=data["items"],
        )
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Marquer des actions du plan approuvé faites (opérateur)",
        request=s.PlanProgressSerializer,
        responses={200: s.RemediationPlanSerializer},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        body = s.PlanProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.complete_items(
            actor=self.principal, plan=plan, positions=s.positions(body.validated_data)
        )
        return Response(self.get_serializer(selectors.plan_for(self.principal, plan.pk)).data)

    @extend_schema(
        summary="Approuver le plan (Fournisseur)",
        request=None,
        responses={200: s.RemediationPlanSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        plan = services.approve_plan(actor=self.principal, plan=self.get_object())
        return Response(self.get_serializer(selectors.plan_for(self.principal, plan.pk)).data)

    @extend_schema(
        summary="Rejeter le plan avec un motif : l'opérateur le redépose (Fournisseur)",
        request=s.RejectSerializer,
        responses={200: s.RemediationPlanSerializer},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        body = s.RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.reject_plan(
            actor=self.principal, plan=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(selectors.plan_for(self.principal, plan.pk)).data)
