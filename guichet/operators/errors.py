"""Stable error codes of the operators domain."""

from guichet.core.errors import define

OPERATOR_PROVIDER_ONLY = define(
    "OPE-001",
    403,
    "Forbidden",
    "Seul le Fournisseur peut créer un opérateur ou modifier son identité juridique.",
    "Only the Provider may create an operator or change its legal identity.",
)
OPERATOR_DUPLICATE = define(
    "OPE-002",
    409,
    "Conflict",
    "Un opérateur existe déjà avec ce {field} ({value}).",
    "An operator already exists with this {field} ({value}).",
)
OPERATOR_INVALID = define(
    "OPE-003",
    422,
    "Unprocessable Entity",
    "Fiche opérateur invalide : {detail}",
    "Invalid operator record: {detail}",
)
OPERATOR_UNKNOWN_FIELD = define(
    "OPE-004",
    422,
    "Unprocessable Entity",
    "Champ inconnu ou non modifiable : {field}.",
    "Unknown or read-only field: {field}.",
)
