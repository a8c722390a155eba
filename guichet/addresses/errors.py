"""Stable error codes of address resolution and TAO: ADR-001..ADR-049."""

from guichet.core.errors import define

QUERY_EMPTY = define(
    "ADR-001",
    400,
    "Bad Request",
    "Adresse manquante : donnez un texte, un hexaclé, un identifiant BAN, un identifiant d'immeuble, un code INSEE + RIVOLI + numéro, une référence PTO, un ND ou des coordonnées.",
    "Address missing: give a text, a hexaclé, a BAN id, a building id, an INSEE + RIVOLI + number, a PTO reference, an ND or coordinates.",
)
QUERY_INVALID = define(
    "ADR-002",
    400,
    "Bad Request",
    "Adresse invalide : {detail}",
    "Invalid address: {detail}",
)
