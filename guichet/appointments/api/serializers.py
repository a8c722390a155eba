"""TMF646 Appointment Management v4 shapes (requests and resources).

Requests are validated here and read by the views; resources are built by
:mod:`guichet.appointments.api.tmf` (the declared fields describe them for the OpenAPI schema;
``@type``/``@referredType`` are added with :func:`at`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from guichet.addresses.api.place_serializers import PlaceSerializer
from guichet.addresses.api.place_serializers import optional_text as _text
from guichet.appointments.api import tmf
from guichet.appointments.choices import AppointmentStatus, InterventionType
from guichet.core.api.serializers import TmfFieldsMixin, at


# Inline enums (allOf) keep drf-spectacular from naming a component after one of the many
# attributes called "status" across the APIs.
@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": tmf.TMF_STATES}],
        "description": "AppointmentStateType : initialized (réservé, à confirmer), confirmed, "
        "cancelled, completed (réalisé), failed (manqué)",
    }
)
class AppointmentStateField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=tmf.TMF_STATES, **kwargs)


@extend_schema_field(
    {"allOf": [{"type": "string", "enum": ["done"]}], "description": "Recherche terminée"}
)
class DoneField(serializers.CharField):
    pass


class TimePeriodSerializer(serializers.Serializer):
    startDateTime = serializers.DateTimeField()
    endDateTime = serializers.DateTimeField()


class TimeSlotRefSerializer(serializers.Serializer):
    """Extension: a slot by its id (``AAAAMMJJThhmm-hhmm``, as ``availableTimeSlot[].id``)."""

    id = serializers.CharField(max_length=40)


@extend_schema_serializer(component_name="AppointmentPlace")
class RelatedPlaceSerializer(PlaceSerializer):
    """RelatedPlaceRefOrValue: the intervention address (role ``interventionAddress``), named
    like TMF679's ``place`` (hexaclé, BAN id, PTO, building id, ND, RIVOLI, coordinates…)."""

    role = _text(default="interventionAddress")


class RequestedTimeSlotSerializer(serializers.Serializer):
    validFor = TimePeriodSerializer(help_text="Jours cherchés : du jour de début au jour de fin")


at(RequestedTimeSlotSerializer, type=_text())


class CreateSearchTimeSlotSerializer(serializers.Serializer):
    """SearchTimeSlot_Create: a place, an intervention type, the days to search."""

    relatedPlace = RelatedPlaceSerializer()
    category = serializers.ChoiceField(
        choices=InterventionType.values,
        default=tmf.DEFAULT_CATEGORY,
        help_text="Type d'intervention (extension) : ftth-connection (raccordement) ou sav",
    )
    requestedTimeSlot = RequestedTimeSlotSerializer(many=True, required=False, max_length=1)


at(CreateSearchTimeSlotSerializer, type=_text())


class AvailableTimeSlotSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Identifiant du créneau à réserver (idCreneau)")
    validFor = TimePeriodSerializer()
    availableCapacity = serializers.IntegerField(help_text="Places encore libres")


at(AvailableTimeSlotSerializer, type=serializers.CharField())


class SearchTimeSlotSerializer(serializers.Serializer):
    """SearchTimeSlot: answered at once (``status`` ``done``), not stored."""

    status = DoneField()
    searchDate = serializers.DateTimeField(help_text="État du planning au …")
    searchResult = serializers.ChoiceField(choices=["success", "fail"])
    category = serializers.CharField()
    relatedPlace = RelatedPlaceSerializer()
    requestedTimeSlot = RequestedTimeSlotSerializer(many=True)
    availableTimeSlot = AvailableTimeSlotSerializer(many=True)


at(SearchTimeSlotSerializer, type=serializers.CharField())


class RelatedEntitySerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100, help_text="Référence de la commande d'accès")
    role = _text(default="accessOrder")


at(RelatedEntitySerializer, referredType=_text())


class CreateAppointmentSerializer(serializers.Serializer):
    """Appointment_Create: reserve a slot of a search (a hold, to confirm before it expires)."""

    relatedPlace = RelatedPlaceSerializer()
    category = serializers.ChoiceField(
        choices=InterventionType.values, default=tmf.DEFAULT_CATEGORY
    )
    validFor = TimePeriodSerializer(required=False, help_text="Le créneau choisi")
    timeSlot = TimeSlotRefSerializer(required=False, help_text="Ou l'id du créneau (extension)")
    externalId = serializers.CharField(required=False, allow_blank=True, max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "validFor" not in attrs and "timeSlot" not in attrs:
            raise serializers.ValidationError({"validFor": "validFor ou timeSlot.id est requis"})
        return attrs


at(CreateAppointmentSerializer, type=_text())


class UpdateAppointmentSerializer(serializers.Serializer):
    """Appointment_Update: ``status`` confirmed/cancelled, or a new ``validFor``/``timeSlot``."""

    status = AppointmentStateField(required=False)
    validFor = TimePeriodSerializer(required=False, help_text="Nouveau créneau : report")
    timeSlot = TimeSlotRefSerializer(required=False, help_text="Ou l'id du nouveau créneau")
    relatedEntity = RelatedEntitySerializer(
        many=True, required=False, help_text="À la confirmation : la commande d'accès"
    )
    statusChangeReason = serializers.CharField(
        required=False, allow_blank=True, max_length=250, help_text="Motif d'annulation"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        moves = "validFor" in attrs or "timeSlot" in attrs
        if not moves and "status" not in attrs:
            raise serializers.ValidationError(
                {"status": "status, validFor ou timeSlot.id est requis"}
            )
        if moves and attrs.get("status") == "cancelled":
            raise serializers.ValidationError({"status": "une annulation ne change pas de créneau"})
        return attrs


class AppointmentRelatedPartySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Code opérateur ARCEP")
    name = serializers.CharField()
    role = serializers.CharField()


at(AppointmentRelatedPartySerializer, referredType=serializers.CharField())


class _Resource(serializers.Serializer):
    def to_representation(self, instance: Any) -> dict[str, Any]:
        return tmf.appointment_resource(instance)


class AppointmentSerializer(TmfFieldsMixin, _Resource):
    """An appointment as a TMF646 resource (``fields=`` keeps first-level attributes)."""

    id = serializers.CharField(help_text="IdRdv")
    href = serializers.CharField()
    category = serializers.ChoiceField(choices=InterventionType.values)
    status = AppointmentStateField()
    statusDetail = serializers.ChoiceField(
        choices=AppointmentStatus.values, help_text="Statut détaillé (held, rescheduled…)"
    )
    creationDate = serializers.DateTimeField()
    lastUpdate = serializers.DateTimeField()
    validFor = TimePeriodSerializer()
    timeSlot = TimeSlotRefSerializer()
    holdExpiryDate = serializers.DateTimeField(
        required=False, help_text="Réservé (initialized) : à confirmer avant cette date"
    )
    externalId = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    statusChangeReason = serializers.CharField(required=False)
    relatedPlace = RelatedPlaceSerializer()
    relatedParty = AppointmentRelatedPartySerializer(many=True)
    relatedEntity = RelatedEntitySerializer(many=True, required=False)


at(AppointmentSerializer, type=serializers.CharField())
