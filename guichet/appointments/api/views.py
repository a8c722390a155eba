"""TMF646 Appointment Management v4 (RDV-01, RDV-02): search free slots, reserve, list, read,
confirm, reschedule and cancel — the same services as the portal and the SOAP door."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guichet.addresses.api.places import place_query
from guichet.appointments import selectors, services
from guichet.appointments.api import serializers as s
from guichet.appointments.api import tmf
from guichet.appointments.choices import RIGHT_READ, AppointmentStatus, InterventionType
from guichet.appointments.errors import TRANSITION_FORBIDDEN
from guichet.appointments.models import Appointment
from guichet.core import errors
from guichet.core.api.permissions import IsAuthenticatedPrincipal, RequireRight
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal

# Without requestedTimeSlot: the first two weeks from the first bookable day.
DEFAULT_SEARCH_DAYS = 14

FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Attributs de premier niveau à renvoyer, séparés par des virgules (TMF630)",
)
LIST_FILTERS = [
    FIELDS,
    OpenApiParameter("status", OpenApiTypes.STR, enum=tmf.TMF_STATES),
    OpenApiParameter("statusDetail", OpenApiTypes.STR, description="held, rescheduled…"),
    OpenApiParameter("category", OpenApiTypes.STR, description="ftth-connection | sav"),
    OpenApiParameter("externalId", OpenApiTypes.STR, description="Référence de l'opérateur"),
    OpenApiParameter(
        "validFor.startDateTime.gte", OpenApiTypes.DATE, description="Début le … ou après"
    ),
    OpenApiParameter(
        "validFor.startDateTime.lte", OpenApiTypes.DATE, description="Début le … ou avant"
    ),
]


class MayCall(BasePermission):
    """Any authenticated, non-suspended principal; the services answer the distinct refusals
    (RDV-001 not subscribed, RDV-002 no FTTH contract, GEN-403-RIGHT) a permission cannot."""

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        if principal is None:
            return False
        if principal.suspended:
            raise GuichetError(errors.ACCESS_SUSPENDED)
        return True


def _principal(request: Request) -> Principal:
    principal = resolve_principal(request)
    assert principal is not None  # the permissions let no anonymous call through
    return principal


def _query(place: dict[str, Any]) -> Any:
    return place_query(place, path="relatedPlace")


def _day(value: str, name: str) -> date | None:
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        moment = parse_datetime(value)
        parsed = moment.date() if moment else None
    if parsed is None:
        raise GuichetError(errors.BAD_REQUEST, detail=f"{name} : date AAAA-MM-JJ attendue")
    return parsed


def _param(params: Any, name: str, allowed: list[str] | None = None) -> str:
    """A filter's value: NUL characters (which no database column holds) and values outside
    ``allowed`` are the caller's mistake (GEN-400), not an empty answer."""
    value = params.get(name, "").strip()
    if "\x00" in value or (value and allowed is not None and value not in allowed):
        known = f" ({', '.join(allowed)})" if allowed else ""
        raise GuichetError(errors.BAD_REQUEST, detail=f"{name} : valeur invalide{known}")
    return value


def _slot_of(data: dict[str, Any]) -> str:
    if "timeSlot" in data:
        return str(data["timeSlot"]["id"])
    period = data["validFor"]
    return tmf.window_id(period["startDateTime"], period["endDateTime"])


