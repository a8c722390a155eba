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
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from guichet.core.api.serializers import TmfFieldsMixin
from guichet.eligibility.answers import as_answer
from guichet.eligibility.api import tmf
from guichet.eligibility.choices import Offer, Reason


def at(serializer: type[serializers.Serializer], **names: serializers.Field) -> None:
    """Declare TMF polymorphism attributes (``@type``…), which Python names cannot spell."""
    for name, field in names.items():
        serializer._declared_fields[f"@{name}"] = field


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


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


@extend_schema_serializer(component_name="QualificationGeoJsonPoint")
class GeoJsonPointSerializer(serializers.Serializer):
    type = _text(default="Point")
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[longitude, latitude] WGS84",
    )


class GeometryPointSerializer(serializers.Serializer):
    """TMF v4 ``GeographicLocation.geometry`` point: ``x`` longitude, ``y`` latitude."""

    x = serializers.FloatField(min_value=-180, max_value=180)
    y = serializers.FloatField(min_value=-90, max_value=90)


@extend_schema_serializer(component_name="QualificationPlaceLocation")
class PlaceLocationSerializer(serializers.Serializer):
    """A point: ``geoJson`` (as our TMF673 door answers) or TMF v4 ``geometry``."""

    geoJson = GeoJsonPointSerializer(required=False)
    geometry = GeometryPointSerializer(many=True, required=False, write_only=True)


at(PlaceLocationSerializer, type=_text())


class SubUnitSerializer(serializers.Serializer):
    subUnitType = _text(help_text="staircase | door")
    subUnitNumber = _text()


@extend_schema_serializer(component_name="QualificationSubAddress")
class PlaceSubAddressSerializer(serializers.Serializer):
    """The premises: in a request, its PTO reference (``id`` or ``ptoReference``)."""

    id = _text(help_text="Requête : référence PTO ; réponse : identifiant du local (TMF673)")
    ptoReference = _text(help_text="Référence PTO (OO-XXXX-XXXX)")
    subAddressType = _text(read_only=True)
    levelType = _text(read_only=True)
    levelNumber = _text(read_only=True, help_text="Étage")
    subUnit = SubUnitSerializer(many=True, read_only=True)
    buildingId = _text(read_only=True, help_text="IdentifiantImmeuble")


at(PlaceSubAddressSerializer, type=_text())


class PlaceSerializer(serializers.Serializer):
    """RelatedPlaceRefOrValue: a TMF673 GeographicAddress by reference or by value, a PTO, a
    building or a line (ND); the keys are those of our TMF673 door (see ``tmf.py``)."""

    role = _text(default="installationAddress")
    id = _text(
        help_text="Hexaclé ou identifiant BAN ; ND si @type=Line ; PTO si GeographicSubAddress"
    )
    href = _text(read_only=True)
    name = _text(help_text="Adresse en texte libre (réponse : libellé de l'adresse)")
    streetNr = _text()
    streetNrSuffix = _text(help_text="B, T, Q… ou bis, ter")
    streetType = _text()
    streetName = _text()
    locality = _text(help_text="Lieu-dit")
    postcode = _text()
    city = _text()
    country = _text(read_only=True)
    hexacle = _text()
    hexacleStreet = _text(help_text="Hexaclé voie (avec streetNr)")
    banId = _text(help_text="Identifiant BAN (cle_interop)")
    codeInsee = _text(help_text="Code INSEE (avec codeRivoli et streetNr)")
    codeRivoli = _text()
    buildingId = _text(help_text="IdentifiantImmeuble (IPE)")
    ptoReference = _text(write_only=True, help_text="Référence PTO (OO-XXXX-XXXX)")
    nd = _text(write_only=True, help_text="Numéro de désignation de la ligne")
    geographicLocation = PlaceLocationSerializer(required=False)
    geographicSubAddress = PlaceSubAddressSerializer(many=True, required=False)
    score = serializers.FloatField(read_only=True, help_text="Adresse candidate : score 0..1")


at(PlaceSerializer, type=_text(), referredType=_text())


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
