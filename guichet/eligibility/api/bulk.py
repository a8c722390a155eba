"""Bulk eligibility jobs under /api/v1/eligibility-jobs (ELI-03): upload, follow, download.

``POST`` (multipart: ``file``, optional ``offers``) answers **202** with the job and its
``Location``; ``GET`` gives its progress (``rowsDone``/``rowsTotal``, ``eta``); ``GET
…/result`` the result CSV once ``succeeded`` (ELI-034 before; ELI-037, 410, once its files
were deleted after ``GUICHET_BULK_RETENTION_DAYS``); ``POST …/cancel`` stops
it. Another operator's job is a 404. Access: as a qualification (subscription, FTTE
contract, right ``eligibilite-ftte:read``).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from guichet.core.api.permissions import IsAuthenticatedPrincipal, RequireRight
from guichet.core.context import Principal
from guichet.core.principal import resolve_principal
from guichet.eligibility.api.views import MayQualify
from guichet.eligibility.bulk import engine, selectors, services
from guichet.eligibility.choices import RIGHT, Offer
from guichet.eligibility.models import BulkJob


class BulkJobSerializer(serializers.ModelSerializer):
    """A bulk job as the doors show it: progress, ETA, the result's digest."""

    sourceName = serializers.CharField(source="source_name")
    rowsTotal = serializers.IntegerField(source="rows_total")
    rowsDone = serializers.IntegerField(source="rows_done")
    errorCount = serializers.IntegerField(source="error_count")
    rowsPerSecond = serializers.FloatField(source="rows_per_second", allow_null=True)
    eta = serializers.SerializerMethodField()
    offers = serializers.SerializerMethodField()
    inputSha256 = serializers.CharField(source="input_sha256")
    resultSha256 = serializers.CharField(source="result_sha256")
    resultUrl = serializers.SerializerMethodField()
    dataAsOf = serializers.DateTimeField(source="data_as_of", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    startedAt = serializers.DateTimeField(source="started_at", allow_null=True)
    finishedAt = serializers.DateTimeField(source="finished_at", allow_null=True)
    requestedBy = serializers.CharField(source="requested_by")
    errorCode = serializers.CharField(source="error_code")
    purgedAt = serializers.DateTimeField(
        source="purged_at",
        allow_null=True,
        help_text="Fichiers supprimés après la durée de conservation : le résultat n'est plus "
        "téléchargeable (ELI-037)",
    )

    class Meta:
        model = BulkJob
        fields = [
            "id",
            "kind",
            "status",
            "sourceName",
            "offers",
            "rowsTotal",
            "rowsDone",
            "errorCount",
            "rowsPerSecond",
            "eta",
            "inputSha256",
            "resultSha256",
            "resultUrl",
            "dataAsOf",
            "createdAt",
            "startedAt",
            "finishedAt",
            "requestedBy",
            "channel",
            "errorCode",
            "message",
            "purgedAt",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_eta(self, job: BulkJob) -> str | None:
        when = engine.eta(job)
        return when.isoformat() if when else None

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_offers(self, job: BulkJob) -> list[str]:
        return list(job.options.get("offers", []))

    @extend_schema_field(OpenApiTypes.STR)
    def get_resultUrl(self, job: BulkJob) -> str | None:
        if job.status != "succeeded" or job.purged_at is not None:
            return None
        return f"/api/v1/eligibility-jobs/{job.pk}/result"


class BulkUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Fichier CSV (; ou ,), UTF-8 ou Windows-1252")
    offers = serializers.ListField(
        child=serializers.ChoiceField(choices=Offer.choices),
        required=False,
        help_text="Offres à qualifier (toutes par défaut)",
    )


@extend_schema_view(
    list=extend_schema(summary="Traitements d'éligibilité en masse de l'opérateur"),
    retrieve=extend_schema(summary="Un traitement : avancement, fin estimée, résultat"),
)
class BulkJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Éligibilité en masse (ELI-03): a CSV in, a CSV out with one line per input line."""

    serializer_class = BulkJobSerializer
    lookup_value_regex = "[^/]+"
    filter_backends: list[type] = []
    parser_classes = [MultiPartParser, FormParser]

    def get_permissions(self) -> list[BasePermission]:
        if self.action == "create":
            return [MayQualify()]
        return [IsAuthenticatedPrincipal(), RequireRight.of(RIGHT)()]

    @property
    def principal(self) -> Principal:
        principal = resolve_principal(self.request)
        assert principal is not None  # the permissions let no anonymous call through
        return principal

    def get_queryset(self) -> QuerySet[BulkJob]:
        if getattr(self, "swagger_fake_view", False):
            return BulkJob.objects.none()
        return selectors.jobs_for(self.principal)

    def get_object(self) -> BulkJob:
        return selectors.job_for(self.principal, self.kwargs["pk"])

    @extend_schema(
        summary="Déposer un fichier à qualifier (traité en arrière-plan)",
        request={"multipart/form-data": BulkUploadSerializer},
        responses={202: BulkJobSerializer},
    )
    def create(self, request: Request) -> Response:
        body = BulkUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        job = services.submit_eligibility_job(
            actor=self.principal,
            upload=upload,
            name=upload.name or "",
            offers=body.validated_data.get("offers"),
        )
        location = f"/api/v1/eligibility-jobs/{job.pk}"
        return Response(
            self.get_serializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )

    @extend_schema(
        summary="Le fichier résultat (CSV, une ligne par ligne déposée, dans l'ordre)",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def result(self, request: Request, pk: str) -> FileResponse:
        job = self.get_object()
        path = selectors.result_file(self.principal, job)
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"eligibilite-{job.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )
        response["Digest"] = f"sha-256={job.result_sha256}"
        return response

    @extend_schema(summary="Annuler un traitement en attente ou en cours", request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        job = services.cancel_job(actor=self.principal, job=self.get_object())
        return Response(self.get_serializer(job).data)
