"""Identifiers of generated data: unique, deterministic for a seed, and disjoint between runs.

A *run* is one generation into a database. Its tag (one base-36 character, ``0`` for the
first) is part of every code, so an incremental generation with another seed — or the
same one — never collides with what is already there.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Z is kept for the street hexaclés (hexaclé voie), so 35 runs per database.
MAX_RUNS = 35
PTO_PREFIX = "DS"  # the 2-character prefix of the identifier manager (ARCEP OO-XXXX-XXXX)
LINE_PREFIX = "DSNU"
ND_BLOCK = 10**8 // 36  # French 05 numbers: 10^8 numbers shared between runs


_PAIRS = tuple(a + b for a in BASE36 for b in BASE36)  # "00" … "ZZ": two digits per divmod


def base36(value: int, width: int) -> str:
    """``value`` in base 36, left-padded to ``width`` characters."""
    if value < 0 or value >= 36**width:
        raise OverflowError(f"{value} does not fit in {width} base-36 characters")
    chunks = []
    for _ in range(width // 2):
        value, rest = divmod(value, 1296)
        chunks.append(_PAIRS[rest])
    if width % 2:
        chunks.append(BASE36[value])
    return "".join(reversed(chunks))


def stable_fraction(*parts: str) -> tuple[float, float, float]:
    """Three numbers in [0, 1) derived from ``parts`` only (not from the seed, not from ``hash``)."""
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=12).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in (0, 4, 8))  # type: ignore[return-value]


class Permutation:
    """An affine bijection of ``range(size)`` drawn from the run's random stream.

    It turns a counter into a reference that does not look sequential, without a set of
    used values: memory stays flat whatever the number of premises.
    """

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size = size
        multiplier = rng.randrange(size // 3, size - 1) | 1
        while math.gcd(multiplier, size) != 1:
            multiplier += 2
        self.multiplier = multiplier
        self.offset = rng.randrange(size)

    def __call__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise OverflowError(f"index {index} outside 0..{self.size - 1}")
        return (self.multiplier * index + self.offset) % self.size


@dataclass
class RunCodes:
    """Code formats of one run; the permutations come from the seeded stream."""

    run: int
    pto_perm: Permutation
    line_perm: Permutation
    nd_perm: Permutation

    @classmethod
    def create(cls, run: int, rng: random.Random) -> RunCodes:
        if not 0 <= run < MAX_RUNS:
            raise OverflowError(f"at most {MAX_RUNS} generations per database")
        return cls(
            run=run,
            pto_perm=Permutation(36**7, rng),
            line_perm=Permutation(10**8, rng),
            nd_perm=Permutation(ND_BLOCK, rng),
        )

    @property
    def tag(self) -> str:
        return BASE36[self.run]

    @property
    def suffix(self) -> str:
        """Put in human references (PM, PBO, NRO) before their digits: nothing for the first run.

        Two letters after that (AA, AB, …), so that no run's references can be read as
        another run's numbers.
        """
        if self.run == 0:
            return ""
        high, low = divmod(self.run - 1, 26)
        return BASE36[10 + high] + BASE36[10 + low]

    def code(self, prefix: str, number: int) -> str:
        """Internal unique code (``code`` columns), GraceTHD-like: ``LC0000001234``."""
        return f"{prefix}{self.tag}{number:09d}"

    def pto_reference(self, number: int) -> str:
        """ARCEP PTO reference ``DS-XXXX-XXXX``: run tag + 7 permuted base-36 characters."""
        body = self.tag + base36(self.pto_perm(number), 7)
        return f"{PTO_PREFIX}-{body[:4]}-{body[4:]}"

    def hexacle(self, insee: str, number: int) -> str:
        """Address hexaclé: INSEE + run tag + 4 base-36 characters (1.6 million per commune)."""
        return f"{insee}{self.tag}{base36(number, 4)}"

    @staticmethod
    def street_hexacle(insee: str, street_index: int) -> str:
        """Hexaclé voie (the street's number 0): the same for every run."""
        return f"{insee}Z{base36(street_index, 4)}"

    def line_reference(self, number: int) -> str:
        """ReferencePrestationPrise ``DSNU-<8 digits>`` (run tag digits in front after the first run)."""
        head = "" if self.run == 0 else str(self.run)
        return f"{LINE_PREFIX}-{head}{self.line_perm(number):08d}"

    def nd(self, number: int) -> str | None:
        """A 10-digit French number ``05xxxxxxxx``; None once the run's block is used up."""
        if number >= ND_BLOCK:
            return None
        return f"05{self.run * ND_BLOCK + self.nd_perm(number):08d}"

    def ipe_id(self, insee: str, number: int) -> str:
        """IdentifiantImmeuble, Orange-like: ``IMB/79191/0000123``."""
        return f"IMB/{insee}/{self.tag}{number:06d}"
