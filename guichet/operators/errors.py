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

# Contracts, signatures, order forms and terminations (CTR-02..15): CTR-001..CTR-049.
CONTRACT_PROVIDER_ONLY = define(
    "CTR-001",
    403,
    "Forbidden",
    "Seul le Fournisseur peut effectuer cette opération sur les contrats.",
    "Only the Provider may perform this contract operation.",
)
CONTRACT_ADMIN_ONLY = define(
    "CTR-002",
    403,
    "Forbidden",
    "Seul un administrateur de l'opérateur (droit « users:administer ») peut signer ou commander.",
    "Only an administrator of the operator (right 'users:administer') may sign or order.",
)
FRAMEWORK_NOT_SIGNED = define(
    "CTR-010",
    409,
    "Conflict",
    "L'Accord-cadre doit être signé par les deux Parties avant les Conditions Générales (article 3).",
    "The framework agreement must be signed by both Parties before the General Conditions (article 3).",
)
DOCUMENT_NOT_SIGNABLE = define(
    "CTR-011",
    409,
    "Conflict",
    "Le document « {document} » ne se signe pas : il est notifié à l'opérateur.",
    "The document '{document}' is not signed: it is notified to the operator.",
)
ALREADY_SIGNED = define(
    "CTR-012",
    409,
    "Conflict",
    "« {document} » est déjà signé par {party}.",
    "'{document}' is already signed by {party}.",
)
SIGNATURE_INVALID = define(
    "CTR-013",
    422,
    "Unprocessable Entity",
    "Signature incomplète : {detail}",
    "Incomplete signature: {detail}",
)
OPERATOR_IDENTITY_INCOMPLETE = define(
    "CTR-014",
    422,
    "Unprocessable Entity",
    "La fiche de l'opérateur est incomplète pour établir le contrat : {detail}.",
    "The operator's record is incomplete to draw up the contract: {detail}.",
)
DOCUMENT_INVALID = define(
    "CTR-015",
    422,
    "Unprocessable Entity",
    "Document contractuel invalide : {detail}",
    "Invalid contract document: {detail}",
)
DOCUMENT_NOTICE_TOO_SHORT = define(
    "CTR-016",
    422,
    "Unprocessable Entity",
    "Préavis insuffisant : cette modification doit être notifiée au moins {days} jours avant son entrée en vigueur (au plus tôt le {earliest}).",
    "Notice too short: this change must be notified at least {days} days before it takes effect (on {earliest} at the earliest).",
)
GENERAL_CONDITIONS_NOT_SIGNED = define(
    "CTR-020",
    409,
    "Conflict",
    "Les Conditions Générales e-services en vigueur doivent être signées avant toute commande.",
    "The General Conditions in force must be signed before any order.",
)
WHOLESALE_CONTRACT_MISSING = define(
    "CTR-021",
    409,
    "Conflict",
    "L'e-service {service} nécessite un contrat « {offer} » en cours (article 5).",
    "The e-service {service} needs a current '{offer}' contract (article 5).",
)
SERVICE_INCLUDED = define(
    "CTR-022",
    409,
    "Conflict",
    "L'e-service {service} est fourni avec les Conditions Générales : aucun bon de commande n'est nécessaire.",
    "The e-service {service} comes with the General Conditions: no order form is needed.",
)
ALREADY_SUBSCRIBED = define(
    "CTR-023",
    409,
    "Conflict",
    "L'opérateur a déjà une souscription ou un bon de commande en cours pour {service}.",
    "The operator already has a subscription or an order form in progress for {service}.",
)
NO_SPECIFIC_CONDITIONS = define(
    "CTR-024",
    409,
    "Conflict",
    "Aucunes Conditions Spécifiques en vigueur pour {service} : commande impossible.",
    "No Specific Conditions in force for {service}: it cannot be ordered.",
)
ORDER_FORM_INVALID = define(
    "CTR-025",
    422,
    "Unprocessable Entity",
    "Bon de commande invalide : {detail}",
    "Invalid order form: {detail}",
)
ORDER_FORM_TRANSITION = define(
    "CTR-026",
    409,
    "Conflict",
    "Ce bon de commande est « {status} » : il ne peut pas passer à « {target} ».",
    "This order form is '{status}': it cannot move to '{target}'.",
)
WHOLESALE_INVALID = define(
    "CTR-027",
    422,
    "Unprocessable Entity",
    "Contrat d'offre de gros invalide : {detail}",
    "Invalid wholesale contract: {detail}",
)
CONTRACT_TERMINATED = define(
    "CTR-028",
    409,
    "Conflict",
    "Le Contrat e-services de l'opérateur est résilié (fin le {ends_on}) : aucune nouvelle commande n'est possible.",
    "The operator's e-services Contract is terminated (ends on {ends_on}): no new order is possible.",
)
TERMINATION_INVALID = define(
    "CTR-030",
    422,
    "Unprocessable Entity",
    "Résiliation impossible : {detail}",
    "Termination refused: {detail}",
)
ALREADY_TERMINATED = define(
    "CTR-031",
    409,
    "Conflict",
    "La souscription à {service} est déjà résiliée (fin le {ends_on}).",
    "The subscription to {service} is already terminated (ends on {ends_on}).",
)
NO_SUBSTANTIAL_CHANGE = define(
    "CTR-032",
    409,
    "Conflict",
    "Aucune modification substantielle notifiée à venir pour {service} : la résiliation sans pénalité n'est pas ouverte.",
    "No notified substantial change is pending for {service}: termination without penalty is not open.",
)
EXPORT_DESTROYED = define(
    "CTR-033",
    410,
    "Gone",
    "L'archive des données a été détruite le {when} (durée de conservation écoulée).",
    "The data archive was destroyed on {when} (retention period over).",
)
