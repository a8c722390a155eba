"""TMF673 Geographic Address Management v4 shapes, with our documented extension attributes.

Extension attributes (TMF630 extension): the French address keys (``hexacle``,
``hexacleStreet``, ``banId``, ``codeInsee``, ``codeRivoli``), the FTTH structure of each
sub-address (``buildingId`` = IdentifiantImmeuble, PM, PBO, PTO and its occupancy) and
``dataAsOf``: the extraction date of the network data every answer comes from (GEN-03).
"""

from __future__ import annotations

from rest_framework import serializers

from guichet.addresses.tao import LevelType, Occupancy
from guichet.core.api.serializers import TmfFieldsMixin
from guichet.network.choices import BuildingState, PmState, PremisesKind, PtoState

DATA_AS_OF_HELP = (
    "État des données au … (GEN-03) : date d'extraction des données réseau de la réponse ; "
    "information sans garantie de permanence."
)


def _with(cls: type[serializers.Serializer], **fields: serializers.Field) -> None:
    """Declare fields whose names are not Python identifiers (``@type``)."""
    for name, field in fields.items():
        cls._declared_fields[name] = field  # type: ignore[attr-defined]


class GeoJsonPointSerializer(serializers.Serializer):
    type = serializers.CharField(default="Point")
    coordinates = serializers.ListField(
        child=serializers.FloatField(), help_text="[longitude, latitude] WGS84"
    )


class AddressLocationSerializer(serializers.Serializer):
    geoJson = GeoJsonPointSerializer()


_with(AddressLocationSerializer, **{"@type": serializers.CharField(default="GeoJsonPoint")})


class SubAddressRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    href = serializers.CharField()


_with(SubAddressRefSerializer, **{"@type": serializers.CharField()})


class GeographicAddressSerializer(TmfFieldsMixin, serializers.Serializer):
    """TMF673 GeographicAddress. ``id`` is the hexaclé, else the BAN id, else ``adr-<n>``."""

    id = serializers.CharField(
        help_text="Hexaclé de l'adresse ; à défaut son identifiant BAN ; à défaut « adr-<n> »."
    )
    href = serializers.CharField()
    name = serializers.CharField(required=False, help_text="Libellé de l'adresse")
    streetNr = serializers.CharField(required=False)
    streetNrSuffix = serializers.CharField(required=False)
    streetType = serializers.CharField(required=False)
    streetName = serializers.CharField(required=False)
    locality = serializers.CharField(required=False)
    postcode = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    country = serializers.CharField(required=False)
    hexacle = serializers.CharField(required=False, help_text="Hexaclé (CodeAdresseImmeuble)")
    hexacleStreet = serializers.CharField(required=False, help_text="Hexaclé voie")
    banId = serializers.CharField(required=False, help_text="Identifiant BAN")
    codeInsee = serializers.CharField(required=False)
    codeRivoli = serializers.CharField(required=False)
    formerCity = serializers.CharField(required=False, help_text="Commune déléguée")
    geographicLocation = AddressLocationSerializer(required=False)
    geographicSubAddress = SubAddressRefSerializer(
        many=True,
        required=False,
        help_text="Le local que nommait la recherche (référence PTO ou ND), quand il y en a un.",
    )
    matchedBy = serializers.CharField(
        required=False,
        help_text="Clé qui a trouvé l'adresse : pto, nd, building, hexacle, ban, "
        "hexacle_street, rivoli, coordinates, text, id",
    )
    score = serializers.FloatField(required=False, help_text="0 à 1 ; 1 pour une clé exacte")
    distance = serializers.FloatField(required=False, help_text="Mètres (recherche par point)")
    dataAsOf = serializers.DateTimeField(allow_null=True, help_text=DATA_AS_OF_HELP)


_with(GeographicAddressSerializer, **{"@type": serializers.CharField()})


class TaoSubUnitSerializer(serializers.Serializer):
    """TMF673 v5 GeographicSubAddressUnit: ``staircase``, ``door`` or ``pto``."""

    subUnitType = serializers.CharField()
    subUnitNumber = serializers.CharField()


