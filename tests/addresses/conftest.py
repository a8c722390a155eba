"""Fixtures of the address tests (none is autouse: every module opts in)."""

from __future__ import annotations

import itertools
import zlib

import pytest

from guichet.addresses.services import refresh_index
from guichet.core.context import Principal
from guichet.network.models import Address, Commune

SYSTEM = Principal.system("tests")
_hexacle = itertools.count(1)

# (insee, name, postcode, kind, parent)
COMMUNES = [
    ("79191", "Niort", "79000", "commune-actuelle", None),
    ("79202", "Parthenay", "79200", "commune-actuelle", None),
    ("79005", "Airvault", "79600", "commune-actuelle", None),
    ("79046", "Borcq-sur-Airvault", "79600", "commune-deleguee", "79005"),
    ("79109", "Échiré", "79410", "commune-actuelle", None),
]
# (insee, street, numbers, former commune insee)
STREETS = [
    ("79191", "RUE DE LA GARE", ["1", "3", "5", "12", "12B", "14"], ""),
    ("79191", "IMPASSE DE LA GARE", ["2"], ""),
    ("79191", "AVENUE DE LA REPUBLIQUE", ["8", "10"], ""),
    ("79191", "BOULEVARD MAIN", ["5"], ""),
    ("79191", "RUE SAINT JEAN", ["7"], ""),
    ("79191", "RUE DU 8 MAI 1945", ["3"], ""),
    ("79202", "RUE DE LA GARE", ["12", "15"], ""),
    ("79005", "ALLEE DE L EGLANTINE", ["3"], "79046"),
    ("79005", "RUE DES ECOLES", ["4"], ""),
    ("79109", "CHEMIN DU MOULIN", ["6"], ""),
    ("79109", "LES GRANDS CHAMPS", [""], ""),  # a lieu-dit without number
]


def make_commune(insee: str, name: str, postcode: str, kind: str, parent: str | None) -> Commune:
    return Commune.objects.create(
        insee=insee, name=name, kind=kind, parent_id=parent, postcodes=[postcode]
    )


def make_address(
    insee: str, street: str, number: str, *, former: str = "", locality: str = ""
) -> Address:
    """One address as an import writes it (street type inside the name, suffix short)."""
    commune = Commune.objects.get(insee=insee)
    digits = number.rstrip("BTQC")
    former_commune = Commune.objects.filter(insee=former).first() if former else None
    return Address.objects.create(
        hexacle=f"{insee}{next(_hexacle):05d}",
        insee=insee,
        rivoli=f"{zlib.crc32(street.encode()) % 10000:04d}",
        number=int(digits) if digits else None,
        suffix=number[len(digits) :],
        street_type=street.split()[0],
        street_name=street,
        locality=locality,
        postcode=commune.postcodes[0],
        commune_name=commune.name,
        former_commune_insee=former,
        former_commune_name=former_commune.name if former_commune else "",
        longitude=-0.45,
        latitude=46.32,
    )


@pytest.fixture
def search_inventory(db: None) -> dict[str, Address]:
    """A small inventory, indexed; addresses by label (``"12B RUE DE LA GARE 79191"``)."""
    for row in COMMUNES:
        make_commune(*row)
    made: dict[str, Address] = {}
    for insee, street, numbers, former in STREETS:
        for number in numbers:
            locality = street if not number else ""
            address = make_address(insee, street, number, former=former, locality=locality)
            made[f"{number} {street} {insee}".strip()] = address
    refresh_index(actor=SYSTEM)
    return made
