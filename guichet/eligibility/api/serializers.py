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
from rest_framework import serializers

from guichet.core.api.serializers import TmfFieldsMixin
from guichet.eligibility.answers import as_answer
from guichet.eligibility.api import tmf
from guichet.eligibility.choices import Offer, Reason


def at(serializer: type[serializers.Serializer], **names: serializers.Field) -> None:
    """Declare TMF polymorphism attributes (``@type``…), which Python names cannot spell."""
    for name, field in names.items():
        serializer._declared_fields[f"@{name}"] = field


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class GeographicPointSerializer(serializers.Serializer):
    """A WGS84 point: ``x`` longitude, ``y`` latitude."""

    x = serializers.FloatField(min_value=-180, max_value=180)
    y = serializers.FloatField(min_value=-90, max_value=90)


class GeographicLocationSerializer(serializers.Serializer):
    """``{geometryType: point, spatialRef: WGS84, geometry: [{x, y}]}``."""

    geometryType = _text(default="point")
    spatialRef = _text(default="WGS84")
    geometry = GeographicPointSerializer(many=True, min_length=1, max_length=1)


class SubUnitSerializer(serializers.Serializer):
    subUnitType = _text(help_text="staircase | door")
    subUnitNumber = _text()


class GeographicSubAddressSerializer(serializers.Serializer):
    """A premises: ``id`` is its PTO reference (OO-XXXX-XXXX)."""

    id = _text(help_text="Référence PTO du local")
    buildingName = _text(read_only=True, help_text="IdentifiantImmeuble")
    levelType = _text(read_only=True)
    levelNumber = _text(read_only=True, help_text="Étage")
    subUnit = SubUnitSerializer(many=True, read_only=True)


at(GeographicSubAddressSerializer, type=_text())


class PlaceSerializer(serializers.Serializer):
    """RelatedPlaceRefOrValue: a GeographicAddress by reference or value, a PTO, a line (ND)."""

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
    postcode = _text()
    city = _text()
    country = _text(read_only=True)
    code_insee = _text(help_text="Code INSEE (avec code_rivoli)")
    code_rivoli = _text()
    code_hexacle = _text()
    code_hexacle_voie = _text(help_text="Hexaclé voie (avec streetNr)")
    code_ban = _text(help_text="Identifiant BAN (cle_interop)")
    buildingCodeOI = _text(help_text="IdentifiantImmeuble (IPE)")
    geographicLocation = GeographicLocationSerializer(required=False)
    geographicSubAddress = GeographicSubAddressSerializer(many=True, required=False)
    score = serializers.FloatField(read_only=True, help_text="Adresse candidate : score 0..1")


at(PlaceSerializer, type=_text(), referredType=_text())


class ProductOfferingRefSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Code de l'offre : " + ", ".join(Offer.values))
    name = serializers.CharField(read_only=True)


at(ProductOfferingRefSerializer, referredType=_text(read_only=True))


class RequestedItemSerializer(serializers.Serializer):
    """One offer to qualify."""

    id = _text()
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
    qualificationItemResult = serializers.ChoiceField(choices=["qualified", "unqualified"])
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
    qualificationResult = serializers.ChoiceField(choices=["qualified", "unqualified"])
    dataExtractionDate = serializers.DateTimeField(
        allow_null=True, help_text="État des données au (GEN-03)"
    )
    externalId = serializers.CharField()
    place = PlaceSerializer(many=True)
    relatedParty = RelatedPartySerializer(many=True, required=False)
    productOfferingQualificationItem = QualificationItemSerializer(many=True)


at(ProductOfferingQualificationSerializer, type=serializers.CharField())
