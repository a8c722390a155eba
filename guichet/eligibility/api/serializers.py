"""TMF679 ProductOfferingQualification v4 shapes (request and resource).

The request is read by :func:`guichet.eligibility.api.tmf.place_query` (the place table
is in that module's docstring); the resource is built by
:func:`guichet.eligibility.api.tmf.poq` from :func:`guichet.eligibility.answers.as_answer`,
so REST says exactly what the other doors say. The declared fields describe both for the
OpenAPI schema; attributes named ``@type``/``@referredType`` are added with :func:`at`.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guichet.addresses.api.place_serializers import PlaceSerializer
from guichet.addresses.api.place_serializers import optional_text as _text
from guichet.core.api.serializers import TmfFieldsMixin, at
from guichet.eligibility.answers import as_answer
from guichet.eligibility.api import tmf
from guichet.eligibility.choices import Offer, Reason


# Wrapped in allOf: the enum stays inline instead of becoming a component named after one
# of the two attributes that carry it.
@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": ["qualified", "unqualified"]}],
        "description": "qualified : éligible ; unqualified : non éligible",
    }
)
class ResultField(serializers.CharField):
    """``qualified`` | ``unqualified``, described inline (one enum, two attribute names)."""


class ProductOfferingRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Code de l'offre : " + ", ".join(Offer.values))
    name = serializers.CharField(read_only=True)


at(ProductOfferingRefSerializer, referredType=_text(read_only=True))


class RequestedItemSerializer(serializers.Serializer):
    """One offer to qualify; its ``id`` (unique within the request) is echoed in the answer."""

    id = _text(
        max_length=100,
        help_text="Identifiant de l'élément, unique dans la demande : renvoyé tel quel dans la "
        "réponse (à défaut, le rang de l'élément à partir de 1)",
    )
    action = _text(default="add")
    productOffering = ProductOfferingRefSerializer()


class CreateProductOfferingQualificationSerializer(serializers.Serializer):
    """ProductOfferingQualification_Create: a place and the offers (all four if no item)."""

    instantSyncQualification = serializers.BooleanField(
        default=True, help_text="Seule la qualification immédiate (true) est proposée."
    )
    description = _text()
    externalId = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Référence de l'opérateur"
    )
    provideUnavailabilityReason = serializers.BooleanField(required=False)
    place = PlaceSerializer(many=True, min_length=1)
    productOfferingQualificationItem = RequestedItemSerializer(many=True, required=False)

    def validate_productOfferingQualificationItem(
        self, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        ids = [item["id"].strip() for item in items if item.get("id", "").strip()]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError(
                "Chaque élément doit avoir un id unique dans la demande."
            )
        return items


class EligibilityUnavailabilityReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Reason.choices)
    label = serializers.CharField()
    availableFrom = serializers.DateField(required=False, help_text="Levée attendue")
    state = serializers.CharField(required=False, help_text="État IPE (notDeployed)")
    scope = serializers.CharField(required=False, help_text="Portée de la règle")


at(EligibilityUnavailabilityReasonSerializer, type=serializers.CharField())


class CharacteristicSerializer(serializers.Serializer):
    name = serializers.CharField()
    valueType = serializers.CharField()
    value = serializers.JSONField()


class ProductSerializer(serializers.Serializer):
    productCharacteristic = CharacteristicSerializer(many=True)


at(ProductSerializer, type=serializers.CharField())


class QualificationItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    action = serializers.CharField()
    state = serializers.CharField()
    productOffering = ProductOfferingRefSerializer()
    qualificationItemResult = ResultField()
    expectedActivationDate = serializers.DateField(
        required=False, help_text="Jour où l'offre devient disponible, s'il est connu"
    )
    eligibilityUnavailabilityReason = EligibilityUnavailabilityReasonSerializer(many=True)
    product = ProductSerializer()


at(QualificationItemSerializer, type=serializers.CharField())


class RelatedPartySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Code opérateur ARCEP")
    role = serializers.CharField()


at(RelatedPartySerializer, referredType=serializers.CharField())


class _Resource(serializers.Serializer):
    """Turns a Qualification into the TMF dict before the mixin filters it."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        href = reverse(
            "eligibility-api:productofferingqualification-detail", args=[str(instance.pk)]
        )
        return tmf.poq(as_answer(instance), href)


class ProductOfferingQualificationSerializer(TmfFieldsMixin, _Resource):
    """A stored qualification as a TMF679 resource (``fields=`` keeps first-level attributes)."""

    id = serializers.CharField()
    href = serializers.CharField()
    state = serializers.ChoiceField(choices=["done"])
    instantSyncQualification = serializers.BooleanField()
    provideUnavailabilityReason = serializers.BooleanField()
    productOfferingQualificationDate = serializers.DateTimeField()
    effectiveQualificationDate = serializers.DateTimeField()
    qualificationResult = ResultField()
    dataAsOf = serializers.DateTimeField(
        allow_null=True, help_text="État des données au … (GEN-03) : date d'extraction"
    )
    externalId = serializers.CharField()
    place = PlaceSerializer(many=True)
    relatedParty = RelatedPartySerializer(many=True, required=False)
    productOfferingQualificationItem = QualificationItemSerializer(many=True)


at(ProductOfferingQualificationSerializer, type=serializers.CharField())
