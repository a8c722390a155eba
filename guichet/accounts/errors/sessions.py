"""Stable error codes of the sessions concern (IAM-11), IAM-060..IAM-079."""

from guichet.core.errors import define

SESSION_LOCKED = define(
    "IAM-060",
    401,
    "Unauthorized",
    "Votre session a été verrouillée après {minutes} minutes d'inactivité : "
    "reconnectez-vous pour reprendre là où vous en étiez.",
    "Your session was locked after {minutes} minutes of inactivity: "
    "log in again to carry on where you were.",
)
SESSION_EXPIRED = define(
    "IAM-061",
    401,
    "Unauthorized",
    "Votre session a atteint sa durée maximale de {hours} heures : reconnectez-vous.",
    "Your session reached its maximum lifetime of {hours} hours: log in again.",
)
LOGIN_LOCKED_OUT = define(
    "IAM-062",
    429,
    "Too Many Requests",
    "Identifiant bloqué après {limit} tentatives de connexion infructueuses. Il se "
    "débloque seul au bout de {minutes} minutes ; vous pouvez aussi recevoir un lien de "
    "déblocage par courriel ou demander à l'administrateur de votre opérateur de le "
    "débloquer.",
    "Identifier locked after {limit} failed login attempts. It unlocks by itself after "
    "{minutes} minutes; you can also receive an unlock link by email or ask your "
    "operator's administrator to unlock it.",
)
UNLOCK_LINK_INVALID = define(
    "IAM-063",
    404,
    "Not Found",
    "Ce lien de déblocage n'est pas valide, a déjà servi ou a expiré. Demandez-en un "
    "nouveau depuis la page de connexion.",
    "This unlock link is not valid, was already used or has expired. Ask for a new one "
    "from the login page.",
)
NOT_LOCKED_OUT = define(
    "IAM-065",
    409,
    "Conflict",
    "L'identifiant {login} n'est pas bloqué : il n'y a rien à débloquer.",
    "Identifier {login} is not locked: there is nothing to unlock.",
)
