"""Stable error codes of the accounts domain."""

from guichet.core.errors import define

LOGIN_TAKEN = define(
    "IAM-001",
    409,
    "Conflict",
    "L'identifiant {login} existe déjà ; un identifiant n'est jamais réutilisé.",
    "Identifier {login} already exists; identifiers are never reused.",
)
PERSON_INVALID = define(
    "IAM-002",
    422,
    "Unprocessable Entity",
    "Fiche personne invalide : {detail}",
    "Invalid person record: {detail}",
)
PERSON_FORBIDDEN = define(
    "IAM-003",
    403,
    "Forbidden",
    "Vous ne pouvez pas gérer les personnes de cet opérateur.",
    "You may not manage this operator's people.",
)

# One module per concern, so that each registers its codes at start-up.
from guichet.accounts.errors import credentials, identifiers, people, sessions  # noqa: E402, F401