class TaoSubAddressSerializer(TmfFieldsMixin, serializers.Serializer):
    """One premises of the TAO structure as a TMF673 GeographicSubAddress.

    Bâtiment → ``buildingName``, Étage → ``levelType``/``levelNumber``, Escalier, Porte and
    PTO → ``subUnit`` (v5 list; the v4 flat ``subUnitType``/``subUnitNumber`` give the door).
    """

    id = serializers.CharField(help_text="Identifiant du local (la référence PTO est acceptée)")
    href = serializers.CharField()
    subAddressType = serializers.CharField(default="subUnit")
    buildingName = serializers.CharField(required=False, help_text="Bâtiment")
    levelType = serializers.ChoiceField(
        choices=LevelType.choices, required=False, help_text="Étage : type de niveau"
    )
    levelNumber = serializers.CharField(
        required=False, help_text="Étage : numéro (0 au rez-de-chaussée, 1 au 1er sous-sol…)"
    )
    floor = serializers.CharField(required=False, help_text="Étage tel que l'inventaire le porte")
    staircase = serializers.CharField(required=False, help_text="Escalier")
    subUnitType = serializers.CharField(required=False)
    subUnitNumber = serializers.CharField(required=False, help_text="Porte")
    subUnit = TaoSubUnitSerializer(many=True)
    buildingId = serializers.CharField(help_text="IdentifiantImmeuble (IPE)")
    buildingType = serializers.CharField(required=False)
    buildingState = serializers.ChoiceField(choices=BuildingState.choices)
    pmReference = serializers.CharField(required=False)
    pmState = serializers.ChoiceField(choices=PmState.choices, required=False)
    pboReference = serializers.CharField(required=False)
    ptoReference = serializers.CharField(required=False)
    ptoState = serializers.ChoiceField(
        choices=PtoState.choices, help_text="existing : PTO posée ; to_build : à construire"
    )
    occupancy = serializers.ChoiceField(
        choices=Occupancy.choices,
        help_text="free, inUse (par une ligne, sans dire de quel opérateur) ou "
        "inUseByYou (par une ligne de l'appelant, voir lineReference)",
    )
    lineReference = serializers.CharField(
        required=False, help_text="ReferencePrestationPrise, seulement pour votre ligne"
    )
    premisesKind = serializers.ChoiceField(choices=PremisesKind.choices)
    requested = serializers.BooleanField(help_text="Le local que nommait la requête")
    dataAsOf = serializers.DateTimeField(allow_null=True, help_text=DATA_AS_OF_HELP)


_with(TaoSubAddressSerializer, **{"@type": serializers.CharField()})


class SubmittedAddressSerializer(serializers.Serializer):
    """The address to validate: TMF673 fields and/or one of our keys."""

    id = serializers.CharField(required=False, help_text="Identifiant d'adresse (hexaclé…)")
    streetNr = serializers.CharField(required=False, max_length=10)
    streetNrSuffix = serializers.CharField(required=False, max_length=10)
    streetType = serializers.CharField(required=False, max_length=30)
    streetName = serializers.CharField(required=False, max_length=200)
    locality = serializers.CharField(required=False, max_length=200)
    postcode = serializers.CharField(required=False, max_length=10)
    city = serializers.CharField(required=False, max_length=100)
    country = serializers.CharField(required=False, max_length=50)
    hexacle = serializers.CharField(required=False, max_length=20)
    hexacleStreet = serializers.CharField(required=False, max_length=20)
    banId = serializers.CharField(required=False, max_length=50)
    codeInsee = serializers.CharField(required=False, max_length=5)
    codeRivoli = serializers.CharField(required=False, max_length=4)
    buildingId = serializers.CharField(required=False, max_length=30)


class ValidationRequestSerializer(serializers.Serializer):
    """TMF673 GeographicAddressValidation_Create."""

    provideAlternative = serializers.BooleanField()
    submittedGeographicAddress = SubmittedAddressSerializer()


class ValidationSerializer(TmfFieldsMixin, serializers.Serializer):
    """TMF673 GeographicAddressValidation, answered at once (``state`` done) and kept: read it
    again by its ``id`` (``fields=`` keeps first-level attributes)."""

    id = serializers.CharField()
    href = serializers.CharField()
    provideAlternative = serializers.BooleanField()
    validationDate = serializers.DateTimeField()
    validationResult = serializers.ChoiceField(
        choices=["success", "partial", "fail"],
        help_text="success : une adresse ; partial : plusieurs possibles (alternateGeographicAddress) ; "
        "fail : aucune",
    )
    state = serializers.CharField(default="done")
    submittedGeographicAddress = SubmittedAddressSerializer()
    validGeographicAddress = GeographicAddressSerializer(required=False)
    alternateGeographicAddress = GeographicAddressSerializer(many=True, required=False)
    dataAsOf = serializers.DateTimeField(allow_null=True, help_text=DATA_AS_OF_HELP)


_with(ValidationSerializer, **{"@type": serializers.CharField()})


class ErrorSerializer(serializers.Serializer):
    """TMF630 Error; ``code`` is one of our stable codes (catalogue: /api/v1/errors)."""

    code = serializers.CharField()
    reason = serializers.CharField()
    message = serializers.CharField()
    status = serializers.CharField()
    referenceError = serializers.CharField()


_with(ErrorSerializer, **{"@type": serializers.CharField()})