class SearchTimeSlotView(APIView):
    """searchTimeSlot: the free windows for a place, answered from the schedule now."""

    permission_classes = [MayCall]

    @extend_schema(
        summary="Chercher les créneaux libres d'un lieu (réponse immédiate, non stockée)",
        description=tmf.__doc__,
        request=s.CreateSearchTimeSlotSerializer,
        responses={200: s.SearchTimeSlotSerializer},
    )
    def post(self, request: Request) -> Response:
        body = s.CreateSearchTimeSlotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        requested = data.get("requestedTimeSlot") or []
        if requested:
            period = requested[0]["validFor"]
            first = tmf.period(period["startDateTime"], period["endDateTime"])
            date_from = first["startDateTime"].date()
            date_to = first["endDateTime"].date()
        else:
            date_from = services.bookable_range()[0]
            date_to = date_from + timedelta(days=DEFAULT_SEARCH_DAYS - 1)
        search = services.search_free_slots(
            actor=_principal(request),
            query=_query(data["relatedPlace"]),
            intervention_type=data["category"],
            date_from=date_from,
            date_to=date_to,
        )
        return Response(s.SearchTimeSlotSerializer(tmf.search_time_slot(search)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Rendez-vous de l'opérateur (par date de début)", parameters=LIST_FILTERS
    ),
    retrieve=extend_schema(summary="Un rendez-vous (par son IdRdv)", parameters=[FIELDS]),
)
class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """appointment: reserve (POST), read (GET), confirm / reschedule / cancel (PATCH)."""

    serializer_class = s.AppointmentSerializer
    lookup_value_regex = "[^/]+"
    filter_backends: list[type] = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self) -> list[BasePermission]:
        if self.action in ("create", "partial_update"):
            return [IsAuthenticatedPrincipal()]
        return [IsAuthenticatedPrincipal(), RequireRight.of(RIGHT_READ)()]

    def get_queryset(self) -> QuerySet[Appointment]:
        if getattr(self, "swagger_fake_view", False):
            return Appointment.objects.none()
        params = self.request.query_params
        queryset = selectors.appointments_for(
            _principal(self.request),
            intervention_type=_param(params, "category", InterventionType.values),
            status=_param(params, "statusDetail", AppointmentStatus.values),
            starts_from=_day(params.get("validFor.startDateTime.gte", ""), "validFor.gte"),
            starts_to=_day(params.get("validFor.startDateTime.lte", ""), "validFor.lte"),
        )
        state = _param(params, "status", tmf.TMF_STATES)
        if state:
            queryset = queryset.filter(status__in=tmf.FROM_TMF.get(state, []))
        external_id = _param(params, "externalId")
        return queryset.filter(external_id=external_id) if external_id else queryset

    def get_object(self) -> Appointment:
        return selectors.appointment_for(_principal(self.request), self.kwargs["pk"])

    @extend_schema(
        summary="Réserver un créneau : un rendez-vous réservé (initialized) à confirmer",
        request=s.CreateAppointmentSerializer,
        responses={201: s.AppointmentSerializer},
    )
    def create(self, request: Request) -> Response:
        body = s.CreateAppointmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        appointment = services.reserve(
            actor=_principal(request),
            query=_query(data["relatedPlace"]),
            intervention_type=data["category"],
            slot_id=_slot_of(data),
            external_id=data.get("externalId", ""),
            comment=data.get("description", ""),
        )
        answer = self.get_serializer(appointment).data
        return Response(
            answer, status=status.HTTP_201_CREATED, headers={"Location": answer["href"]}
        )

    @extend_schema(
        summary="Confirmer (status=confirmed), reporter (validFor) ou annuler (status=cancelled)",
        request=s.UpdateAppointmentSerializer,
        responses={200: s.AppointmentSerializer},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        body = s.UpdateAppointmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = _principal(request)
        appointment = selectors.appointment_for(actor, pk)
        if "validFor" in data or "timeSlot" in data:
            wanted = _slot_of(data)
            if wanted != tmf.appointment_resource(appointment)["timeSlot"]["id"]:
                appointment = services.reschedule(
                    actor=actor, id_rdv=appointment.id_rdv, slot_id=wanted
                )
        target = data.get("status")
        current = tmf.TO_TMF[appointment.status]
        if target == "confirmed" and current == "initialized":
            entities = data.get("relatedEntity") or []
            appointment = services.confirm(
                actor=actor,
                id_rdv=appointment.id_rdv,
                order_reference=entities[0]["id"] if entities else "",
            )
        elif target == "cancelled":
            appointment = services.cancel(
                actor=actor, id_rdv=appointment.id_rdv, reason=data.get("statusChangeReason", "")
            )
        elif target is not None and target != current:
            raise GuichetError(
                TRANSITION_FORBIDDEN,
                field="status",
                id_rdv=appointment.id_rdv,
                status=appointment.get_status_display(),
                action=f"passage à « {target} »",
            )
        return Response(self.get_serializer(appointment).data)
