"""The shape of the network, read before anything is written: sites, rooms, boxes, zones, splices.

Holds only what resolving premises → PBO → PM → NRO and walking fibres needs (GRACETHD.md §4.3):
node points, technical points, sites and their rooms, bays and drawers, cassettes, PBO boxes,
PTOs by premises, the three zone layers (with a point index) and, per fibre, the position that
feeds it. v2 (``t_sitetech``/``t_ltech``/``t_suf``) and v3 (``t_site``/``t_local``) are
mapped onto the same structures here, so later stages do not care which version came in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from guichet.network.importing.gracethd_geo import ZoneIndex
from guichet.network.importing.gracethd_tables import Row

PBO_KINDS = frozenset({"PBO", "BPI"})
PM_SITE_KINDS = frozenset({"SRO", "SROL", "SROS"})
# v3 locals that are network rooms, not premises (l_local_type_log).
ROOM_LOCAL_KINDS = frozenset({"TEC", "NRO", "SRO", "NRA", "NRAMED"})
PT_KINDS = {"A": "Appui", "C": "Chambre", "F": "Façade", "I": "Immeuble", "Z": "Point technique"}

Point = tuple[float, float]


@dataclass(slots=True)
class Site:
    """A site (v2 ``t_sitetech``, v3 ``t_site``)."""

    code: str
    node: str
    kind: str
    name: str
    external: str
    address: str


@dataclass(slots=True)
class Room:
    """A room of a site (v2 ``t_ltech``, v3 ``t_local`` of a network type)."""

    code: str
    site: str
    kind: str
    label: str


@dataclass(slots=True)
class Box:
    """A PBO (or BPI) of ``t_ebp``, validated."""

    code: str
    row: int
    reference: str
    kind: str
    nature: str
    ptech: str
    room: str


@dataclass(slots=True)
class Pto:
    """The PTO of a premises: its ``t_ebp`` code, line code and row."""

    code: str
    line_code: str
    row: int


@dataclass(slots=True)
class ZoneRow:
    """A row of ``t_zpbo``/``t_zsro``/``t_znro`` and the links it carries."""

    row: Row
    code: str
    node: str
    parent: str
    box: str = ""
    room: str = ""


@dataclass(slots=True)
class Feed:
    """The position whose outgoing fibre (``ps_2``) is a given fibre."""

    fibre_in: str
    position: str
    pbo: str
    pm: str
    drawer: str
    number: str
    preassigned: str


@dataclass
class Topology:
    """Everything the later stages look up, by GraceTHD code."""

    version: int
    nodes: dict[str, Point] = field(default_factory=dict)
    ptech: dict[str, tuple[str, str]] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    bays: dict[str, str] = field(default_factory=dict)
    drawers: dict[str, tuple[str, str]] = field(default_factory=dict)
    cassettes: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    boxes: dict[str, Box] = field(default_factory=dict)
    ptos: dict[str, Pto] = field(default_factory=dict)
    pto_boxes: dict[str, str] = field(default_factory=dict)
    zpbo: dict[str, ZoneRow] = field(default_factory=dict)
    zsro: dict[str, ZoneRow] = field(default_factory=dict)
    znro: dict[str, ZoneRow] = field(default_factory=dict)
    zpbo_index: ZoneIndex = field(default_factory=ZoneIndex)
    zsro_index: ZoneIndex = field(default_factory=ZoneIndex)
    znro_index: ZoneIndex = field(default_factory=ZoneIndex)
    # Derived links.
    zone_pbo: dict[str, str] = field(default_factory=dict)
    zone_pm: dict[str, str] = field(default_factory=dict)
    pbo_pm: dict[str, str] = field(default_factory=dict)
    pm_sites: dict[str, str] = field(default_factory=dict)
    pm_by_site: dict[str, str] = field(default_factory=dict)
    nro_sites: dict[str, str] = field(default_factory=dict)
    pm_nro: dict[str, str] = field(default_factory=dict)
    only_pm: str = ""
    # From the positions.
    feeds: dict[str, Feed] = field(default_factory=dict)
    fibre_pbo: dict[str, str] = field(default_factory=dict)
    preassigned_pbo: dict[str, str] = field(default_factory=dict)
    preassigned_fibres: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    pto_fibres: dict[str, str] = field(default_factory=dict)
    premises_codes: set[str] = field(default_factory=set)
    _places: dict[tuple[str, str, str], tuple[str | None, str | None]] = field(default_factory=dict)

    # -- locations ---------------------------------------------------------------------------

    def site_node(self, room_code: str) -> str:
        """The node of the site holding a room."""
        room = self.rooms.get(room_code)
        site = self.sites.get(room.site) if room else None
        return site.node if site else ""

    def box_node(self, box: Box) -> str:
        """Where a PBO stands: its technical point, or the site of its room."""
        if box.ptech and box.ptech in self.ptech:
            return self.ptech[box.ptech][0]
        return self.site_node(box.room) if box.room else ""

    def box_location(self, box: Box) -> str:
        """A readable location of a PBO: chamber, pole, façade or room."""
        if box.ptech and box.ptech in self.ptech:
            return self.ptech[box.ptech][1]
        room = self.rooms.get(box.room)
        return f"Local {room.label}" if room else ""

    def point(self, node: str) -> Point | None:
        """The Lambert-93 point of a node."""
        return self.nodes.get(node) if node else None

    # -- resolution (GRACETHD.md §4.3) -------------------------------------------------------

    def place(self, node: str, zone: str, pbo: str) -> tuple[str | None, str | None]:
        """(PBO, PM) of a premises from its explicit PBO, its PBO zone, or its node's position."""
        key = (node, zone, pbo)
        if key not in self._places:
            self._places[key] = self._place(node, zone, pbo)
        return self._places[key]

    def _place(self, node: str, zone: str, pbo: str) -> tuple[str | None, str | None]:
        found_pbo = pbo if pbo in self.boxes else None
        found_zone = zone if zone in self.zpbo else None
        point = self.point(node)
        if found_zone is None and found_pbo is None and point is not None:
            found_zone = self.zpbo_index.first(*point)
        if found_pbo is None and found_zone is not None:
            found_pbo = self.zone_pbo.get(found_zone)
        pm = self.zone_pm.get(found_zone) if found_zone else None
        if pm is None and found_pbo is not None:
            pm = self.pbo_pm.get(found_pbo)
        if pm is None and point is not None:
            pm = self.zsro_index.first(*point)
        # A package of a single PM area: every premises is behind that PM.
        return found_pbo, pm or self.only_pm or None

    def drawer_pm(self, drawer: str) -> str:
        """The PM whose site holds a drawer ('' for a drawer elsewhere, e.g. at the NRO)."""
        bay = self.drawers.get(drawer, ("", ""))[0]
        room = self.rooms.get(self.bays.get(bay, ""))
        return self.pm_by_site.get(room.site, "") if room else ""

    def derive(self) -> None:
        """Link zones to PBOs, PMs and NROs once every reference table is read."""
        self._derive_sites()
        pbo_by_node: dict[str, list[str]] = defaultdict(list)
        for box in sorted(self.boxes.values(), key=lambda b: b.code):
            pbo_by_node[self.box_node(box)].append(box.code)
        for code, zone in self.zpbo.items():
            pbo = (
                zone.box
                if zone.box in self.boxes
                else next(iter(pbo_by_node.get(zone.node, [])), "")
            )
            if pbo:
                self.zone_pbo[code] = pbo
            if zone.parent in self.zsro:
                self.zone_pm[code] = zone.parent
                if pbo:
                    self.pbo_pm.setdefault(pbo, zone.parent)
        for box in self.boxes.values():
            point = self.point(self.box_node(box))
            if box.code not in self.pbo_pm:
                pm = self.zsro_index.first(*point) if point is not None else None
                if pm or self.only_pm:
                    self.pbo_pm[box.code] = pm or self.only_pm

    def _derive_sites(self) -> None:
        """PMs and NROs: the zones, plus the sites (or v3 rooms) no zone points to."""
        site_of_node = {site.node: site.code for site in self.sites.values() if site.node}
        for code, zone in self.zsro.items():
            site = self._zone_site(zone, site_of_node)
            if site:
                self.pm_by_site.setdefault(site, code)
        for code, zone in self.znro.items():
            site = self._zone_site(zone, site_of_node)
            if site:
                self.nro_sites.setdefault(site, code)
        for site in self.sites.values():
            if site.kind in PM_SITE_KINDS and site.code not in self.pm_by_site:
                self.pm_sites[site.code] = site.code
                self.pm_by_site[site.code] = site.code
        for room in self.rooms.values():
            if room.kind == "SRO" and room.site not in self.pm_by_site:
                self.pm_sites[room.code] = room.site
                self.pm_by_site[room.site] = room.code
        pms = [*self.zsro, *self.pm_sites]
        self.only_pm = pms[0] if len(pms) == 1 else ""
        nros = self.nro_codes()
        # A package of a single NRO area: every PM hangs from that NRO.
        only_nro = nros[0] if len(nros) == 1 else ""
        for pm in pms:
            zone = self.zsro.get(pm)
            nro = zone.parent if zone and zone.parent in self.znro else ""
            point = self.point(self.pm_node(pm))
            if not nro and point is not None:
                nro = self.znro_index.first(*point) or ""
            self.pm_nro[pm] = nro or only_nro

    def _zone_site(self, zone: ZoneRow, site_of_node: dict[str, str]) -> str:
        if zone.room in self.rooms:
            return self.rooms[zone.room].site
        return site_of_node.get(zone.node, "")

    def nro_codes(self) -> list[str]:
        """Codes of the NROs: ``t_znro`` rows, then NRO sites no zone points to."""
        linked = set(self.nro_sites)
        extra = [
            site.code
            for site in self.sites.values()
            if site.kind == "NRO" and site.code not in linked
        ]
        extra += [
            room.code
            for room in self.rooms.values()
            if room.kind == "NRO" and room.site not in linked and self.version == 3
        ]
        return [*self.znro, *extra]

    def pm_node(self, pm: str) -> str:
        """The node of a PM: its zone's node, else its site's."""
        zone = self.zsro.get(pm)
        if zone is not None:
            if zone.node:
                return zone.node
            return self.site_node(zone.room) if zone.room else ""
        site = self.sites.get(self.pm_sites.get(pm, ""))
        return site.node if site else ""
