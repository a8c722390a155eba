"""IPE import (Interop'Fibre "Informations Préalables Enrichies", protocole Infrastructure PM).

One line of the file is one :class:`Building` (keyed by ``IdentifiantImmeuble``) on an
:class:`Address` (keyed by the hexaclé ``CodeAdresseImmeuble``, shared by the buildings of
one address) served by a :class:`Pm` (keyed by ``ReferencePM``). Re-importing a file
updates in place: nothing is duplicated and unchanged rows are not written.

``DateMiseEnServiceCommercialePM`` is not read: it is derived (first provision + 3 months).

Column sets (DOMAIN.md §2.1): v2.0 is the 60 columns of a real ``…_IPEZMD_V20_…`` file, in
its order; v3.0 adds the columns seen in recent v3 IPEs. The normative v3.x table is not
public, so any other column is accepted and kept in ``Building.extra``. So are standard
columns the model has no field for (PM address, comments…): the export writes them back.
A column absent from the file leaves its field alone; a present but empty one clears it.

Speed (250,000 lines in under a minute, flat memory): lines are streamed and handled in
batches of :data:`BATCH_SIZE`, with one query per batch to fetch the existing addresses and
buildings, one ``executemany`` INSERT for the new rows and one UPDATE for the changed ones
(:class:`~guichet.network.importing.batches.RowWriter`). PMs are few: loaded once, written with the ORM at the end. An
identifier repeated across batches is told by a bitmap of the ids met
(:class:`~guichet.network.importing.batches.PkMarks`), not by a set of every identifier
of the file. Those batching and writing helpers live in :mod:`.batches` (shared with the
BAN and FANTOIR importers); the coordinate helpers below serve the BAN import too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from pyproj import Transformer

from guichet.network import errors
from guichet.network.choices import BuildingState, BuildingType, PmState, ZoneType
from guichet.network.importing.base import ImportContext
from guichet.network.importing.batches import (
    BATCH_SIZE,
    FLOAT_TOLERANCE,
    PkMarks,
    RowWriter,
    assign,
    batched,
    changes,
    first_rows,
)
from guichet.network.importing.files import count_rows, plain_file, read_csv
from guichet.network.importing.values import (
    NULLS,
    bounded_text,
    cached,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    text,
)
from guichet.network.models import Address, Building, Pm

IPE_V20_COLUMNS: tuple[str, ...] = (
    "IdentifiantImmeuble", "CodeVoieRivoliImmeuble", "CodeInseeImmeuble", "CodePostalImmeuble",
    "CommuneImmeuble", "CodeAdresseImmeuble", "TypeVoieImmeuble", "NomVoieImmeuble",
    "NumeroVoieImmeuble", "ComplementNumeroVoieImmeuble", "BatimentImmeuble",
    "NombreLogementsAdresseIPE", "EtatImmeuble", "DateSignatureConvention",
    "GestionnaireImmeuble", "CodePostalGestionnaire", "CommuneGestionnaire",
    "TypeVoieGestionnaire", "NomVoieGestionnaire", "NumeroVoieGestionnaire",
    "ComplementNumeroVoieGestionnaire", "CodeAdresseGestionnaire", "SiretGestionnaire",
    "DateCablageAdresse", "DateDerniereModification", "ReferencePM", "EtatPM",
    "DateInstallationPM", "TypeEmplacementPM", "CommentairePM", "CapaciteMaxPM",
    "CodeVoieRivoliPM", "CodeInseePM", "CodePostalPM", "CommunePM", "CodeAdressePM",
    "TypeVoiePM", "NomVoiePM", "NumeroVoiePM", "ComplementNumeroVoiePM", "BatimentPM",
    "TypeIngenierie", "FibreDedieeLibre", "NombreLogementsPM", "NombreColonnesMontantesPM",
    "DateMiseEnServiceCommercialePM", "ReferenceConsultationNative", "NombrePMTechniques",
    "TypeImmeuble", "TypeProjectionGeographique", "CoordonneePMX", "CoordonneePMY",
    "CoordonneeImmeubleX", "CoordonneeImmeubleY", "RefRegroupementPM",
    "EmplacementActifDisponible", "QualiteAdressePM", "DatePremiereMADPM",
    "AccordGestionnaireImmeubleNecessaire", "TypeZone",
)  # fmt: skip
IPE_V30_COLUMNS: tuple[str, ...] = (
    *IPE_V20_COLUMNS,
    "VoletPlanFranceTHD", "Code_RNB", "Date_RNB", "CodeOI", "TypePBO", "TypeRaccoPBPTO",
    "TypeMaterielPBO", "HauteurPBO", "RaccordementLong", "Adduction",
)  # fmt: skip
REQUIRED_COLUMNS = (
    "IdentifiantImmeuble", "EtatImmeuble", "CodeAdresseImmeuble", "CodeInseeImmeuble",
    "CodePostalImmeuble", "CommuneImmeuble", "NomVoieImmeuble", "NumeroVoieImmeuble",
    "ReferencePM",
)  # fmt: skip

# Gestionnaire columns → keys of Building.manager (only non-empty values are kept).
MANAGER_KEYS = {
    "GestionnaireImmeuble": "name",
    "SiretGestionnaire": "siret",
    "CodeAdresseGestionnaire": "hexacle",
    "NumeroVoieGestionnaire": "number",
    "ComplementNumeroVoieGestionnaire": "suffix",
    "TypeVoieGestionnaire": "street_type",
    "NomVoieGestionnaire": "street_name",
    "CodePostalGestionnaire": "postcode",
    "CommuneGestionnaire": "commune",
}
PM_ADDRESS_COLUMNS = (
    "NumeroVoiePM", "ComplementNumeroVoiePM", "TypeVoiePM", "NomVoiePM", "BatimentPM",
    "CodePostalPM", "CommunePM",
)  # fmt: skip
COORDINATE_COLUMNS = (
    "TypeProjectionGeographique", "CoordonneeImmeubleX", "CoordonneeImmeubleY",
    "CoordonneePMX", "CoordonneePMY",
)  # fmt: skip
# Spellings of TypeProjectionGeographique → EPSG code ("RFG93" is the schema's own spelling).
PROJECTIONS = {
    "WGS84": 4326, "WGS 84": 4326, "4326": 4326, "EPSG:4326": 4326,
    "RFG93": 2154, "RGF93": 2154, "LAMBERT93": 2154, "LAMBERT 93": 2154, "L93": 2154,
    "2154": 2154, "EPSG:2154": 2154,
    "RGFG95": 2972, "RGR92": 2975, "RGM04": 4471, "RGSPM06": 4467,
}  # fmt: skip
WGS84, LAMBERT93 = 4326, 2154
# Derived WGS84 coordinates are rounded to 1e-7° (1 cm): re-importing our own export then
# gives back the same floats, and smaller differences are not counted as changes
# (batches.FLOAT_TOLERANCE).
DEGREE_DIGITS = 7


def provider_code() -> str:
    """The Provider's Interop'Fibre code (file names, ``CodeOI``)."""
    return getattr(settings, "GUICHET_PROVIDER_CODE", "DSNU")


def _clean(raw: Mapping[str, str], column: str) -> str:
    """:func:`values.text` of one column without its layers: it runs many times per line."""
    value = raw.get(column)
    if not value:
        return ""
    value = value.strip()
    return "" if value in NULLS else value


# ------------------------------------------------------------------------------ value parsing


@lru_cache(maxsize=8_192)
def _date(raw: str) -> date | None:
    if len(raw) == 8 and raw.isdigit():  # yyyyMMdd, the IPE format: no strptime
        try:
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            raise ValueError(f"date non reconnue : {raw!r}") from None
    return parse_date(raw)


def ipe_date(value: str | None) -> date | None:
    """yyyyMMdd (other spellings accepted), None when empty."""
    raw = text(value)
    return _date(raw) if raw else None


def _canonical(value: str) -> str:
    """Upper case, no accents, single spaces: « Déployé » reads as DEPLOYE."""
    stripped = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(stripped.upper().split())


def _choice(choices: type[models.TextChoices], *, blank: bool) -> Callable[[str | None], str]:
    allowed = {str(value) for value in choices.values}

    def convert(value: str | None) -> str:
        raw = _canonical(text(value))
        if raw in allowed or (blank and not raw):
            return raw
        expected = ", ".join(sorted(allowed))
        raise ValueError(f"{raw or 'vide'} : valeur attendue parmi {expected}")

    return convert


def _count(value: str | None) -> int:
    number = parse_int(value)
    if number is not None and number < 0:
        raise ValueError("nombre positif attendu")
    return number or 0


def _positive(value: str | None) -> int | None:
    number = parse_int(value)
    if number is not None and number < 0:
        raise ValueError("nombre positif attendu")
    return number


def _consent(value: str | None) -> bool:
    return bool(parse_bool(value))


def _hexacle(value: str | None) -> str:
    raw = text(value).upper()
    if len(raw) != 10 or not raw.isalnum():
        raise ValueError(f"un hexaclé a exactement 10 caractères alphanumériques : {raw!r}")
    return raw


_NUMBER = re.compile(r"^(\d{1,9})\s*([A-Za-z]{0,10})$")


def street_number(number: str | None, suffix: str | None) -> tuple[int | None, str]:
    """NumeroVoie + ComplementNumeroVoie → (number, suffix); ``12B`` reads as (12, "B")."""
    raw, extra = text(number), text(suffix)
    if len(extra) > 10:
        raise ValueError("complément de numéro : 10 caractères au plus")
    if not raw:
        return None, extra
    match = _NUMBER.match(raw)
    if match is None:
        raise ValueError(f"numéro de voie attendu : {raw!r}")
    return int(match.group(1)), extra or match.group(2).upper()


# Column → (model field, converter). Only the columns present in the file are applied.
ADDRESS_FIELDS: dict[str, tuple[str, Callable[[str | None], Any]]] = {
    "CodeInseeImmeuble": (
        "insee",
        cached(bounded_text(5, pattern=r"^[0-9][0-9AB][0-9]{3}$", required=True)),
    ),
    "CodePostalImmeuble": ("postcode", cached(bounded_text(5, pattern=r"^[0-9]{5}$"))),
    "CommuneImmeuble": ("commune_name", cached(bounded_text(100))),
    "CodeVoieRivoliImmeuble": ("rivoli", cached(bounded_text(4))),
    "TypeVoieImmeuble": ("street_type", cached(bounded_text(30))),
    "NomVoieImmeuble": ("street_name", cached(bounded_text(200))),
    "TypeZone": ("zone_type", cached(_choice(ZoneType, blank=True))),
}
BUILDING_FIELDS: dict[str, tuple[str, Callable[[str | None], Any]]] = {
    "EtatImmeuble": ("state", cached(_choice(BuildingState, blank=False))),
    "TypeImmeuble": ("building_type", cached(_choice(BuildingType, blank=True))),
    "BatimentImmeuble": ("name", cached(bounded_text(60))),
    "NombreLogementsAdresseIPE": ("premises_count", cached(_count)),
    "DateCablageAdresse": ("cabling_on", cached(ipe_date)),
    "DateSignatureConvention": ("convention_signed_on", cached(ipe_date)),
    "AccordGestionnaireImmeubleNecessaire": ("manager_consent_needed", cached(_consent)),
    "DateDerniereModification": ("source_modified_on", cached(ipe_date)),
}
PM_FIELDS: dict[str, tuple[str, Callable[[str | None], Any]]] = {
    "DateInstallationPM": ("installed_on", cached(ipe_date)),
    "DatePremiereMADPM": ("first_provision_on", cached(ipe_date)),
    "TypeEmplacementPM": ("location_type", cached(bounded_text(30))),
    "CapaciteMaxPM": ("capacity", cached(_positive)),
    "TypeIngenierie": ("engineering", cached(bounded_text(10))),
    "NombreLogementsPM": ("premises_count", cached(_positive)),
    "CodeInseePM": ("insee", cached(bounded_text(5))),
}
_pm_state = cached(_choice(PmState, blank=True))
_ipe_id = bounded_text(30, required=True)
_pm_reference = cached(bounded_text(20))
# Columns the model stores elsewhere, or derives (never kept in ``extra``).
MODELLED_COLUMNS = frozenset(
    {*ADDRESS_FIELDS, *BUILDING_FIELDS, *PM_FIELDS, *MANAGER_KEYS, *COORDINATE_COLUMNS}
    | {"IdentifiantImmeuble", "CodeAdresseImmeuble", "NumeroVoieImmeuble"}
    | {"ComplementNumeroVoieImmeuble", "ReferencePM", "EtatPM", "DateMiseEnServiceCommercialePM"}
)


# -------------------------------------------------------------------------------- coordinates


@lru_cache(maxsize=16)
def transformer(source: int, target: int) -> Transformer:
    """A cached pyproj transformer, x/y = east/north (lon/lat) order."""
    return Transformer.from_crs(source, target, always_xy=True)


def to_wgs84(epsg: int, x: float, y: float) -> tuple[float, float]:
    """(longitude, latitude) of a point, rounded to 1e-7°."""
    if epsg == WGS84:
        lon, lat = x, y
    else:
        lon, lat = transformer(epsg, WGS84).transform(x, y)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"coordonnées hors du monde : {x}, {y}")
    if epsg == WGS84:
        return lon, lat
    return round(lon, DEGREE_DIGITS), round(lat, DEGREE_DIGITS)


def to_lambert93(longitude: float, latitude: float) -> tuple[float, float]:
    """Lambert-93 (RGF93, EPSG:2154) x, y of a WGS84 point (used by the export)."""
    return transformer(WGS84, LAMBERT93).transform(longitude, latitude)


projection_name = cached(lambda value: _canonical(text(value)))


def projection(value: str | None, x: float, y: float) -> int:
    """EPSG code of TypeProjectionGeographique; guessed from the values when it is empty."""
    raw = projection_name(value)
    if not raw:
        return WGS84 if abs(x) <= 180 and abs(y) <= 90 else LAMBERT93
    if raw not in PROJECTIONS:
        raise ValueError(f"projection inconnue : {raw}")
    return PROJECTIONS[raw]


def same_point(address: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether the line places ``address`` where it already is, in the line's own projection.

    Then its other coordinates are kept as they are: re-importing our own export (where a
    point travels in one projection only) changes nothing.
    """
    if "longitude" not in values:
        return False
    if values["x_l93"] is not None:
        pairs = (("x_l93", values["x_l93"]), ("y_l93", values["y_l93"]))
    else:
        pairs = (("longitude", values["longitude"]), ("latitude", values["latitude"]))
    return all(
        (current := address[name]) is not None and abs(current - value) <= FLOAT_TOLERANCE[name]
        for name, value in pairs
    )


