"""Stable error codes of security audits (SEC-09): SEC-090..SEC-099."""

from guichet.core.errors import define

PROVIDER_ONLY = define(
    "SEC-090",
    403,
    "Forbidden",
    "Seul le Fournisseur enregistre les audits, notifie les non-conformités, examine les plans et suspend l'accès.",
    "Only the Provider records audits, notifies non-conformities, reviews plans and suspends access.",
)
AUDIT_INVALID = define(
    "SEC-091",
    422,
    "Unprocessable Entity",
    "Audit incomplet : {detail}",
    "Incomplete audit: {detail}",
)
NON_CONFORMITY_INVALID = define(
    "SEC-092",
    422,
    "Unprocessable Entity",
    "Non-conformité incomplète : {detail}",
    "Incomplete non-conformity: {detail}",
)
NO_SECURITY_CONTACT = define(
    "SEC-093",
    422,
    "Unprocessable Entity",
    "L'opérateur {operator} n'a pas de courriel de contact sécurité : la non-conformité ne peut pas lui être notifiée. Faites-le renseigner sur sa fiche.",
    "Operator {operator} has no security contact email: the non-conformity cannot be notified. Have it filled in on its record.",
)
TRANSITION = define(
    "SEC-094",
    409,
    "Conflict",
    "{what} est « {status} » : impossible de passer à « {target} ».",
    "{what} is '{status}': it cannot move to '{target}'.",
)
PLAN_FORBIDDEN = define(
    "SEC-095",
    403,
    "Forbidden",
    "Déposer un plan de remise en conformité ou le suivre demande le droit « security:declare » ou le rôle d'administrateur de l'opérateur.",
    "Filing or following a remediation plan needs the right 'security:declare' or the operator administrator role.",
)
PLAN_INVALID = define(
    "SEC-096",
    422,
    "Unprocessable Entity",
    "Plan de remise en conformité incomplet : {detail}",
    "Incomplete remediation plan: {detail}",
)
REJECTION_REASON_REQUIRED = define(
    "SEC-097",
    422,
    "Unprocessable Entity",
    "Le motif du rejet est obligatoire : l'opérateur doit savoir quoi corriger.",
    "The reason for the rejection is required: the operator must know what to correct.",
)
NOT_IN_DEFAULT = define(
    "SEC-098",
    409,
    "Conflict",
    "L'opérateur n'est pas en défaut sur cette non-conformité (plan attendu au plus tard le {due}, aucune action en retard) : la suspension depuis l'audit n'est pas ouverte.",
    "The operator is not in default on this non-conformity (plan due by {due}, no late action): suspension from the audit is not open.",
)
ITEM_INVALID = define(
    "SEC-099",
    409,
    "Conflict",
    "Action n°{position} : {detail}",
    "Action no. {position}: {detail}",
)
