"""The network inventory the e-services answer from (NET-01).

Addresses carry every key side by side (hexaclé, BAN id, INSEE + RIVOLI + number,
coordinates). An IPE line is a :class:`Building` (an address may hold several). The
structure inside a building (staircase, floor, door) is carried by each
:class:`Premises`, as GraceTHD does (``lc_bat``/``lc_escal``/``lc_etage``); TAO groups it.
Source identifiers (GraceTHD codes, IPE ids) are stored as opaque strings.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core.models import TimeStampedModel
from guichet.network.choices import (
    BuildingState,
    BuildingType,
    FibreState,
    ImportKind,
    ImportStatus,
    IssueSeverity,
    LineState,
    PmState,
    PremisesKind,
    PtoState,
    ZoneType,
)

PTO_REFERENCE = RegexValidator(
    r"^[A-Z0-9]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}$",
    _("Référence PTO invalide : format ARCEP attendu OO-XXXX-XXXX."),
    code="pto_reference",
)
HEXACLE = RegexValidator(r"^[A-Z0-9]{10}$", _("Un hexaclé a exactement 10 caractères."))
# Commercial opening of a PM: first provision to an operator + 3 months (ARCEP notice).
COMMERCIAL_NOTICE = relativedelta(months=3)


class Commune(models.Model):
    """A commune of the COG, with its former names (``commune déléguée``/``associée``)."""

    insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, db_index=True)
    kind = models.CharField(_("type"), max_length=30, default="commune-actuelle")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("commune de rattachement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="former_communes",
    )
    postcodes = models.JSONField(_("codes postaux"), default=list)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["insee"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.insee})"


class Street(models.Model):
    """A street or lieu-dit of FANTOIR/TOPO: INSEE + RIVOLI code."""

    insee = models.CharField(_("code INSEE"), max_length=5)
    rivoli = models.CharField(_("code RIVOLI"), max_length=4)
    rivoli_key = models.CharField(_("clé RIVOLI"), max_length=1, blank=True)
    name = models.CharField(_("libellé"), max_length=100)
    nature = models.CharField(_("nature de voie"), max_length=4, blank=True)
    kind = models.CharField(_("type"), max_length=1, blank=True)
    cancelled = models.BooleanField(_("annulée"), default=False)

    class Meta:
        ordering = ["insee", "rivoli"]
        verbose_name = _("voie")
        verbose_name_plural = _("voies")
        constraints = [
            models.UniqueConstraint(fields=["insee", "rivoli"], name="street_insee_rivoli")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee}-{self.rivoli})"


class Address(TimeStampedModel):
    """Adresse: one street number, with every key the market uses to name it."""

    hexacle = models.CharField(_("hexaclé"), max_length=10, null=True, blank=True, unique=True)
    hexacle_street = models.CharField(_("hexaclé voie"), max_length=10, blank=True, db_index=True)
    ban_id = models.CharField(
        _("identifiant BAN"), max_length=50, null=True, blank=True, unique=True
    )
    source_code = models.CharField(
        _("code source"),
        max_length=254,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Code de l'adresse dans le fichier d'origine (GraceTHD ad_code…)."),
    )
    insee = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    rivoli = models.CharField(_("code RIVOLI"), max_length=4, blank=True)
    number = models.PositiveIntegerField(_("numéro"), null=True, blank=True)
    suffix = models.CharField(_("complément"), max_length=10, blank=True)
    street_type = models.CharField(_("type de voie"), max_length=30, blank=True)
    street_name = models.CharField(_("nom de voie"), max_length=200)
    locality = models.CharField(_("lieu-dit"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5)
    commune_name = models.CharField(_("commune"), max_length=100)
    former_commune_insee = models.CharField(_("ancienne commune (INSEE)"), max_length=5, blank=True)
    former_commune_name = models.CharField(_("ancienne commune"), max_length=100, blank=True)
    x_l93 = models.FloatField(_("X Lambert-93"), null=True, blank=True)
    y_l93 = models.FloatField(_("Y Lambert-93"), null=True, blank=True)
    longitude = models.FloatField(_("longitude WGS84"), null=True, blank=True)
    latitude = models.FloatField(_("latitude WGS84"), null=True, blank=True)
    zone_type = models.CharField(
        _("type de zone"), max_length=1, choices=ZoneType.choices, blank=True
    )

    class Meta:
        ordering = ["insee", "street_name", "number", "suffix"]
        verbose_name = _("adresse")
        verbose_name_plural = _("adresses")
        indexes = [
            models.Index(
                fields=["insee", "rivoli", "number", "suffix"], name="address_rivoli_number"
            ),
            models.Index(
                fields=["hexacle_street", "number", "suffix"], name="address_hexaclev_number"
            ),
            models.Index(fields=["latitude", "longitude"], name="address_wgs84"),
            models.Index(fields=["postcode"], name="address_postcode"),
        ]

    def __str__(self) -> str:
        number = (
            f"{self.number}{(' ' + self.suffix) if self.suffix else ''} " if self.number else ""
        )
        return f"{number}{self.street_name}, {self.postcode} {self.commune_name}"


class Nro(TimeStampedModel):
    """Nœud de Raccordement Optique."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    reference = models.CharField(_("référence NRO"), max_length=30, blank=True, db_index=True)
    name = models.CharField(_("nom"), max_length=100, blank=True)
    state = models.CharField(
        _("état"), max_length=30, choices=PmState.choices, default=PmState.DEPLOYING
    )
    insee = models.CharField(_("code INSEE"), max_length=5, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("NRO")
        verbose_name_plural = _("NRO")

    def __str__(self) -> str:
        return self.reference or self.code


class Pm(TimeStampedModel):
    """Point de Mutualisation (the PMR when technical PMs are grouped)."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    reference = models.CharField(_("référence PM"), max_length=20, unique=True)
    nro = models.ForeignKey(
        Nro,
        verbose_name=_("NRO"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pms",
    )
    state = models.CharField(
        _("état"), max_length=30, choices=PmState.choices, default=PmState.DEPLOYING
    )
    location_type = models.CharField(_("type d'emplacement"), max_length=30, blank=True)
    installed_on = models.DateField(_("date d'installation"), null=True, blank=True)
    first_provision_on = models.DateField(_("première mise à disposition"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacité maximale"), null=True, blank=True)
    premises_count = models.PositiveIntegerField(_("logements desservis"), null=True, blank=True)
    engineering = models.CharField(_("type d'ingénierie"), max_length=10, blank=True)
    zone_type = models.CharField(
        _("type de zone"), max_length=1, choices=ZoneType.choices, blank=True
    )
    insee = models.CharField(_("code INSEE"), max_length=5, blank=True)
    address_text = models.CharField(_("adresse"), max_length=250, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("PM")
        verbose_name_plural = _("PM")

    def __str__(self) -> str:
        return self.reference

    @property
    def commercial_opening_on(self) -> date | None:
        """DateMiseEnServiceCommercialePM: first provision + 3 months."""
        return self.first_provision_on + COMMERCIAL_NOTICE if self.first_provision_on else None


class Pbo(TimeStampedModel):
    """Point de Branchement Optique (or indoor BPI) serving premises."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    reference = models.CharField(_("référence PBO"), max_length=100, db_index=True)
    pm = models.ForeignKey(
        Pm,
        verbose_name=_("PM"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pbos",
    )
    kind = models.CharField(_("type"), max_length=3, default="PBO")
    nature = models.CharField(_("nature"), max_length=30, blank=True)
    location = models.CharField(_("localisation"), max_length=2048, blank=True)
    capacity = models.PositiveIntegerField(_("capacité"), null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("PBO")
        verbose_name_plural = _("PBO")

    def __str__(self) -> str:
        return self.reference


class Building(TimeStampedModel):
    """Immeuble: one IPE line (an address, or one building of an address)."""

    ipe_id = models.CharField(_("IdentifiantImmeuble"), max_length=30, unique=True)
    address = models.ForeignKey(
        Address, verbose_name=_("adresse"), on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("bâtiment"), max_length=60, blank=True)
    building_type = models.CharField(
        _("type d'immeuble"), max_length=10, choices=BuildingType.choices, blank=True
    )
    state = models.CharField(
        _("état IPE"), max_length=30, choices=BuildingState.choices, default=BuildingState.TARGETED
    )
    pm = models.ForeignKey(
        Pm,
        verbose_name=_("PM"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    premises_count = models.PositiveIntegerField(_("nombre de logements"), default=0)
    cabling_on = models.DateField(_("date de câblage"), null=True, blank=True)
    convention_signed_on = models.DateField(
        _("date de signature de la convention"), null=True, blank=True
    )
    manager_consent_needed = models.BooleanField(
        _("accord du gestionnaire nécessaire"), default=False
    )
    manager = models.JSONField(_("gestionnaire"), default=dict, blank=True)
    frozen_until = models.DateField(_("gel temporaire jusqu'au"), null=True, blank=True)
    source_modified_on = models.DateField(
        _("dernière modification (source)"), null=True, blank=True
    )
    extra = models.JSONField(_("colonnes supplémentaires"), default=dict, blank=True)

    class Meta:
        ordering = ["ipe_id"]
        verbose_name = _("immeuble")
        verbose_name_plural = _("immeubles")
        indexes = [models.Index(fields=["state"], name="building_state")]

    def __str__(self) -> str:
        return self.ipe_id


class Premises(TimeStampedModel):
    """Local / logement: one dwelling or business unit, with its PTO (stable reference)."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    building = models.ForeignKey(
        Building, verbose_name=_("immeuble"), on_delete=models.PROTECT, related_name="premises"
    )
    staircase = models.CharField(_("escalier"), max_length=25, blank=True)
    floor = models.CharField(_("étage"), max_length=25, blank=True)
    door = models.CharField(_("porte"), max_length=25, blank=True)
    kind = models.CharField(
        _("usage"), max_length=1, choices=PremisesKind.choices, default=PremisesKind.RESIDENTIAL
    )
    pbo = models.ForeignKey(
        Pbo,
        verbose_name=_("PBO"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="premises",
    )
    pto_reference = models.CharField(
        _("référence PTO"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
        validators=[PTO_REFERENCE],
    )
    pto_code = models.CharField(_("code PTO (source)"), max_length=254, blank=True)
    pto_state = models.CharField(
        _("état PTO"), max_length=10, choices=PtoState.choices, default=PtoState.TO_BUILD
    )
    connection_state = models.CharField(_("état de raccordement"), max_length=2, blank=True)

    class Meta:
        ordering = ["building", "staircase", "floor", "door"]
        verbose_name = _("local")
        verbose_name_plural = _("locaux")
        indexes = [
            models.Index(fields=["building", "staircase", "floor"], name="premises_structure")
        ]

    def __str__(self) -> str:
        return self.pto_reference or self.code


class Cable(TimeStampedModel):
    """Câble optique."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    label = models.CharField(_("étiquette"), max_length=254, blank=True)
    capacity = models.PositiveIntegerField(_("capacité (fibres)"), null=True, blank=True)
    function = models.CharField(_("fonction"), max_length=2, blank=True)
    fibres_per_tube = models.PositiveIntegerField(_("fibres par tube"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("câble")
        verbose_name_plural = _("câbles")

    def __str__(self) -> str:
        return self.label or self.code


class Fibre(TimeStampedModel):
    """Fibre of a cable; ``pbo`` is the box where it can be assigned to a premises (e-Mutation)."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    cable = models.ForeignKey(
        Cable, verbose_name=_("câble"), on_delete=models.PROTECT, related_name="fibres"
    )
    rank = models.PositiveIntegerField(_("rang dans le câble"), null=True, blank=True)
    tube = models.PositiveIntegerField(_("tube"), null=True, blank=True)
    rank_in_tube = models.PositiveIntegerField(_("rang dans le tube"), null=True, blank=True)
    color = models.CharField(_("couleur"), max_length=20, blank=True)
    state = models.CharField(
        _("état"), max_length=15, choices=FibreState.choices, default=FibreState.AVAILABLE
    )
    dedicated = models.BooleanField(_("fibre dédiée"), default=False)
    pbo = models.ForeignKey(
        Pbo,
        verbose_name=_("PBO"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fibres",
    )

    class Meta:
        ordering = ["cable", "rank"]
        verbose_name = _("fibre")
        verbose_name_plural = _("fibres")
        indexes = [models.Index(fields=["pbo", "state"], name="fibre_pbo_state")]

    def __str__(self) -> str:
        return self.code


class Position(models.Model):
    """Position: a splice or connector joining an incoming fibre to an outgoing one (NRO → PTO)."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    number = models.PositiveIntegerField(_("numéro"), null=True, blank=True)
    fibre_in = models.ForeignKey(
        Fibre, null=True, blank=True, on_delete=models.CASCADE, related_name="positions_out_of"
    )
    fibre_out = models.ForeignKey(
        Fibre, null=True, blank=True, on_delete=models.CASCADE, related_name="positions_into"
    )
    container = models.CharField(_("cassette ou tiroir"), max_length=254, blank=True)
    box_code = models.CharField(_("boîtier"), max_length=254, blank=True)
    function = models.CharField(_("fonction"), max_length=2, blank=True)
    preassigned_to = models.CharField(_("pré-affectation"), max_length=254, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.code


class OpticalRoute(TimeStampedModel):
    """Route optique PTO → PBO → PM, with the PM position and the PBO fibre (CR de commande §3.3)."""

    code = models.CharField(_("code"), max_length=254, unique=True)
    premises = models.OneToOneField(
        Premises,
        verbose_name=_("local"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="route",
    )
    pbo = models.ForeignKey(
        Pbo,
        verbose_name=_("PBO"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routes",
    )
    pm = models.ForeignKey(
        Pm,
        verbose_name=_("PM"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routes",
    )
    pbo_fibre = models.ForeignKey(
        Fibre,
        verbose_name=_("fibre au PBO"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routes",
    )
    pm_module = models.CharField(_("module PM"), max_length=50, blank=True)
    pm_position = models.CharField(_("position module PM"), max_length=20, blank=True)
    connector_number = models.PositiveIntegerField(_("connecteur prise"), null=True, blank=True)
    connector_color = models.CharField(_("couleur connecteur"), max_length=20, blank=True)
    fibres = models.ManyToManyField(Fibre, through="RouteFibre", related_name="in_routes")

    class Meta:
        ordering = ["code"]
        verbose_name = _("route optique")
        verbose_name_plural = _("routes optiques")

    def __str__(self) -> str:
        return self.code


class RouteFibre(models.Model):
    """One fibre of an optical route, in order from the PM to the PTO."""

    route = models.ForeignKey(OpticalRoute, on_delete=models.CASCADE, related_name="hops")
    fibre = models.ForeignKey(Fibre, on_delete=models.PROTECT)
    order = models.PositiveIntegerField(_("ordre"))

    class Meta:
        ordering = ["route", "order"]
        constraints = [models.UniqueConstraint(fields=["route", "order"], name="route_fibre_order")]

    def __str__(self) -> str:
        return f"{self.route_id}#{self.order}"


class Line(TimeStampedModel):
    """Ligne / accès: an access delivered to an operator on a premises."""

    reference = models.CharField(_("ReferencePrestationPrise"), max_length=30, unique=True)
    operator = models.ForeignKey(
        "operators.Operator",
        verbose_name=_("opérateur"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    operator_order_reference = models.CharField(
        _("ReferenceCommandePriseInterneOC"), max_length=30, blank=True, db_index=True
    )
    premises = models.ForeignKey(
        Premises, verbose_name=_("local"), on_delete=models.PROTECT, related_name="lines"
    )
    route = models.ForeignKey(
        OpticalRoute,
        verbose_name=_("route optique"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lines",
    )
    state = models.CharField(
        _("état"), max_length=10, choices=LineState.choices, default=LineState.ORDERED
    )
    nd = models.CharField(
        _("numéro de désignation (ND)"), max_length=20, null=True, blank=True, unique=True
    )
    ordered_on = models.DateField(_("date de commande"), null=True, blank=True)
    activated_on = models.DateField(_("date de mise en service"), null=True, blank=True)
    terminated_on = models.DateField(_("date de résiliation"), null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        indexes = [models.Index(fields=["operator", "state"], name="line_operator_state")]
        constraints = [
            # A premises carries at most one live access at a time.
            models.UniqueConstraint(
                fields=["premises"],
                condition=~models.Q(state="terminated"),
                name="line_one_live_per_premises",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ImportJob(TimeStampedModel):
    """One import (or generation) run: its file, progress, counts and the extraction date it gives."""

    kind = models.CharField(_("type"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    source_name = models.CharField(_("fichier"), max_length=255)
    source_path = models.CharField(_("chemin"), max_length=500, blank=True)
    partial = models.BooleanField(
        _("appliquer les lignes valides"),
        default=False,
        help_text=_("Sinon, une seule ligne en erreur annule tout le fichier."),
    )
    started_by = models.CharField(_("lancé par"), max_length=150, blank=True)
    started_at = models.DateTimeField(_("début"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("lignes à traiter"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    counts = models.JSONField(_("compteurs"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("erreurs"), default=0)
    warning_count = models.PositiveIntegerField(_("avertissements"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source_name} ({self.get_status_display()})"


class ImportIssue(models.Model):
    """A row-level error or warning of an import, for the downloadable report."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    severity = models.CharField(_("gravité"), max_length=7, choices=IssueSeverity.choices)
    table = models.CharField(_("table / fichier"), max_length=100, blank=True)
    row = models.PositiveIntegerField(_("ligne"), null=True, blank=True)
    column = models.CharField(_("colonne"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=20)
    message = models.TextField(_("message"))
    value = models.CharField(_("valeur"), max_length=255, blank=True)

    class Meta:
        ordering = ["job", "id"]
        verbose_name = _("anomalie d'import")
        verbose_name_plural = _("anomalies d'import")

    def __str__(self) -> str:
        return f"{self.code} {self.table}:{self.row}"
