"""IPE export: the file every operator receives every two weeks (Interop'Fibre v3.0 columns).

Format: ``;`` separated, UTF-8 without BOM, a header of Interop names in the fixed order of
:data:`~guichet.network.importing.ipe.IPE_V30_COLUMNS` (the 60 v2.0 columns, then the v3.0
additions), dates ``yyyyMMdd``, booleans ``O``/``N``, decimal comma.

Which lines (DOMAIN.md §2.2): one per :class:`Building`, every state, **except the lines
abandoned for more than three months** on the export date: an ``ABANDONNE`` line stays in
the IPE for three months, then drops out. The abandonment date is the line's
``DateDerniereModification`` (``source_modified_on``), or its last change in the inventory
(``updated_at``) when the source gave none.

Values: addresses, buildings and PMs from their fields; ``DateMiseEnServiceCommercialePM``
= first provision + 3 months. Coordinates in Lambert-93 (``RFG93``) when the address has
them, else WGS84; the PM point in the same projection. Standard columns the model has no
field for (PM address, comments, RNB…) come back from ``Building.extra``; other extra
columns are not exported. ``CodeOI`` is the line's own, else the Provider's code.

Lines are sorted by ``IdentifiantImmeuble``: the same inventory on the same day gives the
same bytes. Importing this file gives back the same inventory (round trip, tested).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils import timezone

from guichet.network.choices import BuildingState
from guichet.network.importing.ipe import (
    IPE_V30_COLUMNS,
    MANAGER_KEYS,
    MODELLED_COLUMNS,
    provider_code,
    to_lambert93,
)
from guichet.network.models import COMMERCIAL_NOTICE, Building

if TYPE_CHECKING:  # another domain: its model only names the recipient
    from guichet.operators.models import Operator

# An abandoned line stays in the IPE for this long (DOMAIN.md §2.2).
ABANDONED_KEPT = relativedelta(months=3)
CHUNK_SIZE = 2_000
# v3.0 columns without a model field: written back from Building.extra.
EXTRA_STANDARD_COLUMNS = tuple(
    c for c in IPE_V30_COLUMNS if c not in MODELLED_COLUMNS and c != "CodeOI"
)


def ipe_filename(operator: Operator | str, on: date | None = None) -> str:
    """``<Provider>_<operator ARCEP code>_PM_IPEZMD_V30_<yyyyMMdd>.csv``."""
    code = operator if isinstance(operator, str) else operator.arcep_code
    day = on or timezone.localdate()
    return f"{provider_code()}_{code}_PM_IPEZMD_V30_{day:%Y%m%d}.csv"


@lru_cache(maxsize=4_096)
def _ipe_date(value: date) -> str:
    return value.strftime("%Y%m%d")


def _ipe_float(value: float) -> str:
    # repr() is the shortest text that reads back as the same float: exact round trip.
    return repr(value).removesuffix(".0").replace(".", ",")


_FORMATS: dict[type, Callable[[Any], str]] = {
    str: str,
    int: str,
    bool: lambda value: "O" if value else "N",
    float: _ipe_float,
    date: _ipe_date,
    type(None): lambda value: "",
}


def ipe_value(value: Any) -> str:
    """One value as the IPE writes it: yyyyMMdd, O/N, decimal comma, '' for None."""
    # Dispatch on the exact type: bool before int, date (not datetime) as a day.
    return _FORMATS.get(type(value), str)(value)


class DigestingWriter(io.RawIOBase):
    """A binary sink that keeps the SHA-256 of what goes through it (no second read of the file)."""

    def __init__(self, sink: IO[bytes]) -> None:
        super().__init__()
        self.sink = sink
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        self.sink.write(data)
        self.size += len(data)
        return len(data)


@contextmanager
def _text_stream(target: str | os.PathLike[str] | IO[Any]) -> Iterator[IO[str]]:
    if isinstance(target, str | os.PathLike):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            yield handle
    elif isinstance(target, io.TextIOBase):
        yield target  # type: ignore[misc]
    else:  # a binary stream (HTTP response, SFTP file…)
        wrapper = io.TextIOWrapper(target, encoding="utf-8", newline="")
        try:
            yield wrapper
        finally:
            wrapper.flush()
            wrapper.detach()


def write_ipe_rows(
    target: str | os.PathLike[str] | IO[Any],
    rows: Iterable[Mapping[str, Any]],
    *,
    columns: tuple[str, ...] = IPE_V30_COLUMNS,
) -> int:
    """Write IPE lines given as ``{Interop column: value}`` (generators, benchmarks); the count.

    Values are Python values (date, bool, float, int, str, None) formatted by
    :func:`ipe_value`; missing columns are left empty, unknown keys are ignored.
    """
    count = 0
    with _text_stream(target) as stream:
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([ipe_value(row.get(column)) for column in columns])
            count += 1
    return count


def exportable_buildings(as_of: date) -> QuerySet[Building]:
    """Buildings of the IPE on ``as_of``: all but those abandoned more than 3 months before."""
    cutoff = as_of - ABANDONED_KEPT
    cutoff_at = timezone.make_aware(datetime.combine(cutoff, time.min))
    stale = Q(state=BuildingState.ABANDONED) & (
        Q(source_modified_on__lt=cutoff)
        | Q(source_modified_on__isnull=True, updated_at__lt=cutoff_at)
    )
    return Building.objects.exclude(stale).select_related("address", "pm").order_by("ipe_id")


# What a line needs, read as plain values: no model instances, no timestamps to convert.
BUILDING_VALUES = (
    "ipe_id", "name", "premises_count", "state", "convention_signed_on", "cabling_on",
    "source_modified_on", "building_type", "manager_consent_needed", "manager", "extra", "pm_id",
)  # fmt: skip
ADDRESS_VALUES = (
    "rivoli", "insee", "postcode", "commune_name", "hexacle", "street_type", "street_name",
    "number", "suffix", "zone_type", "x_l93", "y_l93", "longitude", "latitude",
)  # fmt: skip
PM_VALUES = (
    "reference", "state", "installed_on", "location_type", "capacity", "insee", "engineering",
    "premises_count", "first_provision_on", "longitude", "latitude",
)  # fmt: skip
LINE_VALUES = (
    *BUILDING_VALUES,
    *(f"address__{name}" for name in ADDRESS_VALUES),
    *(f"pm__{name}" for name in PM_VALUES),
)


def _pm_columns(row: Mapping[str, Any]) -> dict[str, Any]:
    first_provision = row["pm__first_provision_on"]
    return {
        "ReferencePM": row["pm__reference"],
        "EtatPM": row["pm__state"],
        "DateInstallationPM": row["pm__installed_on"],
        "TypeEmplacementPM": row["pm__location_type"],
        "CapaciteMaxPM": row["pm__capacity"],
        "CodeInseePM": row["pm__insee"],
        "TypeIngenierie": row["pm__engineering"],
        "NombreLogementsPM": row["pm__premises_count"],
        "DatePremiereMADPM": first_provision,
        "DateMiseEnServiceCommercialePM": (
            first_provision + COMMERCIAL_NOTICE if first_provision else None
        ),
    }


def ipe_lines(rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """The IPE line (``{Interop column: value}``) of each ``exportable_buildings().values(*LINE_VALUES)`` row."""
    pms: dict[int, dict[str, Any]] = {}  # PM columns, once per PM (few)
    pm_l93: dict[int, tuple[float, float]] = {}
    own_code = provider_code()
    for row in rows:
        extra, manager = row["extra"] or {}, row["manager"] or {}
        line: dict[str, Any] = {column: extra.get(column) for column in EXTRA_STANDARD_COLUMNS}
        line |= {column: manager.get(key) for column, key in MANAGER_KEYS.items()}
        line |= {
            "IdentifiantImmeuble": row["ipe_id"],
            "CodeVoieRivoliImmeuble": row["address__rivoli"],
            "CodeInseeImmeuble": row["address__insee"],
            "CodePostalImmeuble": row["address__postcode"],
            "CommuneImmeuble": row["address__commune_name"],
            "CodeAdresseImmeuble": row["address__hexacle"],
            "TypeVoieImmeuble": row["address__street_type"],
            "NomVoieImmeuble": row["address__street_name"],
            "NumeroVoieImmeuble": row["address__number"],
            "ComplementNumeroVoieImmeuble": row["address__suffix"],
            "BatimentImmeuble": row["name"],
            "NombreLogementsAdresseIPE": row["premises_count"],
            "EtatImmeuble": row["state"],
            "DateSignatureConvention": row["convention_signed_on"],
            "DateCablageAdresse": row["cabling_on"],
            "DateDerniereModification": row["source_modified_on"],
            "TypeImmeuble": row["building_type"],
            "AccordGestionnaireImmeubleNecessaire": row["manager_consent_needed"],
            "TypeZone": row["address__zone_type"],
            "CodeOI": extra.get("CodeOI") or own_code,
        }
        x, y = row["address__x_l93"], row["address__y_l93"]
        lambert = x is not None and y is not None
        if not lambert:
            x, y = row["address__longitude"], row["address__latitude"]
        if x is not None and y is not None:
            line |= {
                "TypeProjectionGeographique": "RFG93" if lambert else "WGS84",
                "CoordonneeImmeubleX": x,
                "CoordonneeImmeubleY": y,
            }
        pm_id = row["pm_id"]
        if pm_id is None:
            yield line
            continue
        if pm_id not in pms:
            pms[pm_id] = _pm_columns(row)
        line |= pms[pm_id]
        lon, lat = row["pm__longitude"], row["pm__latitude"]
        if lon is not None and lat is not None:
            if lambert:
                if pm_id not in pm_l93:
                    # Millimetres: re-imported and rounded to 1e-7°, they give back lon/lat.
                    x93, y93 = to_lambert93(lon, lat)
                    pm_l93[pm_id] = (round(x93, 3), round(y93, 3))
                lon, lat = pm_l93[pm_id]
            else:
                line.setdefault("TypeProjectionGeographique", "WGS84")
            line |= {"CoordonneePMX": lon, "CoordonneePMY": lat}
        yield line


def write_ipe(
    target: str | os.PathLike[str] | IO[Any],
    *,
    operator: Operator | None = None,
    as_of: date | None = None,
) -> int:
    """Write the IPE file (v3.0) of the whole inventory on ``as_of`` (today); the line count.

    ``target`` is a path, a text stream or a binary stream (HTTP response, SFTP file).
    Stable signature (export command, back-office, benchmarks). Streams the buildings in
    chunks of 2,000: memory stays flat whatever the inventory size. Every operator gets
    the same lines (non-discrimination); ``operator`` names the recipient for callers that
    log it and is kept for per-operator content should the contract ever bring some.
    """
    day = as_of or timezone.localdate()
    rows = exportable_buildings(day).values(*LINE_VALUES).iterator(chunk_size=CHUNK_SIZE)
    return write_ipe_rows(target, ipe_lines(rows))
