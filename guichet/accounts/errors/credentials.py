"""Stable error codes of the credentials concern: API keys and client certificates (SEC-01..03).

Managing credentials: SEC-010..SEC-019. Authenticating a system call: SEC-020..SEC-029.
A suspended operator's credential is refused with the platform-wide SEC-008.
"""

from guichet.core.errors import define

# Managing credentials -------------------------------------------------------------

CREDENTIAL_FORBIDDEN = define(
    "SEC-010",
    403,
    "Forbidden",
    "Seul un administrateur de l'opérateur ou le Fournisseur peut gérer ses accès système.",
    "Only an administrator of the operator or the Provider may manage its system credentials.",
)
CREDENTIAL_PERSON_ONLY = define(
    "SEC-011",
    403,
    "Forbidden",
    "Les accès système se gèrent par une personne connectée, jamais avec un accès système.",
    "System credentials are managed by a signed-in person, never with a system credential.",
)
CREDENTIAL_INVALID = define(
    "SEC-012",
    422,
    "Unprocessable Entity",
    "Accès système invalide : {detail}",
    "Invalid system credential: {detail}",
)
NETWORKS_REQUIRED = define(
    "SEC-013",
    422,
    "Unprocessable Entity",
    "Déclarez au moins une adresse ou un réseau source (point d'accès de l'opérateur) ; "
    "sans adresse, tout appel serait refusé.",
    "Declare at least one source address or network (the operator's access point); "
    "without one every call would be refused.",
)
NETWORK_INVALID = define(
    "SEC-014",
    422,
    "Unprocessable Entity",
    "« {value} » n'est pas une adresse IP ou un réseau CIDR accepté (un réseau « toute adresse » est refusé).",
    "'{value}' is not an accepted IP address or CIDR network ('any address' networks are refused).",
)
SCOPE_UNKNOWN = define(
    "SEC-015",
    422,
    "Unprocessable Entity",
    "« {scope} » n'est pas un e-service du catalogue ; choisissez au moins un e-service.",
    "'{scope}' is not an e-service of the catalogue; choose at least one e-service.",
)
EXPIRY_INVALID = define(
    "SEC-016",
    422,
    "Unprocessable Entity",
    "L'expiration doit être dans le futur et au plus dans {max_days} jours.",
    "The expiry must be in the future and at most {max_days} days away.",
)
CSR_INVALID = define(
    "SEC-017",
    422,
    "Unprocessable Entity",
    "La demande de certificat (CSR) est refusée : {detail}",
    "The certificate signing request (CSR) is refused: {detail}",
)
CREDENTIAL_ALREADY_REVOKED = define(
    "SEC-018",
    409,
    "Conflict",
    "Cet accès système est déjà révoqué.",
    "This system credential is already revoked.",
)

# Authenticating a system call -----------------------------------------------------

API_KEY_INVALID = define(
    "SEC-020",
    401,
    "Unauthorized",
    "Clé d'API inconnue ou incorrecte.",
    "Unknown or wrong API key.",
)
CREDENTIAL_REVOKED = define(
    "SEC-021",
    401,
    "Unauthorized",
    "Cet accès système a été révoqué.",
    "This system credential has been revoked.",
)
CREDENTIAL_EXPIRED = define(
    "SEC-022",
    401,
    "Unauthorized",
    "Cet accès système a expiré.",
    "This system credential has expired.",
)
SOURCE_NOT_ALLOWED = define(
    "SEC-023",
    403,
    "Forbidden",
    "Appel refusé : l'adresse {ip} n'est pas un point d'accès déclaré pour cet accès système.",
    "Call refused: address {ip} is not a declared access point for this system credential.",
)
ON_BEHALF_OF_MISSING = define(
    "SEC-024",
    400,
    "Bad Request",
    "Un appel avec un accès système doit nommer la personne pour qui il agit (en-tête X-On-Behalf-Of).",
    "A call made with a system credential must name the person it acts for (X-On-Behalf-Of header).",
)
ON_BEHALF_OF_INVALID = define(
    "SEC-025",
    403,
    "Forbidden",
    "« {login} » n'est pas un identifiant actif de votre opérateur.",
    "'{login}' is not an active identifier of your operator.",
)
CERTIFICATE_INVALID = define(
    "SEC-026",
    401,
    "Unauthorized",
    "Certificat client refusé : {detail}",
    "Client certificate refused: {detail}",
)
