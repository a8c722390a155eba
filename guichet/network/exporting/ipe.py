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

Importing this file gives back the same inventory (round trip, tested).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
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
from guichet.network.models import Building

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


def ipe_value(value: Any) -> str:
    """One value as the IPE writes it: yyyyMMdd, O/N, decimal comma, '' for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "O" if value else "N"
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: exact round trip.
        return repr(value).removesuffix(".0").replace(".", ",")
    return str(value)


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


def ipe_lines(buildings: Iterable[Building]) -> Iterator[dict[str, Any]]:
    """The IPE line of each building (``{Interop column: value}``)."""
    pm_l93: dict[int, tuple[float, float]] = {}  # few PMs: converted once each
    own_code = provider_code()
    for building in buildings:
        address, pm, extra = building.address, building.pm, building.extra or {}
        line: dict[str, Any] = {column: extra.get(column) for column in EXTRA_STANDARD_COLUMNS}
        line |= {column: building.manager.get(key) for column, key in MANAGER_KEYS.items()}
        line |= {
            "IdentifiantImmeuble": building.ipe_id,
            "CodeVoieRivoliImmeuble": address.rivoli,
            "CodeInseeImmeuble": address.insee,
            "CodePostalImmeuble": address.postcode,
            "CommuneImmeuble": address.commune_name,
            "CodeAdresseImmeuble": address.hexacle,
            "TypeVoieImmeuble": address.street_type,
            "NomVoieImmeuble": address.street_name,
            "NumeroVoieImmeuble": address.number,
            "ComplementNumeroVoieImmeuble": address.suffix,
            "BatimentImmeuble": building.name,
            "NombreLogementsAdresseIPE": building.premises_count,
            "EtatImmeuble": building.state,
            "DateSignatureConvention": building.convention_signed_on,
            "DateCablageAdresse": building.cabling_on,
            "DateDerniereModification": building.source_modified_on,
            "TypeImmeuble": building.building_type,
            "AccordGestionnaireImmeubleNecessaire": building.manager_consent_needed,
            "TypeZone": address.zone_type,
            "CodeOI": extra.get("CodeOI") or own_code,
        }
        lambert = address.x_l93 is not None and address.y_l93 is not None
        if lambert:
            line |= {
                "TypeProjectionGeographique": "RFG93",
                "CoordonneeImmeubleX": address.x_l93,
                "CoordonneeImmeubleY": address.y_l93,
            }
        elif address.longitude is not None and address.latitude is not None:
            line |= {
                "TypeProjectionGeographique": "WGS84",
                "CoordonneeImmeubleX": address.longitude,
                "CoordonneeImmeubleY": address.latitude,
            }
        if pm is not None:
            line |= {
                "ReferencePM": pm.reference,
                "EtatPM": pm.state,
                "DateInstallationPM": pm.installed_on,
                "TypeEmplacementPM": pm.location_type,
                "CapaciteMaxPM": pm.capacity,
                "CodeInseePM": pm.insee,
                "TypeIngenierie": pm.engineering,
                "NombreLogementsPM": pm.premises_count,
                "DateMiseEnServiceCommercialePM": pm.commercial_opening_on,
                "DatePremiereMADPM": pm.first_provision_on,
            }
            if pm.longitude is not None and pm.latitude is not None:
                if lambert:
                    if pm.pk not in pm_l93:
                        pm_l93[pm.pk] = to_lambert93(pm.longitude, pm.latitude)
                    x, y = pm_l93[pm.pk]
                else:
                    x, y = pm.longitude, pm.latitude
                    line.setdefault("TypeProjectionGeographique", "WGS84")
                line |= {"CoordonneePMX": x, "CoordonneePMY": y}
        yield line


def write_ipe(
    target: str | os.PathLike[str] | IO[Any],
    *,
    operator: Operator | None = None,
    as_of: date | None = None,
) -> int:
    """Write the IPE file (v3.0) of the whole inventory on ``as_of`` (today); the line count.

    Stable signature (export command, back-office, benchmarks). Streams the buildings in
    chunks of 2,000: memory stays flat whatever the inventory size. Every operator gets
    the same lines (non-discrimination); ``operator`` names the recipient for callers that
    log it and is kept for per-operator content should the contract ever bring some.
    """
    day = as_of or timezone.localdate()
    buildings = exportable_buildings(day).iterator(chunk_size=CHUNK_SIZE)
    return write_ipe_rows(target, ipe_lines(buildings))
