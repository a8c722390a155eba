"""Stable error codes of eligibility: ELI-001..ELI-049 (same code on REST, SOAP, portal, bulk)."""

from guichet.core.errors import define

NOT_SUBSCRIBED = define(
    "ELI-001",
    403,
    "Forbidden",
    "Votre opérateur n'a pas de souscription active à l'e-service Éligibilité FTTE : signez son bon de commande pour l'utiliser.",
    "Your operator has no active subscription to the Eligibility FTTE e-service: sign its order form to use it.",
)
NO_FTTE_CONTRACT = define(
    "ELI-002",
    403,
    "Forbidden",
    "Votre opérateur ne détient pas de contrat d'offre de gros FTTE en cours : l'e-service Éligibilité FTTE en dépend.",
    "Your operator holds no current FTTE wholesale contract: the Eligibility FTTE e-service depends on it.",
)
UNKNOWN_OFFER = define(
    "ELI-003",
    400,
    "Bad Request",
    "Offre inconnue : {offer}. Offres possibles : {known}.",
    "Unknown offer: {offer}. Known offers: {known}.",
)
ASYNC_UNSUPPORTED = define(
    "ELI-004",
    400,
    "Bad Request",
    "Seule la qualification immédiate est proposée : envoyez instantSyncQualification à true.",
    "Only immediate qualification is offered: send instantSyncQualification as true.",
)
PLACE_INVALID = define(
    "ELI-005",
    400,
    "Bad Request",
    "Lieu à qualifier invalide : {detail}",
    "Invalid place to qualify: {detail}",
)
RULE_INVALID = define(
    "ELI-010",
    422,
    "Unprocessable Entity",
    "Règle d'éligibilité invalide : {detail}",
    "Invalid eligibility rule: {detail}",
)
RULE_TARGET_UNKNOWN = define(
    "ELI-011",
    422,
    "Unprocessable Entity",
    "La cible de la règle n'existe pas dans l'inventaire : {detail}",
    "The rule's target does not exist in the inventory: {detail}",
)
PROVIDER_ONLY = define(
    "ELI-012",
    403,
    "Forbidden",
    "Seul le Fournisseur gère les zones d'exclusion et les gels d'éligibilité.",
    "Only the Provider manages eligibility exclusion zones and freezes.",
)
