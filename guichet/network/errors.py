"""Stable error codes of the network inventory (imports, exports, inventory rules)."""

from guichet.core.errors import define

IMPORT_FILE_UNREADABLE = define(
    "NET-001",
    422,
    "Unprocessable Entity",
    "Fichier illisible : {detail}",
    "Unreadable file: {detail}",
)
IMPORT_MISSING_COLUMNS = define(
    "NET-002",
    422,
    "Unprocessable Entity",
    "Colonnes obligatoires absentes de {table} : {columns}.",
    "Mandatory columns missing from {table}: {columns}.",
)
IMPORT_ROW_INVALID = define(
    "NET-003",
    422,
    "Unprocessable Entity",
    "Valeur invalide en colonne {column} : {detail}",
    "Invalid value in column {column}: {detail}",
)
IMPORT_DUPLICATE_ID = define(
    "NET-004",
    422,
    "Unprocessable Entity",
    "Identifiant en double dans le fichier : {value} (déjà vu ligne {first_row}).",
    "Duplicate identifier in the file: {value} (first seen on row {first_row}).",
)
IMPORT_BAD_PTO = define(
    "NET-005",
    422,
    "Unprocessable Entity",
    "Référence PTO invalide : {value} (format ARCEP attendu OO-XXXX-XXXX).",
    "Invalid PTO reference: {value} (ARCEP format OO-XXXX-XXXX expected).",
)
IMPORT_UNKNOWN_REFERENCE = define(
    "NET-006",
    422,
    "Unprocessable Entity",
    "Référence inconnue en colonne {column} : {value}.",
    "Unknown reference in column {column}: {value}.",
)
IMPORT_ROWS_REJECTED = define(
    "NET-007",
    422,
    "Unprocessable Entity",
    "{count} ligne(s) en erreur : aucune modification n'a été appliquée.",
    "{count} row(s) in error: no change was applied.",
)
IMPORT_NOT_RUNNABLE = define(
    "NET-008",
    409,
    "Conflict",
    "Cet import ne peut plus être lancé (statut {status}).",
    "This import can no longer be run (status {status}).",
)
IMPORT_UNKNOWN_FORMAT = define(
    "NET-009",
    422,
    "Unprocessable Entity",
    "Format non reconnu : {detail}",
    "Unrecognised format: {detail}",
)
ILLEGAL_TRANSITION = define(
    "NET-010",
    409,
    "Conflict",
    "Passage de l'état « {current} » à « {target} » impossible.",
    "Cannot go from state '{current}' to '{target}'.",
)
IMPORT_INTERNAL = define(
    "NET-011",
    500,
    "Internal Server Error",
    "L'import s'est arrêté sur une erreur interne ; aucune modification n'a été appliquée.",
    "The import stopped on an internal error; no change was applied.",
)
