"""Contracts REST resources under ``/api/v1/``: documents, signatures, wholesale contracts,
order forms and subscriptions. Views parse and answer; services decide."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guichet.core.api.views import ScopedReadOnlyViewSet
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.principal import resolve_principal
from guichet.operators import rendering, selectors
from guichet.operators.api import contract_serializers as s
from guichet.operators.models import EService, Operator
from guichet.operators.selectors import contracts as contract_selectors
from guichet.operators.services import contracts as contract_services
from guichet.operators.services import orders, terminations, wholesale

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="Document PDF (application/pdf)")


class _BinaryRenderer(BaseRenderer):
    """Lets a client send ``Accept: application/pdf`` (or zip); errors still answer in JSON."""

    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class PdfRenderer(_BinaryRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ZipRenderer(_BinaryRenderer):
    media_type = "application/zip"
    format = "zip"


class BinaryErrorsMixin:
    """A TMF630 error body stays JSON even when the client accepted only a PDF or a zip."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        if isinstance(getattr(request, "accepted_renderer", None), _BinaryRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return response


PDF_RENDERERS = [JSONRenderer, PdfRenderer]


def pdf_response(
    content: bytes, filename: str, *, content_type: str = "application/pdf"
) -> HttpResponse:
    """The file as an attachment, with its SHA-256, never cached by a shared proxy."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-SHA256"] = rendering.sha256(content)
    response["Cache-Control"] = "private, no-store"
    return response


def _operator(principal: Any, pk: int | None) -> Operator:
    """The operator an action is for: the caller's own, or the one the Provider names."""
    if pk is None:
        pk = principal.operator_id
    if pk is None:
        raise GuichetError(NOT_FOUND)
    return selectors.operator_for(principal, pk)


def _service(code: str) -> EService:
    return contract_selectors.eservice_by_code(code)


