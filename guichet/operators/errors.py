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

# Security operations (SEC-07 incidents, SEC-08 suspension): SEC-040..SEC-069.
SUSPENSION_PROVIDER_ONLY = define(
    "SEC-040",
    403,
    "Forbidden",
    "Seul le Fournisseur peut suspendre l'accès d'un opérateur ou lever une suspension.",
    "Only the Provider may suspend an operator's access or lift a suspension.",
)
SUSPENSION_REASON_REQUIRED = define(
    "SEC-041",
    422,
    "Unprocessable Entity",
    "Le motif de la suspension est obligatoire.",
    "The reason for the suspension is required.",
)
ALREADY_SUSPENDED = define(
    "SEC-042",
    409,
    "Conflict",
    "L'accès de l'opérateur {operator} est déjà suspendu (depuis le {since}).",
    "Operator {operator}'s access is already suspended (since {since}).",
)
NOT_SUSPENDED = define(
    "SEC-043",
    409,
    "Conflict",
    "L'accès de l'opérateur {operator} n'est pas suspendu.",
    "Operator {operator}'s access is not suspended.",
)
LIFT_NOTE_REQUIRED = define(
    "SEC-044",
    422,
    "Unprocessable Entity",
    "Indiquez pourquoi la suspension est levée (note de levée obligatoire).",
    "Say why the suspension is lifted (a lifting note is required).",
)
INCIDENT_FORBIDDEN = define(
    "SEC-050",
    403,
    "Forbidden",
    "Déclarer ou suivre un incident de sécurité demande le droit « security:declare » ou le rôle d'administrateur de l'opérateur.",
    "Declaring or following a security incident needs the right 'security:declare' or the operator administrator role.",
)
INCIDENT_INVALID = define(
    "SEC-051",
    422,
    "Unprocessable Entity",
    "Déclaration d'incident incomplète : {detail}",
    "Incomplete incident declaration: {detail}",
)
INCIDENT_NO_SECURITY_CONTACT = define(
    "SEC-052",
    422,
    "Unprocessable Entity",
    "L'opérateur {operator} n'a pas de courriel de contact sécurité : il ne peut pas être prévenu. Faites-le renseigner sur sa fiche avant de déclarer l'incident.",
    "Operator {operator} has no security contact email: it cannot be told. Have it filled in on its record before declaring the incident.",
)
INCIDENT_TRANSITION = define(
    "SEC-053",
    409,
    "Conflict",
    "Cet incident est déjà « {status} » : il ne peut plus passer à « {target} ».",
    "This incident is already '{status}': it cannot move to '{target}'.",
)
INCIDENT_CLOSE_FORBIDDEN = define(
    "SEC-054",
    403,
    "Forbidden",
    "Seuls le Fournisseur et le côté qui a déclaré l'incident peuvent le clore.",
    "Only the Provider and the side that declared the incident may close it.",
)
INCIDENT_OPERATOR_REQUIRED = define(
    "SEC-055",
    422,
    "Unprocessable Entity",
    "Choisissez l'opérateur concerné par l'incident.",
    "Choose the operator the incident concerns.",
)
