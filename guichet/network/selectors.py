"""Every read of the network inventory. The inventory is the Provider's: operators see it only
through the e-services (eligibility, TAO…), which scope what they reveal (e.g. never whose line)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, VALIDATION_FAILED, GuichetError
from guichet.core.memo import Memo
from guichet.core.scoping import scope
from guichet.network.choices import BuildingState, ImportStatus, LineState
from guichet.network.importing.base import live_progress
from guichet.network.models import (
    Address,
    Building,
    Commune,
    ImportIssue,
    ImportJob,
    Line,
    Nro,
    OpticalRoute,
    Pbo,
    Pm,
    Premises,
    RouteFibre,
)

# Import jobs (GEN-03's date), watched in apps.py.
IMPORTS = Memo("network-imports")


def _provider_only(actor: Principal) -> None:
    if not actor.is_provider:
        raise GuichetError(NOT_FOUND)


def inventory_as_of() -> datetime | None:
    """GEN-03: the extraction time of the data the answers come from (last successful load).

    Read on every answer, changed by a load: remembered until an import job changes.
    """
    return IMPORTS.get("as-of", _last_load)


def _last_load() -> datetime | None:
    return (
        ImportJob.objects.filter(status=ImportStatus.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


# --- What the e-services read (eligibility, TAO): the shared inventory, never whose line ---------


def inventory_addresses(actor: Principal) -> QuerySet[Address]:
    """Every address of the inventory: the e-services answer about any of them."""
    return Address.objects.all()


def inventory_buildings(actor: Principal) -> QuerySet[Building]:
    """Buildings with their address and PM (the IPE building level)."""
    return Building.objects.select_related("address", "pm__nro")


def inventory_premises(actor: Principal) -> QuerySet[Premises]:
    """Premises with what an answer about them needs: building, address, PBO, PM, NRO."""
    return Premises.objects.select_related("building__address", "building__pm__nro", "pbo__pm__nro")


@dataclass(frozen=True)
class Occupancy:
    """Whether a premises carries a live line, and whether it is the caller's (never whose)."""

    in_use: bool
    mine: bool
    line_reference: str = ""  # only when ``mine``


def occupancy(actor: Principal, premises_ids: list[int]) -> dict[int, Occupancy]:
    """Live-line state of each premises in ``premises_ids`` as ``actor`` may see it."""
    live = (
        Line.objects.filter(premises_id__in=premises_ids)
        .exclude(state=LineState.TERMINATED)
        .order_by()
    )
    answer: dict[int, Occupancy] = {}
    for premises_id, operator_id, reference in live.values_list(
        "premises_id", "operator_id", "reference"
    ):
        mine = actor.is_provider or operator_id == actor.operator_id
        answer[premises_id] = Occupancy(True, mine, reference if mine else "")
    return answer


def line_by_nd(actor: Principal, nd: str) -> Line | None:
    """The caller's line (any line for the Provider) with this ND, or None."""
    found = lines_for(actor).select_related("premises__building__address", "premises__pbo__pm")
    return next(iter(found.filter(nd=nd).order_by()[:1]), None)  # unique: no ORDER BY


def imports_for(actor: Principal) -> QuerySet[ImportJob]:
    """Import history (Provider staff)."""
    _provider_only(actor)
    return ImportJob.objects.all()


def import_for(actor: Principal, pk: int) -> ImportJob:
    _provider_only(actor)
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None:
        raise GuichetError(NOT_FOUND)
    return job


def premises_for(actor: Principal) -> QuerySet[Premises]:
    """Premises of the inventory with what a page about them needs (Provider staff)."""
    _provider_only(actor)
    return Premises.objects.select_related("building__address", "building__pm", "pbo__pm")


def lines_for(actor: Principal) -> QuerySet[Line]:
    """Lines: all for the Provider, an operator's own otherwise."""
    return scope(Line.objects.select_related("premises", "operator"), actor)


# --- Provider back-office: inventory search, premises, PM, import reports -------------------


class SearchKind(models.TextChoices):
    """What the back-office search box looks for."""

    ADDRESS = "adresse", _("Adresse")
    PTO = "pto", _("Référence PTO")
    PM = "pm", pgettext_lazy("réseau", "PM")
    PBO = "pbo", _("PBO")
    LINE = "ligne", _("Ligne (ReferencePrestationPrise ou ND)")
    HEXACLE = "hexacle", _("Hexaclé")
    BUILDING = "immeuble", _("IdentifiantImmeuble")


