"""Stable error codes of the people and profiles concern (IAM-040..IAM-059)."""

from guichet.core.errors import define

UNKNOWN_RIGHT = define(
    "IAM-040",
    422,
    "Unprocessable Entity",
    "Droit inconnu : « {right} ». Les droits possibles figurent au catalogue des droits.",
    "Unknown right: '{right}'. The possible rights are listed in the rights catalogue.",
)
ROLE_BOUND_RIGHT = define(
    "IAM-041",
    422,
    "Unprocessable Entity",
    "Le droit « {right} » vient du rôle Administrateur ; un profil ne peut pas le donner.",
    "The right '{right}' comes with the administrator role; a profile cannot grant it.",
)
PROFILE_NAME_TAKEN = define(
    "IAM-042",
    409,
    "Conflict",
    "Un profil nommé « {name} » existe déjà.",
    "A profile named '{name}' already exists.",
)
SERVICE_NOT_SUBSCRIBED = define(
    "IAM-043",
    422,
    "Unprocessable Entity",
    "Votre opérateur n'a pas souscrit à l'e-service « {service} » : le droit « {right} » ne peut pas être accordé.",
    "Your operator has not subscribed to the e-service '{service}': the right '{right}' cannot be granted.",
)
PROFILE_OUTSIDE_SUBSCRIPTIONS = define(
    "IAM-044",
    422,
    "Unprocessable Entity",
    "Le profil « {profile} » ne donne aucun droit sur les e-services souscrits par l'opérateur : il ne peut pas être attribué.",
    "The profile '{profile}' grants no right on the operator's subscribed e-services: it cannot be assigned.",
)
TEMPLATE_PROVIDER_ONLY = define(
    "IAM-045",
    403,
    "Forbidden",
    "Les modèles de profils sont définis par le Fournisseur : vous pouvez les attribuer, pas les modifier.",
    "Profile templates are defined by the Provider: you may assign them, not change them.",
)
PROFILE_IN_USE = define(
    "IAM-046",
    409,
    "Conflict",
    "Le profil « {profile} » est attribué à {count} personne(s) : retirez-le d'abord.",
    "The profile '{profile}' is assigned to {count} person(s): remove it first.",
)
PROFILE_INVALID = define(
    "IAM-047",
    422,
    "Unprocessable Entity",
    "Profil invalide : {detail}",
    "Invalid profile: {detail}",
)
PROFILE_OTHER_OPERATOR = define(
    "IAM-048",
    422,
    "Unprocessable Entity",
    "Le profil « {profile} » appartient à un autre opérateur.",
    "The profile '{profile}' belongs to another operator.",
)
NEVER_INITIALISED = define(
    "IAM-049",
    409,
    "Conflict",
    "L'identifiant {login} n'a jamais été initialisé (aucun mot de passe défini) : il ne peut pas être réactivé. Faites émettre un nouvel identifiant pour cette personne.",
    "Identifier {login} was never initialised (no password was set): it cannot be reactivated. Have a new identifier issued for this person.",
)
SELF_CHANGE_REFUSED = define(
    "IAM-050",
    403,
    "Forbidden",
    "Vous ne pouvez ni changer votre propre rôle ni désactiver votre propre identifiant : demandez-le à un autre administrateur.",
    "You may neither change your own role nor deactivate your own identifier: ask another administrator.",
)
REPLACED_IDENTIFIER = define(
    "IAM-051",
    409,
    "Conflict",
    "L'identifiant {login} a été désactivé pour perte ou fraude : il ne sera jamais réactivé.",
    "Identifier {login} was deactivated for loss or fraud: it will never be reactivated.",
)
PERSON_EDIT_INVALID = define(
    "IAM-052",
    422,
    "Unprocessable Entity",
    "Fiche personne invalide : {detail}",
    "Invalid person record: {detail}",
)
PERSON_NOT_EDITABLE = define(
    "IAM-053",
    409,
    "Conflict",
    "L'identifiant {login} est supprimé : sa fiche ne peut plus être modifiée.",
    "Identifier {login} is deleted: its record can no longer be changed.",
)
OPERATOR_REQUIRED = define(
    "IAM-054",
    422,
    "Unprocessable Entity",
    "Précisez l'opérateur de la personne.",
    "Say which operator the person belongs to.",
)
