"""Stable error codes of e-RDV: RDV-001..RDV-049 (same code on REST, SOAP and portal)."""

from guichet.core.errors import define

NOT_SUBSCRIBED = define(
    "RDV-001",
    403,
    "Forbidden",
    "Votre opérateur n'a pas de souscription active à l'e-service e-RDV Grand Public : signez son bon de commande pour l'utiliser.",
    "Your operator has no active subscription to the e-RDV e-service: sign its order form to use it.",
)
NO_FTTH_CONTRACT = define(
    "RDV-002",
    403,
    "Forbidden",
    "Votre opérateur ne détient pas de contrat d'accès FTTH en cours : l'e-service e-RDV en dépend.",
    "Your operator holds no current FTTH access contract: the e-RDV e-service depends on it.",
)
SLOT_UNAVAILABLE = define(
    "RDV-003",
    409,
    "Conflict",
    "Créneau indisponible : il n'est plus libre ou ne peut pas être réservé pour ce lieu. Cherchez un autre créneau.",
    "Slot unavailable: it is no longer free or cannot be booked for this place. Search another slot.",
)
TRANSITION_FORBIDDEN = define(
    "RDV-004",
    409,
    "Conflict",
    "Le rendez-vous {id_rdv} est « {status} » : {action} impossible.",
    "Appointment {id_rdv} is '{status}': {action} is not possible.",
)
UNKNOWN_INTERVENTION_TYPE = define(
    "RDV-005",
    400,
    "Bad Request",
    "Type d'intervention inconnu : {value}. Types possibles : {known}.",
    "Unknown intervention type: {value}. Known types: {known}.",
)
PLACE_UNKNOWN = define(
    "RDV-006",
    422,
    "Unprocessable Entity",
    "Lieu inconnu : aucune adresse ni prise de l'inventaire ne correspond.",
    "Unknown place: no address or premises of the inventory matches.",
)
PLACE_AMBIGUOUS = define(
    "RDV-007",
    422,
    "Unprocessable Entity",
    "Lieu ambigu : {count} adresses possibles ; précisez l'adresse ou donnez la référence PTO.",
    "Ambiguous place: {count} possible addresses; give a precise address or the PTO reference.",
)
PERIOD_INVALID = define(
    "RDV-008",
    400,
    "Bad Request",
    "Période de recherche invalide : {detail}",
    "Invalid search period: {detail}",
)
SLOT_ID_INVALID = define(
    "RDV-009",
    400,
    "Bad Request",
    "Identifiant de créneau invalide : {value} (attendu AAAAMMJJThhmm-hhmm).",
    "Invalid slot id: {value} (expected YYYYMMDDThhmm-hhmm).",
)
HOLD_EXPIRED = define(
    "RDV-010",
    409,
    "Conflict",
    "La réservation du rendez-vous {id_rdv} a expiré : le créneau est libéré, réservez-en un autre.",
    "The hold of appointment {id_rdv} has expired: the slot is released, book another one.",
)
PROVIDER_ONLY = define(
    "RDV-011",
    403,
    "Forbidden",
    "Seuls les planificateurs du Fournisseur gèrent le planning des techniciens.",
    "Only the Provider's planners manage the technicians' planning.",
)
PLANNING_INVALID = define(
    "RDV-012",
    422,
    "Unprocessable Entity",
    "Planning invalide : {detail}",
    "Invalid planning: {detail}",
)
SAME_SLOT = define(
    "RDV-013",
    409,
    "Conflict",
    "Le rendez-vous {id_rdv} est déjà sur ce créneau.",
    "Appointment {id_rdv} is already on this slot.",
)
OPERATOR_REQUIRED = define(
    "RDV-014",
    403,
    "Forbidden",
    "Un rendez-vous se réserve pour un opérateur : connectez-vous avec un identifiant d'opérateur.",
    "An appointment is booked for an operator: log in with an operator's identifier.",
)
