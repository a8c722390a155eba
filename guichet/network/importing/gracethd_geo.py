"""Which zone (PBO, PM, NRO area) contains a point: ray casting over a grid of bounding boxes.

The demo leaves ``sf_zp_code`` empty, as many real deliveries do, so premises are placed in
their PBO area by geometry. A package of a whole département has tens of thousands of PBO
areas: a uniform grid keeps each lookup to the few zones whose box covers the point.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

Ring = list[tuple[float, float]]
# A zone bigger than this many grid cells is tested by its bounding box only (NRO areas).
_MAX_CELLS_PER_ZONE = 4096


def point_in_rings(x: float, y: float, rings: list[Ring]) -> bool:
    """Even-odd rule over every ring: holes and the parts of a multipolygon come out right."""
    inside = False
    for ring in rings:
        count = len(ring)
        if count < 3:
            continue
        x1, y1 = ring[-1]
        for x2, y2 in ring:
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
            x1, y1 = x2, y2
    return inside


@dataclass(slots=True)
class Zone:
    """A polygon zone of the package and its bounding box."""

    code: str
    rings: list[Ring]
    bbox: tuple[float, float, float, float] = field(init=False)

    def __post_init__(self) -> None:
        xs = [x for ring in self.rings for x, _ in ring]
        ys = [y for ring in self.rings for _, y in ring]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))

    def contains(self, x: float, y: float) -> bool:
        """Whether the point is inside the zone."""
        xmin, ymin, xmax, ymax = self.bbox
        if not (xmin <= x <= xmax and ymin <= y <= ymax):
            return False
        return point_in_rings(x, y, self.rings)


class ZoneIndex:
    """The zones of one layer, found by point."""

    def __init__(self) -> None:
        self.zones: list[Zone] = []
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        self._large: list[int] = []
        self._cell = 0.0

    def add(self, code: str, rings: list[Ring]) -> None:
        """Register a zone (zones without a geometry are ignored)."""
        rings = [ring for ring in rings if len(ring) >= 3]
        if rings:
            self.zones.append(Zone(code, rings))
            self._cell = 0.0

    def __len__(self) -> int:
        return len(self.zones)

    def _build(self) -> None:
        sizes = sorted(max(z.bbox[2] - z.bbox[0], z.bbox[3] - z.bbox[1]) for z in self.zones)
        # The median zone spans about one cell: most zones land in 1–4 cells.
        self._cell = max(sizes[len(sizes) // 2], 1.0)
        self._grid.clear()
        self._large.clear()
        for index, zone in enumerate(self.zones):
            xmin, ymin, xmax, ymax = zone.bbox
            i0, j0 = self._key(xmin, ymin)
            i1, j1 = self._key(xmax, ymax)
            if (i1 - i0 + 1) * (j1 - j0 + 1) > _MAX_CELLS_PER_ZONE:
                self._large.append(index)
                continue
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    self._grid[(i, j)].append(index)

    def _key(self, x: float, y: float) -> tuple[int, int]:
        return math.floor(x / self._cell), math.floor(y / self._cell)

    def find(self, x: float, y: float) -> list[str]:
        """Codes of the zones containing the point, sorted (overlaps are legal at a shared node)."""
        if not self.zones:
            return []
        if not self._cell:
            self._build()
        candidates = self._grid.get(self._key(x, y), []) + self._large
        return sorted(self.zones[i].code for i in candidates if self.zones[i].contains(x, y))

    def first(self, x: float, y: float) -> str | None:
        """The first zone containing the point, if any."""
        found = self.find(x, y)
        return found[0] if found else None