# Whitelisted sort keys of the premises list → ORDER BY columns ("-key" reverses them).
PREMISES_SORTS: dict[str, tuple[str, ...]] = {
    "adresse": (
        "building__address__commune_name",
        "building__address__street_name",
        "building__address__number",
        "building__address__suffix",
        "staircase",
        "floor",
        "door",
    ),
    "immeuble": ("building__ipe_id", "staircase", "floor", "door"),
    "structure": ("staircase", "floor", "door"),
    "pto": ("pto_reference",),
    "pbo": ("pbo__reference",),
    "pm": ("building__pm__reference",),
    "etat": ("building__state",),
}
DEFAULT_PREMISES_SORT = "adresse"
# Number suffixes as people type them (bis, ter…) and as files store them (B, T…).
_SUFFIX_WORDS = frozenset({"bis", "ter", "quater", "quinquies", "b", "t", "q", "c"})
_POSTCODE = re.compile(r"^\d{5}$")
PTO_FORMAT = re.compile(r"^[A-Z0-9]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
_NUMBER = re.compile(r"^(\d{1,4})([a-z]*)$", re.IGNORECASE)


def premises_sort(sort: str, query: str = "") -> str:
    """``sort`` if it is a whitelisted key (optionally ``-`` prefixed), else the default one.

    A search is sorted by address by default; the whole inventory by PTO reference, whose
    index gives the first page at once where an address sort would sort every premises.
    """
    if sort.removeprefix("-") in PREMISES_SORTS:
        return sort
    return DEFAULT_PREMISES_SORT if query.strip() else "pto"


def _order_by(sort: str) -> list[str]:
    descending = sort.startswith("-")
    columns = PREMISES_SORTS[sort.removeprefix("-")]
    # The primary key last keeps pages stable when the sorted values tie.
    return [f"-{column}" if descending else column for column in (*columns, "pk")]


def _address_filter(text: str) -> Q:
    """Simple free-text address match: every word must appear somewhere in the address."""
    condition = Q()
    numbered = False
    for word in text.replace(",", " ").split():
        if _POSTCODE.match(word):
            condition &= Q(building__address__postcode=word) | Q(building__address__insee=word)
            continue
        number = None if numbered else _NUMBER.match(word)
        if number:
            # Only the first number is the house number ("8 rue du 8 mai 1945").
            numbered = True
            condition &= Q(building__address__number=int(number.group(1)))
            if number.group(2):
                condition &= Q(building__address__suffix__istartswith=number.group(2)[0])
            continue
        if word.lower() in _SUFFIX_WORDS:
            condition &= Q(building__address__suffix__istartswith=word[0])
            continue
        condition &= (
            Q(building__address__street_name__icontains=word)
            | Q(building__address__street_type__icontains=word)
            | Q(building__address__commune_name__icontains=word)
            | Q(building__address__locality__icontains=word)
            | Q(building__address__former_commune_name__icontains=word)
        )
    return condition


def _variants(text: str) -> set[str]:
    """The text as typed and in capitals: identifiers are stored in capitals, and an exact
    match (unlike ``iexact``, a ``LIKE`` on SQLite) uses the column's index."""
    text = text.strip()
    return {text, text.upper()}


def _search_filter(query: str, kind: str) -> Q:
    """The condition on premises for one search (identifiers are matched exactly)."""
    if kind == SearchKind.ADDRESS:
        return _address_filter(query)
    keys = _variants(query)
    if kind == SearchKind.PTO:
        key = query.strip().upper()
        if PTO_FORMAT.match(key):
            return Q(pto_reference=key)
        # A partial reference: its prefix (no index use, but rare and still bounded).
        return Q(pto_reference__startswith=key) | Q(pto_code__in=keys)
    if kind == SearchKind.PM:
        # Through the premises' own indexed keys (building, PBO): an OR across joined tables
        # would scan every premises.
        pms = Pm.objects.filter(Q(reference__in=keys) | Q(code__in=keys)).values("pk")
        return Q(building_id__in=Building.objects.filter(pm_id__in=pms).values("pk")) | Q(
            pbo_id__in=Pbo.objects.filter(pm_id__in=pms).values("pk")
        )
    if kind == SearchKind.PBO:
        pbos = Pbo.objects.filter(Q(reference__in=keys) | Q(code__in=keys)).values("pk")
        return Q(pbo_id__in=pbos)
    if kind == SearchKind.LINE:
        nd = re.sub(r"[\s.]", "", query)
        lines = Line.objects.filter(
            Q(reference__in=keys) | Q(nd=nd) | Q(operator_order_reference__in=keys)
        )
        # A subquery, not a join: a premises with several matching lines appears once.
        return Q(pk__in=lines.values("premises_id"))
    if kind == SearchKind.HEXACLE:
        addresses = Address.objects.filter(Q(hexacle__in=keys) | Q(hexacle_street__in=keys))
        return Q(building__address_id__in=addresses.values("pk"))
    if kind == SearchKind.BUILDING:
        return Q(building__ipe_id__in=keys)
    raise GuichetError(VALIDATION_FAILED, field="kind", detail=kind)


def search_premises(
    actor: Principal, query: str = "", kind: str = SearchKind.ADDRESS, sort: str = ""
) -> QuerySet[Premises]:
    """Premises matching a back-office search (all of them for an empty query), sorted (Provider staff)."""
    premises = premises_for(actor)
    if query.strip():
        premises = premises.filter(_search_filter(query, kind))
    return premises.order_by(*_order_by(premises_sort(sort, query)))


def pm_of(premises: Premises) -> Pm | None:
    """The PM a premises hangs from: its building's (IPE), else its PBO's."""
    return premises.building.pm or (premises.pbo.pm if premises.pbo else None)


@dataclass(frozen=True)
class PremisesDetail:
    """A premises with everything its back-office page shows, read in a fixed number of queries."""

    premises: Premises
    pm: Pm | None
    nro: Nro | None
    route: OpticalRoute | None
    hops: list[RouteFibre]
    lines: list[Line]


def premises_detail(actor: Principal, pk: int) -> PremisesDetail:
    """One premises with its address, building, PBO, PM, NRO, optical route and lines (Provider staff)."""
    _provider_only(actor)
    premises = (
        Premises.objects.select_related("building__address", "building__pm__nro", "pbo__pm__nro")
        .filter(pk=pk)
        .first()
    )
    if premises is None:
        raise GuichetError(NOT_FOUND)
    route = (
        OpticalRoute.objects.select_related("pm__nro", "pbo", "pbo_fibre__cable")
        .filter(premises=premises)
        .first()
    )
    hops = (
        list(route.hops.select_related("fibre__cable", "fibre__pbo").order_by("order"))
        if route
        else []
    )
    lines = list(premises.lines.select_related("operator", "route").order_by("-ordered_on", "-pk"))
    pm = pm_of(premises) or (route.pm if route is not None else None)
    return PremisesDetail(
        premises=premises,
        pm=pm,
        nro=pm.nro if pm else None,
        route=route,
        hops=hops,
        lines=lines,
    )


def pm_for(actor: Principal, pk: int) -> Pm:
    """One PM with its NRO (Provider staff)."""
    _provider_only(actor)
    pm = Pm.objects.select_related("nro").filter(pk=pk).first()
    if pm is None:
        raise GuichetError(NOT_FOUND)
    return pm


@dataclass(frozen=True)
class StateCount:
    """Buildings and premises of a PM in one IPE state."""

    state: str
    label: str
    buildings: int
    premises: int


def pm_state_counts(actor: Principal, pm: Pm) -> list[StateCount]:
    """Buildings and premises of a PM by IPE state, in the states' life-cycle order."""
    _provider_only(actor)
    buildings = dict(
        Building.objects.filter(pm=pm).values_list("state").annotate(n=Count("pk")).order_by()
    )
    premises = dict(
        Premises.objects.filter(building__pm=pm)
        .values_list("building__state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        StateCount(state, label, buildings.get(state, 0), premises.get(state, 0))
        for state, label in BuildingState.choices
        if buildings.get(state) or premises.get(state)
    ]


def pbos_of_pm(actor: Principal, pm: Pm) -> QuerySet[Pbo]:
    """The PBOs of a PM with their number of premises (``premises_total``)."""
    _provider_only(actor)
    return pm.pbos.annotate(premises_total=Count("premises")).order_by("reference", "pk")


def import_issues_for(actor: Principal, job: ImportJob) -> QuerySet[ImportIssue]:
    """The row-level errors and warnings of an import, in file order (Provider staff)."""
    _provider_only(actor)
    return job.issues.order_by("pk")


def import_progress(actor: Principal, job: ImportJob) -> tuple[int, int | None]:
    """(rows done, rows total) of an import: live from the cache while it runs (Provider staff)."""
    _provider_only(actor)
    return live_progress(job)


# --- What the address search index reads ----------------------------------------------------------


def inventory_communes(actor: Principal) -> QuerySet[Commune]:
    """Every commune of the COG the inventory knows, former ones (``déléguée``…) included."""
    return Commune.objects.all()


def addresses_changed_since(actor: Principal, since: datetime) -> QuerySet[Address]:
    """Addresses written (created or changed) at or after ``since``."""
    return Address.objects.filter(updated_at__gte=since)