# ------------------------------------------------------------------------------------ the import


@dataclass(slots=True)
class IpeLine:
    """One valid line, converted: the values to set on its address, building and PM."""

    row: int
    ipe_id: str
    hexacle: str
    pm_reference: str
    address: dict[str, Any]
    building: dict[str, Any]
    pm: dict[str, Any] = field(default_factory=dict)


class IpeImport:
    """The state of one IPE import across its batches."""

    def __init__(self, ctx: ImportContext, table: str, header: list[str]) -> None:
        self.ctx = ctx
        self.table = table
        self.columns = frozenset(header)
        self.extra_columns = [c for c in header if c and c not in MODELLED_COLUMNS]
        # The converters of the columns present in the file, resolved once.
        self.address_spec, self.building_spec, self.pm_spec = (
            [(c, name, convert) for c, (name, convert) in spec.items() if c in self.columns]
            for spec in (ADDRESS_FIELDS, BUILDING_FIELDS, PM_FIELDS)
        )
        self.has_manager = any(c in self.columns for c in MANAGER_KEYS)
        self.has_pm_address = any(c in self.columns for c in PM_ADDRESS_COLUMNS)
        self.counts: Counter[str] = Counter()
        self.pms: dict[str, Pm] = {pm.reference: pm for pm in Pm.objects.all()}
        self.pm_codes = {pm.code for pm in self.pms.values()}
        self.pm_before = {ref: self._pm_snapshot(pm) for ref, pm in self.pms.items()}
        self.buildings_seen = PkMarks()
        # Rows this import creates carry this exact created_at: a later batch can tell them.
        self.stamp = timezone.now()
        self.addresses = RowWriter(Address)
        self.buildings = RowWriter(Building)
        self.late_duplicates: list[tuple[int, str]] = []
        self.own_code = provider_code()
        self.pm_labels: dict[tuple[str, ...], str] = {}  # one per PM address

    # -- parsing -----------------------------------------------------------------------------

    def _invalid(self, row: int, column: str, value: str | None, detail: str) -> None:
        self.ctx.error(
            errors.IMPORT_ROW_INVALID,
            table=self.table,
            row=row,
            column=column,
            value=value or "",
            detail=detail,
        )

    def _fields(
        self,
        row: int,
        raw: dict[str, str],
        spec: list[tuple[str, str, Callable[[str | None], Any]]],
        out: dict[str, Any],
    ) -> bool:
        ok = True
        for column, name, convert in spec:
            try:
                out[name] = convert(raw.get(column))
            except ValueError as exc:
                self._invalid(row, column, raw.get(column), str(exc))
                ok = False
        return ok

    def _point(
        self, row: int, raw: dict[str, str], x_col: str, y_col: str
    ) -> tuple[bool, tuple[float, float, float | None, float | None] | None]:
        """(valid, (longitude, latitude, x_l93, y_l93) or None when the line has no such point)."""
        if x_col not in self.columns or y_col not in self.columns:
            return True, None
        values: list[float | None] = []
        for column in (x_col, y_col):
            try:
                values.append(parse_float(raw.get(column)))
            except ValueError as exc:
                self._invalid(row, column, raw.get(column), str(exc))
                return False, None
        x, y = values
        if x is None and y is None:
            return True, None
        if x is None or y is None:
            self._invalid(row, x_col, raw.get(x_col), "coordonnées X et Y attendues ensemble")
            return False, None
        try:  # an unknown projection was reported once by parse()
            epsg = projection(raw.get("TypeProjectionGeographique"), x, y)
            lon, lat = to_wgs84(epsg, x, y)
        except ValueError as exc:
            self._invalid(row, x_col, raw.get(x_col), str(exc))
            return False, None
        return True, (lon, lat, x, y) if epsg == LAMBERT93 else (lon, lat, None, None)

    def parse(self, row: int, raw: dict[str, str]) -> IpeLine | None:
        """The converted line, or None after reporting each bad value (NET-003)."""
        ok = True
        try:
            ipe_id = _ipe_id(raw.get("IdentifiantImmeuble"))
        except ValueError as exc:
            self._invalid(row, "IdentifiantImmeuble", raw.get("IdentifiantImmeuble"), str(exc))
            ipe_id, ok = "", False
        try:
            hexacle = _hexacle(raw.get("CodeAdresseImmeuble"))
        except ValueError as exc:
            self._invalid(row, "CodeAdresseImmeuble", raw.get("CodeAdresseImmeuble"), str(exc))
            hexacle, ok = "", False
        try:
            pm_reference = _pm_reference(raw.get("ReferencePM"))
        except ValueError as exc:
            self._invalid(row, "ReferencePM", raw.get("ReferencePM"), str(exc))
            pm_reference, ok = "", False
        address: dict[str, Any] = {}
        building: dict[str, Any] = {}
        pm: dict[str, Any] = {}
        ok = self._fields(row, raw, self.address_spec, address) and ok
        ok = self._fields(row, raw, self.building_spec, building) and ok
        try:
            address["number"], address["suffix"] = street_number(
                raw.get("NumeroVoieImmeuble"), raw.get("ComplementNumeroVoieImmeuble")
            )
        except ValueError as exc:
            self._invalid(row, "NumeroVoieImmeuble", raw.get("NumeroVoieImmeuble"), str(exc))
            ok = False
        if pm_reference:
            ok = self._fields(row, raw, self.pm_spec, pm) and ok
            if "EtatPM" in self.columns:
                try:
                    if state := _pm_state(raw.get("EtatPM")):
                        pm["state"] = state
                except ValueError as exc:
                    self._invalid(row, "EtatPM", raw.get("EtatPM"), str(exc))
                    ok = False
            if self.has_pm_address and (label := self._pm_address(raw)):
                pm["address_text"] = label
        column = "TypeProjectionGeographique"
        if (name := projection_name(raw.get(column))) and name not in PROJECTIONS:
            self._invalid(row, column, raw.get(column), f"projection inconnue : {name}")
            return None
        valid, point = self._point(row, raw, "CoordonneeImmeubleX", "CoordonneeImmeubleY")
        if point is not None:
            address.update(zip(("longitude", "latitude", "x_l93", "y_l93"), point, strict=True))
        ok = valid and ok
        if pm_reference:
            valid, point = self._point(row, raw, "CoordonneePMX", "CoordonneePMY")
            if point is not None:
                pm["longitude"], pm["latitude"] = point[0], point[1]
            ok = valid and ok
        if not ok:
            return None
        if self.has_manager:
            building["manager"] = {
                key: value for column, key in MANAGER_KEYS.items() if (value := _clean(raw, column))
            }
        extra = {
            column: value
            for column in self.extra_columns
            if (value := raw.get(column)) and (value := value.strip()) and value not in NULLS
        }
        if extra.get("CodeOI") == self.own_code:  # our own lines: implied, not stored
            del extra["CodeOI"]
        building["extra"] = extra
        return IpeLine(row, ipe_id, hexacle, pm_reference, address, building, pm)

    def _pm_address(self, raw: dict[str, str]) -> str:
        """A readable PM address for the back-office (the columns themselves stay in ``extra``)."""
        key = tuple(raw.get(column) for column in PM_ADDRESS_COLUMNS)
        if (label := self.pm_labels.get(key)) is None:
            number, suffix, kind, street, building, postcode, commune = (
                _clean(raw, column) for column in PM_ADDRESS_COLUMNS
            )
            line = " ".join(filter(None, (number, suffix, kind, street)))
            city = " ".join(filter(None, (postcode, commune)))
            label = ", ".join(filter(None, (line, building, city)))[:250]
            if len(self.pm_labels) < 20_000:  # one per PM in practice; bounded all the same
                self.pm_labels[key] = label
        return label

    # -- writing -----------------------------------------------------------------------------

    @staticmethod
    def _pm_snapshot(pm: Pm) -> tuple[Any, ...]:
        return tuple(getattr(pm, name) for name in PM_TRACKED)

    def _pm(self, line: IpeLine, created: list[Pm]) -> Pm:
        pm = self.pms.get(line.pm_reference)
        if pm is None:
            reference = line.pm_reference
            code = reference if reference not in self.pm_codes else f"IPE-{reference}"
            pm = Pm(code=code, reference=reference)
            self.pms[reference] = pm
            self.pm_codes.add(code)
            created.append(pm)
        assign(pm, line.pm)
        return pm

    def apply(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        """Check, then write one batch of lines."""
        lines: dict[str, IpeLine] = {}
        repeated: list[tuple[int, str]] = []
        for row, raw in chunk:
            line = self.parse(row, raw)
            if line is None:
                self.counts["rejected"] += 1
            elif line.ipe_id in lines:
                repeated.append((row, line.ipe_id))
            else:
                lines[line.ipe_id] = line
        existing = {
            b["ipe_id"]: b
            for b in Building.objects.filter(ipe_id__in=list(lines)).values(*BUILDING_READ)
        }
        for ipe_id, building in existing.items():
            # Met in an earlier batch of this file: created by it, or found by it.
            if building["created_at"] == self.stamp or building["id"] in self.buildings_seen:
                self.late_duplicates.append((lines.pop(ipe_id).row, ipe_id))
                self.counts["rejected"] += 1
            else:
                self.buildings_seen.add(building["id"])
        for row, ipe_id in repeated:
            if ipe_id in lines:
                self._duplicate(row, ipe_id, lines[ipe_id].row)
            else:  # its first line is in an earlier batch too
                self.late_duplicates.append((row, ipe_id))
                self.counts["rejected"] += 1
        if not lines:
            return
        new_pms: list[Pm] = []
        pm_ids = {
            ipe_id: self._pm(ln, new_pms).pk for ipe_id, ln in lines.items() if ln.pm_reference
        }
        if new_pms:
            Pm.objects.bulk_create(new_pms)
            pm_ids |= {
                i: self.pms[ln.pm_reference].pk for i, ln in lines.items() if ln.pm_reference
            }
            self.pm_before |= {pm.reference: self._pm_snapshot(pm) for pm in new_pms}
            self.counts["pms_created"] += len(new_pms)
        address_ids = self._addresses(lines.values())
        created: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        names: set[str] = set()
        for ipe_id, line in lines.items():
            values = line.building
            values["address_id"] = address_ids[line.hexacle]
            values["pm_id"] = pm_ids.get(ipe_id)
            current = existing.get(ipe_id)
            if current is None:
                created.append(values | {"ipe_id": ipe_id})
            elif changed := changes(current, values):
                names.update(changed)
                updated.append(current | values)
        self.buildings.insert(created, self.stamp)
        self.buildings.update(updated, names, self.stamp)
        self.counts["buildings_created"] += len(created)
        self.counts["buildings_updated"] += len(updated)
        self.counts["rows"] += len(lines)

    def _addresses(self, lines: Iterable[IpeLine]) -> dict[str, int]:
        """The address id of every hexaclé, created or updated (the last line of it wins)."""
        wanted: dict[str, dict[str, Any]] = {}
        for line in lines:
            wanted.setdefault(line.hexacle, {}).update(line.address)
        found = {
            a["hexacle"]: a
            for a in Address.objects.filter(hexacle__in=list(wanted)).values(*ADDRESS_READ)
        }
        created: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        names: set[str] = set()
        for hexacle, values in wanted.items():
            current = found.get(hexacle)
            if current is None:
                created.append(values | {"hexacle": hexacle})
                continue
            if same_point(current, values):  # unmoved: keep the other projection as it is
                values = {k: v for k, v in values.items() if k not in POINT_FIELDS}
            if changed := changes(current, values):
                names.update(changed)
                updated.append(current | values)
        self.addresses.insert(created, self.stamp)
        self.addresses.update(updated, names, self.stamp)
        self.counts["addresses_created"] += len(created)
        self.counts["addresses_updated"] += len(updated)
        ids = {hexacle: a["id"] for hexacle, a in found.items()}
        if created:  # executemany gives no ids back: one query for the new ones
            new = Address.objects.filter(hexacle__in=[a["hexacle"] for a in created])
            ids |= dict(new.values_list("hexacle", "id"))
        return ids

    def _duplicate(self, row: int, ipe_id: str, first_row: int) -> None:
        self.counts["rejected"] += 1
        self.ctx.error(
            errors.IMPORT_DUPLICATE_ID,
            table=self.table,
            row=row,
            column="IdentifiantImmeuble",
            value=ipe_id,
            first_row=first_row,
        )

    def finish(self, path: Path) -> dict[str, int]:
        """Write the PMs that changed and report duplicates across batches; the counts."""
        changed = [
            pm for ref, pm in self.pms.items() if self._pm_snapshot(pm) != self.pm_before.get(ref)
        ]
        if changed:
            for pm in changed:
                pm.updated_at = self.stamp
            Pm.objects.bulk_update(changed, [*PM_TRACKED, "updated_at"])
        self.counts["pms_updated"] += len(changed)
        if self.late_duplicates:
            _, rows = read_csv(path, required=())
            wanted = {ipe_id for _, ipe_id in self.late_duplicates}
            first = first_rows(rows, lambda raw: text(raw.get("IdentifiantImmeuble")), wanted)
            for row, ipe_id in self.late_duplicates:
                self.counts["rejected"] -= 1  # counted again by _duplicate
                self._duplicate(row, ipe_id, first.get(ipe_id, 0))
        return {name: self.counts[name] for name in COUNT_NAMES}


POINT_FIELDS = ("longitude", "latitude", "x_l93", "y_l93")
ADDRESS_READ = ("id", "hexacle", *(name for name, _ in ADDRESS_FIELDS.values()), "number", "suffix")
ADDRESS_READ += POINT_FIELDS
BUILDING_READ = ("id", "ipe_id", "created_at", "address_id", "pm_id", "manager", "extra")
BUILDING_READ += tuple(name for name, _ in BUILDING_FIELDS.values())
PM_TRACKED = (
    "state", "location_type", "installed_on", "first_provision_on", "capacity",
    "premises_count", "engineering", "insee", "address_text", "longitude", "latitude",
)  # fmt: skip
COUNT_NAMES = (
    "rows", "rejected", "buildings_created", "buildings_updated", "addresses_created",
    "addresses_updated", "pms_created", "pms_updated",
)  # fmt: skip


def import_ipe(ctx: ImportContext, path: Path) -> dict[str, int]:
    """Import an IPE file (v2.0/v3.0 columns; CSV, .gz or .zip) into addresses, buildings and PMs.

    Stable signature, called by ``services.import_now`` and by the benchmarks: returns
    the counts ``rows`` (lines applied), ``rejected``, ``buildings_created/updated``,
    ``addresses_created/updated`` and ``pms_created/updated``.
    """
    with plain_file(path) as csv_path:
        header, rows = read_csv(csv_path, required=REQUIRED_COLUMNS, table=path.name)
        total = count_rows(csv_path)
        ctx.progress(0, total, force=True)
        state = IpeImport(ctx, path.name, header)
        done = 0
        for chunk in batched(rows, BATCH_SIZE):
            state.apply(chunk)
            done += len(chunk)
            ctx.progress(done, total)
        counts = state.finish(csv_path)
    ctx.progress(done, total, force=True)
    return counts
