"""Building managers (syndics) of generated blocks of flats: invented firms on real Niort streets."""

from __future__ import annotations

import random
from dataclasses import dataclass

from guichet.network.generation.reference import Reference

_SURNAMES = (
    "Martin", "Bernard", "Moreau", "Girard", "Rousseau", "Guérin", "Chauvet", "Baudry",
    "Pineau", "Texier", "Brunet", "Fradin", "Gaborit", "Bonnin", "Caillaud", "Rivière",
)  # fmt: skip
_FORMS = ("Cabinet {} Immobilier", "{} Gestion", "Syndic {} & Associés", "Agence {} Habitat")
_HOME = "79191"  # Niort, where the managers have their offices
SYNDIC_COUNT = 24


@dataclass(frozen=True)
class Syndic:
    """GestionnaireImmeuble and its address, as the IPE file carries them."""

    name: str
    siret: str
    number: int
    street_type: str
    street_name: str
    postcode: str
    commune: str

    def as_manager(self) -> dict[str, str]:
        """The ``Building.manager`` value, with the keys the IPE importer and export use."""
        return {
            "name": self.name,
            "siret": self.siret,
            "number": str(self.number),
            "street_type": self.street_type,
            "street_name": self.street_name,
            "postcode": self.postcode,
            "commune": self.commune,
        }


def _luhn_digit(digits: str) -> str:
    """The check digit that makes ``digits`` + it pass the Luhn test (SIREN/SIRET rule)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def make_syndics(reference: Reference, rng: random.Random) -> list[Syndic]:
    """A small pool of managers, drawn from the run's random stream."""
    streets = [street for street in reference.streets[_HOME] if not street.lieu_dit]
    commune = next(c for c in reference.current if c.insee == _HOME)
    postcode = reference.postcodes[_HOME][0]
    syndics = []
    for _ in range(SYNDIC_COUNT):
        name = rng.choice(_FORMS).format(rng.choice(_SURNAMES))
        siren = f"{rng.randrange(30_000_000, 99_999_999):08d}"
        siren += _luhn_digit(siren)
        nic = f"{rng.randrange(1, 9999):04d}"
        street = rng.choice(streets)
        full = f"{street.street_type} {street.name}" if street.street_type else street.name
        syndics.append(
            Syndic(
                name=name,
                siret=siren + nic + _luhn_digit(siren + nic),
                number=rng.randint(1, 80),
                street_type=street.street_type,
                street_name=full,
                postcode=postcode,
                commune=commune.name,
            )
        )
    return syndics
