"""Coordinates of generated places: no commune geometry offline, so centres come from the INSEE code."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from pyproj import Transformer

from guichet.network.generation.codes import stable_fraction

# Deux-Sèvres bounding box (WGS84); centres keep a margin so the 2 km scatter stays inside.
LON_MIN, LON_MAX = -0.90, 0.22
LAT_MIN, LAT_MAX = 45.97, 47.11
MARGIN = 0.04
METRES_PER_DEGREE = 111_320.0
SCATTER_M = 2_000.0


def commune_centre(insee: str) -> tuple[float, float]:
    """A deterministic (lon, lat) inside the département, derived from the INSEE code only."""
    u, v, _ = stable_fraction("commune", insee)
    lon = LON_MIN + MARGIN + u * (LON_MAX - LON_MIN - 2 * MARGIN)
    lat = LAT_MIN + MARGIN + v * (LAT_MAX - LAT_MIN - 2 * MARGIN)
    return lon, lat


def offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point ``east_m``/``north_m`` metres away (flat-earth approximation, fine at 2 km)."""
    return (
        lon + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
        lat + north_m / METRES_PER_DEGREE,
    )


def street_anchor(insee: str, rivoli: str) -> tuple[float, float, float]:
    """Where a street starts and its heading (radians): stable per (commune, street), any run."""
    u, v, w = stable_fraction("street", insee, rivoli)
    radius = math.sqrt(u) * SCATTER_M * 0.8
    angle = v * 2 * math.pi
    lon, lat = commune_centre(insee)
    lon, lat = offset(lon, lat, radius * math.cos(angle), radius * math.sin(angle))
    return lon, lat, w * 2 * math.pi


@lru_cache(maxsize=1)
def _to_lambert93() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def to_lambert93(
    lons: Sequence[float], lats: Sequence[float]
) -> tuple[Sequence[float], Sequence[float]]:
    """Lambert-93 (EPSG:2154) X/Y of many points at once, rounded to the centimetre."""
    if not lons:
        return [], []
    xs, ys = _to_lambert93().transform(list(lons), list(lats))
    return [round(x, 2) for x in xs], [round(y, 2) for y in ys]
