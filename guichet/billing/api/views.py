"""Billing resources under /api/v1/: prices, invoices (+ PDF), credit notes, liability claims."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from guichet.billing import selectors, services
from guichet.billing.api import serializers as s
from guichet.billing.errors import PDF_UNAVAILABLE
from guichet.billing.money import parse_month
from guichet.core.api.views import ScopedReadOnlyViewSet
from guichet.core.errors import GuichetError
from guichet.operators.selectors import operator_for

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="Document PDF (application/pdf)")


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; errors still answer in JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class PdfActionMixin:
    """A TMF630 error body stays JSON even when the client accepted only PDF."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        if isinstance(getattr(request, "accepted_renderer", None), PdfRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return response


def pdf_response(content: bytes, filename: str, sha256: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-SHA256"] = sha256
    response["Cache-Control"] = "private, no-store"
    return response


@extend_schema_view(
    list=extend_schema(summary="Prix des e-services, en vigueur, passés et programmés (BIL-01)"),
    retrieve=extend_schema(summary="Une ligne de prix"),
)
class PriceViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.PriceSerializer
    selector = staticmethod(selectors.prices_for)
    search_fields = ("service__code", "service__name", "label")
    ordering_fields = ("effective_from", "amount", "kind")
    filterset_fields = ("kind", "effective_from")

    @extend_schema(
        summary="Fixer un premier prix ou programmer un changement avec préavis (CTR-12, Fournisseur)",
        request=s.SchedulePriceSerializer,
        responses={201: s.PriceSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.SchedulePriceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        price = services.schedule_price(
            actor=self.principal,
            service=selectors.service_by_code(data.pop("service")),
            kind=data.pop("price_kind"),
            **data,
        )
        return Response(self.get_serializer(price).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Annuler un prix programmé, pas encore en vigueur (Fournisseur)")
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.cancel_price(actor=self.principal, price=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Factures visibles par l'appelant (l'opérateur : les siennes, émises)",
        parameters=[
            OpenApiParameter("period", OpenApiTypes.DATE, description="Premier jour du mois")
        ],
    ),
    retrieve=extend_schema(
        summary="Une facture et ses lignes", responses=s.InvoiceDetailSerializer
    ),
)
class InvoiceViewSet(PdfActionMixin, ScopedReadOnlyViewSet):
    serializer_class = s.InvoiceSerializer
    selector = staticmethod(selectors.invoices_for)
    search_fields = ("number", "operator__name", "operator__arcep_code", "operator__siren")
    ordering_fields = ("period", "number", "total_ttc", "issued_on")
    filterset_fields = ("status", "period", "operator")

    def get_serializer_class(self) -> type[s.InvoiceSerializer]:
        return s.InvoiceDetailSerializer if self.action == "retrieve" else s.InvoiceSerializer

    def get_object(self) -> Any:
        return selectors.invoice_for(self.principal, int(self.kwargs["pk"]))

    @extend_schema(
        summary="Le PDF émis de la facture, tel qu'il a été conservé", responses={200: PDF}
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        invoice = self.get_object()
        if not invoice.is_issued or not invoice.pdf:
            raise GuichetError(PDF_UNAVAILABLE)
        return pdf_response(bytes(invoice.pdf), f"{invoice.number}.pdf", invoice.pdf_sha256)

    @extend_schema(
        summary="Émettre un brouillon : numéro sans trou, PDF et empreinte (Fournisseur)",
        request=None,
        responses={200: s.InvoiceDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        invoice = services.issue_invoice(actor=self.principal, invoice=self.get_object())
        return Response(s.InvoiceDetailSerializer(invoice, context={"request": request}).data)

    @extend_schema(
        summary="Générer les factures d'un mois échu, et les émettre si demandé (Fournisseur)",
        request=s.GenerateInvoicesSerializer,
        responses={200: s.GenerationSummarySerializer},
    )
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        body = s.GenerateInvoicesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        raw = body.validated_data["month"]
        summary = services.generate_invoices(
            actor=self.principal,
            period=services.check_month(parse_month(raw), raw),
            issue=body.validated_data["issue"],
        )
        data = {
            "month": raw,
            "issued": summary.issued,
            "drafted": summary.drafted,
            "already_issued": summary.already_issued,
            "nothing_owed": summary.nothing_owed,
        }
        return Response(s.GenerationSummarySerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="Avoirs visibles par l'appelant"),
    retrieve=extend_schema(summary="Un avoir"),
)
class CreditNoteViewSet(PdfActionMixin, ScopedReadOnlyViewSet):
    serializer_class = s.CreditNoteSerializer
    selector = staticmethod(selectors.credit_notes_for)
    search_fields = ("number", "invoice__number", "operator__name", "reason")
    ordering_fields = ("issued_on", "number", "total_ttc")
    filterset_fields = ("invoice", "operator")

    @extend_schema(
        summary="Corriger une facture émise par un avoir (Fournisseur)",
        request=s.NewCreditNoteSerializer,
        responses={201: s.CreditNoteSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.NewCreditNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        note = services.issue_credit_note(
            actor=self.principal,
            invoice=selectors.invoice_for(self.principal, data["invoice"]),
            reason=data["reason"],
            amount_ht=data.get("amount_ht"),
        )
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Le PDF émis de l'avoir", responses={200: PDF})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        note = selectors.credit_note_for(self.principal, int(self.kwargs["pk"]))
        return pdf_response(bytes(note.pdf), f"{note.number}.pdf", note.pdf_sha256)


@extend_schema_view(
    list=extend_schema(summary="Réclamations au titre de la responsabilité (CTR-13, article 8)"),
    retrieve=extend_schema(summary="Une réclamation"),
)
class LiabilityClaimViewSet(ScopedReadOnlyViewSet):
    serializer_class = s.LiabilityClaimSerializer
    selector = staticmethod(selectors.claims_for)
    search_fields = ("incident_reference", "description", "operator__name")
    ordering_fields = ("incident_date", "amount_claimed", "amount_retained")
    filterset_fields = ("operator", "liable_party", "incident_reference")

    @extend_schema(
        summary="Enregistrer une réclamation, et son montant retenu plafonné (Fournisseur)",
        request=s.NewClaimSerializer,
        responses={201: s.LiabilityClaimSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.NewClaimSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        claim = services.record_claim(
            actor=self.principal,
            operator=operator_for(self.principal, data.pop("operator")),
            **data,
        )
        return Response(self.get_serializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Arrêter le montant retenu, plafonné à 50 000 € par incident et 150 000 € par an",
        request=s.DecideClaimSerializer,
        responses={200: s.LiabilityClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        body = s.DecideClaimSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = services.decide_claim(
            actor=self.principal,
            claim=self.get_object(),
            amount_retained=body.validated_data["amount_retained"],
        )
        return Response(self.get_serializer(claim).data)

    @extend_schema(
        summary="Ce qui reste sous chaque plafond, par opérateur et partie responsable",
        parameters=[
            OpenApiParameter("year", int, description="Année civile (par défaut l'année en cours)"),
            OpenApiParameter("operator", int, description="Un opérateur (Fournisseur)"),
        ],
        responses={200: s.CeilingSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def ceilings(self, request: Request) -> Response:
        year_param = request.query_params.get("year", "")
        year = int(year_param) if year_param.isdigit() else timezone.localdate().year
        operator_param = request.query_params.get("operator", "")
        operator_id = int(operator_param) if operator_param.isdigit() else None
        rows = selectors.ceilings_for(self.principal, year=year, operator_id=operator_id)
        return Response(s.CeilingSerializer(rows, many=True).data)
