"""Small inventory builders for tests (the inventory's real write path is the importers)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from guichet.network.choices import BuildingState, BuildingType, PmState, PtoState
from guichet.network.models import Address, Building, Cable, Fibre, Nro, Pbo, Pm, Premises

_n = itertools.count(1)


def make_pm(reference: str = "", **extra: Any) -> Pm:
    n = next(_n)
    nro = extra.pop("nro", None) or Nro.objects.create(
        code=f"NRO{n:05d}", reference=f"79NRO{n:03d}"
    )
    values: dict[str, Any] = {
        "code": f"PMC{n:06d}",
        "reference": reference or f"DSNU-PM-{n:05d}",
        "nro": nro,
        "state": PmState.DEPLOYED,
        "first_provision_on": date(2025, 1, 15),
        "insee": "79191",
    }
    values.update(extra)
    return Pm.objects.create(**values)


def make_building(pm: Pm | None = None, *, premises: int = 1, **extra: Any) -> Building:
    """An address with one building and ``premises`` dwellings, each with a PTO."""
    n = next(_n)
    address = Address.objects.create(
        hexacle=extra.pop("hexacle", f"79191{n:05d}"),
        ban_id=extra.pop("ban_id", f"79191_0001_{n:05d}"),
        insee="79191",
        rivoli="0001",
        number=n,
        street_name="RUE DE LA GARE",
        street_type="RUE",
        postcode="79000",
        commune_name="Niort",
        longitude=-0.4586,
        latitude=46.3237,
    )
    building = Building.objects.create(
        ipe_id=extra.pop("ipe_id", f"IMB/79191/X/{n:05d}"),
        address=address,
        building_type=BuildingType.BLOCK if premises > 1 else BuildingType.HOUSE,
        state=extra.pop("state", BuildingState.DEPLOYED),
        pm=pm,
        premises_count=premises,
        **extra,
    )
    pbo = Pbo.objects.create(code=f"PBOC{n:06d}", reference=f"PBO-{n:05d}", pm=pm)
    cable = Cable.objects.create(code=f"CBC{n:06d}", capacity=max(premises, 6))
    for i in range(premises):
        Premises.objects.create(
            code=f"LC{n:06d}{i:03d}",
            building=building,
            staircase="A" if premises > 1 else "",
            floor=str(i // 4) if premises > 1 else "",
            door=f"{i + 1:02d}" if premises > 1 else "",
            pbo=pbo,
            pto_reference=f"DS-{n:04d}-{i:04d}",
            pto_state=PtoState.EXISTING,
        )
        Fibre.objects.create(code=f"FOC{n:06d}{i:03d}", cable=cable, rank=i + 1, pbo=pbo)
    return building
