"""Optical routes PM → PBO → PTO: from ``t_ropt`` when delivered, else by walking the positions.

``t_ropt`` gives a route's fibres but rarely their order (``rt_fo_ordr`` is often empty and
the demo lists the PTO side first), so the order always comes from the splices: start at the
fibre nothing continues within the route, step to the fibre feeding it (``ps_2`` → ``ps_1``)
until a position in a drawer of the PM (GRACETHD.md §4.3, recipe 3). The route is what lies
between the PM and the PTO; the last PBO met on the way back is its PBO and the fibre entering
that PBO its PBO fibre. Loops and dangling splices end the walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from guichet.network import errors
from guichet.network.choices import FibreState, LineState
from guichet.network.importing.gracethd_common import Cells, Run, Seen
from guichet.network.importing.gracethd_fibres import fibre_ids
from guichet.network.importing.gracethd_store import Tally, batched, upsert
from guichet.network.importing.gracethd_topology import Topology
from guichet.network.models import Fibre, Line, OpticalRoute, Premises, RouteFibre

TABLE = "t_ropt"
MAX_HOPS = 1000


@dataclass(slots=True)
class Walk:
    """The fibres met walking from a route's PTO end towards the PM, in PM → PTO order."""

    fibres: list[str]
    pbo: str = ""
    pbo_fibre: str = ""
    pm: str = ""
    drawer: str = ""
    number: str = ""
    preassigned: str = ""


@dataclass(slots=True)
class RouteSpec:
    """A route to write."""

    code: str
    row: int | None
    fibres: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    walk: Walk | None = None
    premises: str = ""


def walk_back(topo: Topology, end: str) -> Walk:
    """Walk from ``end`` up the splices to the PM (or as far as they go)."""
    chain = [end]
    visited = {end}
    walk = Walk(chain)
    current = end
    while len(chain) < MAX_HOPS:
        feed = topo.feeds.get(current)
        if feed is None:
            break
        walk.preassigned = walk.preassigned or feed.preassigned
        if feed.pm:
            walk.pm, walk.drawer, walk.number = feed.pm, feed.drawer, feed.number
            break
        if feed.pbo and not walk.pbo:
            walk.pbo, walk.pbo_fibre = feed.pbo, feed.fibre_in
        if not feed.fibre_in or feed.fibre_in in visited:
            break
        current = feed.fibre_in
        visited.add(current)
        chain.append(current)
    chain.reverse()
    return walk


def _inside(topo: Topology, fibre: str, members: set[str]) -> int:
    """How many steps back from ``fibre`` stay inside the route's fibres."""
    steps, seen = 0, {fibre}
    while (
        (feed := topo.feeds.get(fibre)) and feed.fibre_in in members and feed.fibre_in not in seen
    ):
        fibre = feed.fibre_in
        seen.add(fibre)
        steps += 1
    return steps


def order_route(topo: Topology, spec: RouteSpec, orders: dict[str, int | None]) -> None:
    """Put a ``t_ropt`` route's fibres in PM → PTO order and find its PBO and PM."""
    members = set(spec.fibres)
    continued = {
        feed.fibre_in for f in members if (feed := topo.feeds.get(f)) and feed.fibre_in in members
    }
    ends = [f for f in spec.fibres if f not in continued] or spec.fibres[:1]
    end = max(ends, key=lambda f: _inside(topo, f, members))
    walk = walk_back(topo, end)
    spec.walk = walk
    if walk.pm or members <= set(walk.fibres):
        spec.fibres = walk.fibres
    elif all(orders.get(f) is not None for f in spec.fibres):
        spec.fibres = sorted(spec.fibres, key=lambda f: orders[f] or 0)
    else:
        # No splice to go by: the delivery convention lists the PTO side first.
        spec.fibres = spec.fibres[::-1]


def routes_from_table(run: Run, topo: Topology) -> list[RouteSpec]:
    """Routes of ``t_ropt``, grouped by ``rt_code`` and ordered."""
    specs: dict[str, RouteSpec] = {}
    orders: dict[str, dict[str, int | None]] = {}
    labels: dict[str, str] = {}
    seen = Seen(run, TABLE, "rt_id")
    for row in run.package.rows(TABLE):
        run.tick()
        cells = Cells(run, TABLE, row)
        code, fibre = cells.code("rt_code"), cells.code("rt_fo_code")
        order = cells.integer("rt_fo_ordr")
        row_id = cells.raw("rt_id")
        if not cells.ok or (row_id and not seen.first(row_id, row.number)):
            continue
        spec = specs.setdefault(code, RouteSpec(code, row.number, []))
        if fibre not in spec.rows:
            spec.fibres.append(fibre)
            spec.rows[fibre] = row.number
            orders.setdefault(code, {})[fibre] = order
        labels.setdefault(code, cells.raw("rt_code_ext"))
    for code, spec in specs.items():
        order_route(topo, spec, orders[code])
        assert spec.walk is not None
        spec.premises = (
            topo.pto_fibres.get(spec.fibres[-1], "")
            or _premises(topo, spec.walk.preassigned)
            or next((t for t in labels[code].split() if t in topo.premises_codes), "")
        )
    return list(specs.values())


def _premises(topo: Topology, code: str) -> str:
    return code if code in topo.premises_codes else ""


