"""TMF ``RelatedPlaceRefOrValue`` shapes shared by every TMF door (TMF679 ``place``, TMF646
``relatedPlace``): read by :func:`guichet.addresses.api.places.place_query`, written by
:func:`guichet.addresses.api.places.address`. Component names are kept stable (OpenAPI)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from guichet.core.api.serializers import at


def optional_text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


@extend_schema_serializer(component_name="QualificationGeoJsonPoint")
class GeoJsonPointSerializer(serializers.Serializer):
    type = optional_text(default="Point")
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


at(PlaceLocationSerializer, type=optional_text())


class SubUnitSerializer(serializers.Serializer):
    subUnitType = optional_text(help_text="staircase | door")
    subUnitNumber = optional_text()


@extend_schema_serializer(component_name="QualificationSubAddress")
class PlaceSubAddressSerializer(serializers.Serializer):
    """The premises: in a request, its PTO reference (``id`` or ``ptoReference``)."""

    id = optional_text(
        help_text="Requête : référence PTO ; réponse : identifiant du local (TMF673)"
    )
    ptoReference = optional_text(help_text="Référence PTO (OO-XXXX-XXXX)")
    subAddressType = optional_text(read_only=True)
    levelType = optional_text(read_only=True)
    levelNumber = optional_text(read_only=True, help_text="Étage")
    subUnit = SubUnitSerializer(many=True, read_only=True)
    buildingId = optional_text(read_only=True, help_text="IdentifiantImmeuble")


at(PlaceSubAddressSerializer, type=optional_text())


class PlaceSerializer(serializers.Serializer):
    """RelatedPlaceRefOrValue: a TMF673 GeographicAddress by reference or by value, a PTO, a
    building or a line (ND); the keys are those of our TMF673 door (see ``tmf.py``)."""

    role = optional_text(default="installationAddress")
    id = optional_text(
        help_text="Hexaclé ou identifiant BAN ; ND si @type=Line ; PTO si GeographicSubAddress"
    )
    href = optional_text(read_only=True)
    name = optional_text(help_text="Adresse en texte libre (réponse : libellé de l'adresse)")
    streetNr = optional_text()
    streetNrSuffix = optional_text(help_text="B, T, Q… ou bis, ter")
    streetType = optional_text()
    streetName = optional_text()
    locality = optional_text(help_text="Lieu-dit")
    postcode = optional_text()
    city = optional_text()
    country = optional_text(read_only=True)
    hexacle = optional_text()
    hexacleStreet = optional_text(help_text="Hexaclé voie (avec streetNr)")
    banId = optional_text(help_text="Identifiant BAN (cle_interop)")
    codeInsee = optional_text(help_text="Code INSEE (avec codeRivoli et streetNr)")
    codeRivoli = optional_text()
    buildingId = optional_text(help_text="IdentifiantImmeuble (IPE)")
    ptoReference = optional_text(write_only=True, help_text="Référence PTO (OO-XXXX-XXXX)")
    nd = optional_text(write_only=True, help_text="Numéro de désignation de la ligne")
    geographicLocation = PlaceLocationSerializer(required=False)
    geographicSubAddress = PlaceSubAddressSerializer(many=True, required=False)
    score = serializers.FloatField(read_only=True, help_text="Adresse candidate : score 0..1")


at(PlaceSerializer, type=optional_text(), referredType=optional_text())
