"""Stable error codes of the identifiers concern (defined with guichet.core.errors.define).

IAM-010..IAM-039 belong to the identifier life cycle: issuance (IAM-02, IAM-03), the
single-use link, password levels (IAM-04), second factor, loss or fraud (IAM-06).
"""

from guichet.core.errors import define

IDENTIFIER_CAP_REACHED = define(
    "IAM-010",
    409,
    "Conflict",
    "L'opérateur {operator} détient déjà {limit} identifiants, le maximum prévu par "
    "l'annexe 4 : supprimez ou faites supprimer un identifiant inutilisé avant d'en "
    "demander un nouveau.",
    "Operator {operator} already holds {limit} identifiers, the maximum set by Annex 4: "
    "have an unused identifier deleted before asking for a new one.",
)
IDENTIFIER_FORBIDDEN = define(
    "IAM-011",
    403,
    "Forbidden",
    "Seuls le Fournisseur et l'administrateur de l'opérateur peuvent gérer les "
    "identifiants de cet opérateur.",
    "Only the Provider and the operator's administrator may manage this operator's identifiers.",
)
IDENTIFIER_INVALID = define(
    "IAM-012",
    422,
    "Unprocessable Entity",
    "Demande d'identifiant invalide : {detail}",
    "Invalid identifier request: {detail}",
)
LINK_INVALID = define(
    "IAM-013",
    404,
    "Not Found",
    "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse complète reçue "
    "par courriel, ou demandez un nouveau lien à l'administrateur de votre opérateur.",
    "This link is not valid. Check that you copied the whole address received by email, "
    "or ask your operator's administrator for a new link.",
)
LINK_EXPIRED = define(
    "IAM-014",
    410,
    "Gone",
    "Ce lien a expiré le {expired_at}. Demandez un nouveau lien à l'administrateur de "
    "votre opérateur ou au Fournisseur.",
    "This link expired on {expired_at}. Ask your operator's administrator or the "
    "Provider for a new link.",
)
LINK_USED = define(
    "IAM-015",
    410,
    "Gone",
    "Ce lien a déjà été utilisé : un lien d'initialisation ne sert qu'une fois. "
    "Connectez-vous avec votre identifiant et votre mot de passe.",
    "This link has already been used: an initialisation link works only once. "
    "Sign in with your identifier and password.",
)
IDENTIFIER_STATE = define(
    "IAM-016",
    409,
    "Conflict",
    "L'identifiant {login} est « {state} » : cette action n'est pas possible dans cet état.",
    "Identifier {login} is '{state}': this action is not possible in that state.",
)
PASSWORD_REJECTED = define(
    "IAM-017",
    422,
    "Unprocessable Entity",
    "Mot de passe refusé : {detail}",
    "Password refused: {detail}",
)
OTP_INVALID = define(
    "IAM-018",
    422,
    "Unprocessable Entity",
    "Code incorrect. Saisissez le code à 6 chiffres affiché par votre application "
    "d'authentification, ou un code de secours non encore utilisé.",
    "Wrong code. Enter the 6-digit code shown by your authenticator app, or an unused "
    "recovery code.",
)
OTP_THROTTLED = define(
    "IAM-019",
    429,
    "Too Many Requests",
    "Trop de codes incorrects : attendez quelques secondes avant de réessayer.",
    "Too many wrong codes: wait a few seconds before trying again.",
)
CURRENT_PASSWORD_WRONG = define(
    "IAM-020",
    422,
    "Unprocessable Entity",
    "Le mot de passe actuel saisi est incorrect.",
    "The current password entered is wrong.",
)
PASSWORD_EXPIRED = define(
    "IAM-021",
    403,
    "Forbidden",
    "Votre mot de passe a expiré : changez-le sur la page « Changer mon mot de passe » "
    "de l'Espace Opérateurs.",
    "Your password has expired: change it on the 'Change my password' page of the portal.",
)
SECOND_FACTOR_REQUIRED = define(
    "IAM-022",
    401,
    "Unauthorized",
    "Votre niveau de sécurité exige un second facteur : saisissez d'abord votre code "
    "d'authentification dans le portail.",
    "Your security level requires a second factor: enter your authentication code in "
    "the portal first.",
)
NO_ENROLMENT = define(
    "IAM-023",
    409,
    "Conflict",
    "Aucun enrôlement de second facteur n'est en cours : recommencez depuis le début.",
    "No second-factor enrolment is in progress: start again from the beginning.",
)
LEVEL_INVALID = define(
    "IAM-024",
    422,
    "Unprocessable Entity",
    "Niveau de sécurité inconnu : {level}.",
    "Unknown security level: {level}.",
)
NO_SECOND_FACTOR = define(
    "IAM-025",
    409,
    "Conflict",
    "Votre niveau de sécurité n'utilise pas de second facteur : aucun code de secours à générer.",
    "Your security level uses no second factor: there are no recovery codes to generate.",
)
PASSWORD_MISMATCH = define(
    "IAM-026",
    422,
    "Unprocessable Entity",
    "Les deux mots de passe saisis sont différents.",
    "The two passwords entered differ.",
)
LOSS_REASON_INVALID = define(
    "IAM-027",
    422,
    "Unprocessable Entity",
    "Motif de déclaration inconnu : {reason} (attendu : perte ou fraude).",
    "Unknown declaration reason: {reason} (expected: loss or fraud).",
)