@extend_schema_view(
    list=extend_schema(summary="Documents contractuels et leurs versions (CTR-04)"),
    retrieve=extend_schema(summary="Une version d'un document contractuel"),
)
class ContractDocumentViewSet(BinaryErrorsMixin, ScopedReadOnlyViewSet):
    """Versions of the contract documents (accord-cadre, CG, annexes, Conditions Spécifiques)."""

    serializer_class = s.ContractDocumentSerializer
    selector = staticmethod(contract_selectors.documents_for)
    search_fields = ("title", "version", "service__name")
    ordering_fields = ("kind", "effective_on", "version")
    filterset_fields = ("kind", "substantial")

    @extend_schema(
        summary="Publier une nouvelle version (Fournisseur) — notifiée ou à signer (CTR-09..11)",
        request=s.PublishDocumentSerializer,
        responses={201: s.ContractDocumentSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.PublishDocumentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        code = data.pop("service", "")
        document = contract_services.publish_document(
            actor=self.principal, service=_service(code) if code else None, **data
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Le document rendu pour l'opérateur de l'appelant (aperçu PDF, CTR-15)",
        parameters=[OpenApiParameter("operator", int, description="Fournisseur : l'opérateur")],
        responses={200: PDF},
    )
    @action(detail=True, methods=["get"], renderer_classes=PDF_RENDERERS)
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        document = self.get_object()
        operator_pk = request.query_params.get("operator")
        operator = _operator(
            self.principal, int(operator_pk) if operator_pk and operator_pk.isdigit() else None
        )
        content = contract_services.render_document(
            document, operator, place=operator.head_office_city, on=document.effective_on
        )
        return pdf_response(content, f"{document.kind}-{document.pk}-{operator.arcep_code}.pdf")


@extend_schema_view(
    list=extend_schema(summary="Signatures des documents contractuels (CTR-03)"),
    retrieve=extend_schema(summary="Une signature : signataires, dates, version, empreinte"),
)
class SignatureViewSet(BinaryErrorsMixin, ScopedReadOnlyViewSet):
    """Signatures of document versions by an operator and the Provider."""

    serializer_class = s.SignatureSerializer
    selector = staticmethod(contract_selectors.signatures_for)
    ordering_fields = ("effective_on", "created_at")
    filterset_fields = ("operator", "document")

    @extend_schema(
        summary="Signer une version pour sa Partie (CTR-02, CTR-03, CTR-15)",
        request=s.SignSerializer,
        responses={201: s.SignatureSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        operator = _operator(self.principal, data.pop("operator", None))
        document = contract_selectors.document_for(self.principal, data.pop("document"))
        signature = contract_services.sign_document(
            actor=self.principal, operator=operator, document=document, **data
        )
        return Response(self.get_serializer(signature).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Le PDF signé, tel qu'il a été rendu", responses={200: PDF})
    @action(detail=True, methods=["get"], renderer_classes=PDF_RENDERERS)
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        signature = self.get_object()
        name = f"{signature.document.kind}-{signature.operator.arcep_code}-{signature.pk}.pdf"
        return pdf_response(bytes(signature.pdf), name)


class DocumentsInForceView(APIView):
    """Les versions en vigueur pour un opérateur, par rang (CTR-04)."""

    @extend_schema(
        summary="Versions des documents en vigueur pour l'opérateur (CTR-04, CTR-09)",
        parameters=[OpenApiParameter("operator", int, description="Fournisseur : l'opérateur")],
        responses={200: s.DocumentInForceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        principal = resolve_principal(request)
        pk = request.query_params.get("operator")
        operator = _operator(principal, int(pk) if pk and pk.isdigit() else None)
        rows = contract_selectors.documents_in_force_for(principal, operator)
        return Response(s.DocumentInForceSerializer(rows, many=True).data)


class TerminateContractView(APIView):
    """Résiliation du Contrat (CTR-07)."""

    @extend_schema(
        summary="Résilier le Contrat avec un préavis de 3 mois : tous les e-services (CTR-07)",
        request=s.TerminateContractSerializer,
        responses={201: s.TerminationNoticeSerializer(many=True)},
    )
    def post(self, request: Request) -> Response:
        principal = resolve_principal(request)
        body = s.TerminateContractSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        operator = _operator(principal, body.validated_data.get("operator"))
        notices = terminations.terminate_contract(
            actor=principal, operator=operator, reason=body.validated_data.get("reason", "")
        )
        return Response(
            s.TerminationNoticeSerializer(notices, many=True).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    list=extend_schema(summary="Contrats d'offre de gros détenus (CTR-05)"),
    retrieve=extend_schema(summary="Un contrat d'offre de gros"),
)
class WholesaleContractViewSet(ScopedReadOnlyViewSet):
    """Wholesale offer contracts held by the operators."""

    serializer_class = s.WholesaleContractSerializer
    selector = staticmethod(contract_selectors.wholesale_contracts_for)
    ordering_fields = ("signed_on", "offer")
    filterset_fields = ("operator", "offer")

    @extend_schema(
        summary="Enregistrer un contrat d'offre de gros (Fournisseur)",
        request=s.NewWholesaleContractSerializer,
        responses={201: s.WholesaleContractSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.NewWholesaleContractSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        operator = _operator(self.principal, data.pop("operator"))
        contract = wholesale.register_wholesale_contract(
            actor=self.principal, operator=operator, **data
        )
        return Response(self.get_serializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Enregistrer la fin d'un contrat d'offre de gros (Fournisseur)",
        request=s.EndWholesaleContractSerializer,
        responses={200: s.WholesaleContractSerializer},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        body = s.EndWholesaleContractSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = wholesale.end_wholesale_contract(
            actor=self.principal,
            contract=self.get_object(),
            ended_on=body.validated_data.get("ended_on"),
        )
        return Response(self.get_serializer(contract).data)


@extend_schema_view(
    list=extend_schema(summary="Bons de commande visibles par l'appelant (CTR-05)"),
    retrieve=extend_schema(summary="Un bon de commande"),
)
class OrderFormViewSet(BinaryErrorsMixin, ScopedReadOnlyViewSet):
    """Bons de commande, from the draft to the activated subscription."""

    serializer_class = s.OrderFormSerializer
    selector = staticmethod(contract_selectors.order_forms_for)
    search_fields = ("operator__name", "operator__arcep_code", "service__name")
    ordering_fields = ("created_at", "received_on", "status")
    filterset_fields = ("status", "operator")

    def _answer(self, order_form: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(order_form).data, status=code)

    @extend_schema(
        summary="Remplir un bon de commande (administrateur de l'opérateur)",
        request=s.NewOrderFormSerializer,
        responses={201: s.OrderFormSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.NewOrderFormSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        order_form = orders.create_order_form(
            actor=self.principal,
            service=_service(data["service"]),
            designated_persons=[dict(p) for p in data.get("designated_persons", [])],
            comment=data.get("comment", ""),
        )
        return self._answer(order_form, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accepter électroniquement (personne habilitée) : le PDF et son empreinte sont gardés",
        request=s.SignOrderFormSerializer,
        responses={200: s.OrderFormSerializer},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        body = s.SignOrderFormSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order_form = orders.sign_order_form(
            actor=self.principal, order_form=self.get_object(), **body.validated_data
        )
        return self._answer(order_form)

    @extend_schema(
        summary="Déposer le bon de commande signé scanné (PDF)",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "scan": {"type": "string", "format": "binary"},
                    "signatory_name": {"type": "string"},
                    "signatory_capacity": {"type": "string"},
                    "received_on": {"type": "string", "format": "date"},
                },
                "required": ["scan", "signatory_name", "signatory_capacity"],
            }
        },
        responses={200: s.OrderFormSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def scan(self, request: Request, pk: str | None = None) -> Response:
        upload = request.FILES.get("scan")
        received = request.data.get("received_on") or None
        try:
            received_on = date.fromisoformat(received) if received else None
        except ValueError:
            received_on = None
        order_form = orders.upload_signed_scan(
            actor=self.principal,
            order_form=self.get_object(),
            content=upload.read(orders.MAX_SCAN_BYTES + 1) if upload else b"",
            signatory_name=request.data.get("signatory_name", ""),
            signatory_capacity=request.data.get("signatory_capacity", ""),
            received_on=received_on,
        )
        return self._answer(order_form)

    @extend_schema(
        summary="Abandonner un brouillon", request=None, responses={200: s.OrderFormSerializer}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(
            orders.cancel_order_form(actor=self.principal, order_form=self.get_object())
        )

    @extend_schema(
        summary="Valider (Fournisseur)", request=None, responses={200: s.OrderFormSerializer}
    )
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(
            orders.validate_order_form(actor=self.principal, order_form=self.get_object())
        )

    @extend_schema(
        summary="Refuser (Fournisseur)",
        request=s.RefuseSerializer,
        responses={200: s.OrderFormSerializer},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        body = s.RefuseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order_form = orders.refuse_order_form(
            actor=self.principal, order_form=self.get_object(), reason=body.validated_data["reason"]
        )
        return self._answer(order_form)

    @extend_schema(
        summary="Activer (Fournisseur) : crée la souscription et émet les identifiants (CTR-06)",
        request=s.ActivateSerializer,
        responses={200: s.SubscriptionSerializer},
    )
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        body = s.ActivateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = orders.activate_order_form(
            actor=self.principal,
            order_form=self.get_object(),
            activated_on=body.validated_data.get("activated_on"),
        )
        return Response(s.SubscriptionSerializer(subscription, context={"request": request}).data)

    @extend_schema(summary="Le bon de commande signé (PDF)", responses={200: PDF})
    @action(detail=True, methods=["get"], renderer_classes=PDF_RENDERERS)
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        order_form = self.get_object()
        if not order_form.pdf:
            raise GuichetError(NOT_FOUND)
        return pdf_response(bytes(order_form.pdf), f"{order_form.number}.pdf")


@extend_schema_view(
    list=extend_schema(summary="Souscriptions aux e-services (CTR-06)"),
    retrieve=extend_schema(summary="Une souscription"),
)
class SubscriptionViewSet(BinaryErrorsMixin, ScopedReadOnlyViewSet):
    """Subscriptions to the e-services, their terminations and data archives."""

    serializer_class = s.SubscriptionSerializer
    selector = staticmethod(contract_selectors.subscriptions_for)
    search_fields = ("service__name", "operator__name", "operator__arcep_code")
    ordering_fields = ("activated_on", "ends_on")
    filterset_fields = ("operator", "termination_kind")

    @extend_schema(
        summary="Résilier l'e-service avec le préavis de ses Conditions Spécifiques (CTR-08)",
        request=s.TerminateSerializer,
        responses={200: s.SubscriptionSerializer},
    )
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str | None = None) -> Response:
        body = s.TerminateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = terminations.terminate_subscription(
            actor=self.principal,
            subscription=self.get_object(),
            reason=body.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(notice.subscription).data)

    @extend_schema(
        summary="Résilier sans pénalité après une modification substantielle (CTR-11)",
        request=None,
        responses={200: s.SubscriptionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="terminate-substantial")
    def terminate_substantial(self, request: Request, pk: str | None = None) -> Response:
        notice = terminations.terminate_for_substantial_change(
            actor=self.principal, subscription=self.get_object()
        )
        return Response(self.get_serializer(notice.subscription).data)

    @extend_schema(
        summary="L'archive des données de l'e-service terminé (CTR-14)",
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="Archive zip")},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, ZipRenderer])
    def export(self, request: Request, pk: str | None = None) -> HttpResponse:
        subscription = self.get_object()
        export = (
            contract_selectors.data_exports_for(self.principal)
            .filter(subscription=subscription)
            .first()
        )
        if export is None:
            raise GuichetError(NOT_FOUND)
        export = contract_selectors.data_export_for(self.principal, export.pk)
        content = terminations.archive_of(export)
        name = f"donnees-{subscription.operator.arcep_code}-{subscription.service.code}.zip"
        return pdf_response(content, name, content_type="application/zip")
