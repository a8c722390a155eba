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

# --- TAO (Translation d'Adresses Opérateur): ADR-010.. -------------------------------------
NOT_SUBSCRIBED = define(
    "ADR-010",
    403,
    "Forbidden",
    "Votre opérateur n'est pas abonné à l'e-service TAO : souscrivez-le par un bon de commande.",
    "Your operator does not subscribe to the TAO e-service: order it with an order form.",
)
NO_WHOLESALE_CONTRACT = define(
    "ADR-011",
    403,
    "Forbidden",
    "L'e-service TAO demande un contrat d'offre de gros Accès FTTH en cours, que votre opérateur ne détient pas.",
    "The TAO e-service needs a current FTTH Access wholesale contract, which your operator does not hold.",
)
ADDRESS_NOT_FOUND = define(
    "ADR-012",
    404,
    "Not Found",
    "Adresse inconnue : {detail}",
    "Unknown address: {detail}",
)
SUB_ADDRESS_NOT_FOUND = define(
    "ADR-013",
    404,
    "Not Found",
    "Ce local n'existe pas à cette adresse : {detail}",
    "No such premises at this address: {detail}",
)