def routes_from_positions(topo: Topology) -> list[RouteSpec]:
    """No ``t_ropt``: one route per premises whose PTO (or pre-assigned splice) ends a fibre."""
    ends: dict[str, str] = {}
    for fibre, premises in topo.pto_fibres.items():
        ends.setdefault(premises, fibre)
    for premises, pairs in topo.preassigned_fibres.items():
        fed = {fibre_in for fibre_in, _ in pairs}
        last = next((out for _, out in pairs if out not in fed), "")
        if last and premises in topo.premises_codes:
            ends.setdefault(premises, last)
    specs = []
    for premises in sorted(ends):
        walk = walk_back(topo, ends[premises])
        code = f"RT-{premises}"[:254]
        specs.append(RouteSpec(code, None, walk.fibres, walk=walk, premises=premises))
    return specs


def write_routes(run: Run, topo: Topology, pbo_ids: dict[str, int], pm_ids: dict[str, int]) -> None:
    """Routes and their ordered fibres; a premises belongs to one route."""
    specs = routes_from_table(run, topo) if run.package.has(TABLE) else routes_from_positions(topo)
    claimed: dict[str, int | None] = {}
    tally = Tally()
    for batch in batched(specs):
        fibres = fibre_ids({f for s in batch for f in s.fibres})
        premises = {
            code: (pk, pbo_id, pm_id)
            for code, pk, pbo_id, pm_id in Premises.objects.filter(
                code__in=[s.premises for s in batch if s.premises]
            ).values_list("code", "id", "pbo_id", "pbo__pm_id")
        }
        rows: dict[str, dict[str, Any]] = {}
        hops: dict[str, list[int]] = {}
        for spec in _valid(run, batch, fibres):
            walk = spec.walk or Walk(spec.fibres)
            owner = premises.get(spec.premises)
            if owner and spec.premises in claimed:
                # A premises has one route: the first that reaches it keeps it.
                run.warning(
                    errors.IMPORT_DUPLICATE_ID,
                    TABLE,
                    spec.row,
                    "rt_code_ext",
                    spec.premises,
                    first_row=claimed[spec.premises],
                )
                owner = None
            elif owner:
                claimed[spec.premises] = spec.row
            rows[spec.code] = {
                "premises_id": owner[0] if owner else None,
                "pbo_id": pbo_ids.get(walk.pbo) or (owner[1] if owner else None),
                "pm_id": pm_ids.get(walk.pm or topo.pbo_pm.get(walk.pbo, ""))
                or (owner[2] if owner else None),
                "pbo_fibre_id": fibres.get(walk.pbo_fibre),
                "pm_module": topo.drawers.get(walk.drawer, ("", ""))[1][:50],
                "pm_position": walk.number[:20],
            }
            hops[spec.code] = [fibres[f] for f in spec.fibres]
        owners = [values["premises_id"] for values in rows.values() if values["premises_id"]]
        # The premises now served by these routes leave the routes that had them before.
        OpticalRoute.objects.filter(premises_id__in=owners).exclude(code__in=list(rows)).update(
            premises=None
        )
        ids = upsert(OpticalRoute, "code", rows, tally=tally)
        _sync_hops({ids[code]: fibres for code, fibres in hops.items()})
    run.counts["routes"] = tally.total
    _occupy_fibres_of_live_lines()


def _valid(run: Run, batch: list[RouteSpec], fibres: dict[str, int]) -> Iterator[RouteSpec]:
    for spec in batch:
        unknown = [f for f in spec.fibres if f not in fibres]
        # A walked route's fibres come from positions, whose unknown fibres were reported there.
        for fibre in unknown if spec.row is not None else ():
            run.error(
                errors.IMPORT_UNKNOWN_REFERENCE, TABLE, spec.rows.get(fibre), "rt_fo_code", fibre
            )
        if spec.fibres and not unknown:
            yield spec


def _sync_hops(wanted: dict[int, list[int]]) -> None:
    """Rewrite the fibres of the routes whose fibres changed (same rows when nothing did)."""
    current: dict[int, list[int]] = {route: [] for route in wanted}
    for route, fibre in (
        RouteFibre.objects.filter(route_id__in=list(wanted))
        .order_by("route_id", "order")
        .values_list("route_id", "fibre_id")
    ):
        current[route].append(fibre)
    changed = [route for route, fibres in wanted.items() if current[route] != fibres]
    if not changed:
        return
    RouteFibre.objects.filter(route_id__in=changed).delete()
    RouteFibre.objects.bulk_create(
        [
            RouteFibre(route_id=route, fibre_id=fibre, order=order)
            for route in changed
            for order, fibre in enumerate(wanted[route], start=1)
        ],
        batch_size=1000,
    )


def _occupy_fibres_of_live_lines() -> None:
    """A fibre is in use only when a line runs over it: from the PM (or the PBO fibre) to the PTO."""
    live = Line.objects.exclude(state=LineState.TERMINATED)
    routes = {
        route: (pm_module, pbo_fibre)
        for route, pm_module, pbo_fibre in OpticalRoute.objects.filter(
            Q(lines__in=live) | Q(premises__lines__in=live)
        )
        .distinct()
        .values_list("id", "pm_module", "pbo_fibre_id")
    }
    hops: dict[int, list[int]] = {route: [] for route in routes}
    for chunk in batched(sorted(routes)):
        for route, fibre in (
            RouteFibre.objects.filter(route_id__in=chunk)
            .order_by("route_id", "order")
            .values_list("route_id", "fibre_id")
        ):
            hops[route].append(fibre)
    used: list[int] = []
    for route, fibres in hops.items():
        pm_module, pbo_fibre = routes[route]
        if not pm_module and pbo_fibre in fibres:
            # The walk never reached the PM: the upstream fibres may be shared (transport).
            fibres = fibres[fibres.index(pbo_fibre) :]
        used.extend(fibres)
    now = timezone.now()
    for chunk in batched(used):
        Fibre.objects.filter(id__in=chunk, state=FibreState.AVAILABLE).update(
            state=FibreState.IN_USE, updated_at=now
        )
