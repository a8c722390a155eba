"""Stable error codes of bulk jobs: ELI-030..ELI-049 (job refusals and per-line errors)."""

from guichet.core.errors import define

FILE_EMPTY = define(
    "ELI-030",
    400,
    "Bad Request",
    "Fichier vide : une ligne d'en-tête puis au moins une ligne à traiter sont attendues.",
    "Empty file: a header line then at least one line to process are expected.",
)
TOO_MANY_ROWS = define(
    "ELI-031",
    413,
    "Payload Too Large",
    "Le fichier compte {rows} lignes : {limit} au plus par fichier. Découpez-le.",
    "The file holds {rows} lines: at most {limit} per file. Split it.",
)
HEADER_UNKNOWN = define(
    "ELI-032",
    400,
    "Bad Request",
    "En-tête non reconnu : {detail}. Colonnes possibles : {known}.",
    "Unknown header: {detail}. Known columns: {known}.",
)
FILE_TOO_LARGE = define(
    "ELI-033",
    413,
    "Payload Too Large",
    "Fichier trop volumineux : {size} octets, {limit} au plus.",
    "File too large: {size} bytes, at most {limit}.",
)
JOB_NOT_FINISHED = define(
    "ELI-034",
    409,
    "Conflict",
    "Le traitement n'est pas terminé (statut : {status}) : le fichier résultat n'est pas prêt.",
    "The job is not finished (status: {status}): the result file is not ready.",
)
JOB_NOT_CANCELLABLE = define(
    "ELI-035",
    409,
    "Conflict",
    "Ce traitement ne peut plus être annulé (statut : {status}).",
    "This job can no longer be cancelled (status: {status}).",
)
JOB_FAILED = define(
    "ELI-036",
    500,
    "Internal Server Error",
    "Le traitement a échoué de façon inattendue ; il peut être relancé.",
    "The job failed unexpectedly; it can be submitted again.",
)
JOB_RESULT_PURGED = define(
    "ELI-037",
    410,
    "Gone",
    "Le fichier résultat de ce traitement a été supprimé le {on}, {days} jours après la fin du traitement (durée de conservation des fichiers) : déposez de nouveau le fichier pour obtenir un nouveau résultat.",
    "The result file of this job was deleted on {on}, {days} days after the job ended (file retention period): submit the file again to get a new result.",
)
# --- Per line (written in the result file; the line is answered, the job goes on) -----------
LINE_ENCODING = define(
    "ELI-040",
    400,
    "Bad Request",
    "Ligne illisible : caractères invalides pour l'encodage du fichier ({encoding}).",
    "Unreadable line: invalid characters for the file's encoding ({encoding}).",
)
LINE_KEY_KIND = define(
    "ELI-041",
    400,
    "Bad Request",
    "Type de clé inconnu : {kind}. Types possibles : {known}.",
    "Unknown key kind: {kind}. Known kinds: {known}.",
)
LINE_TOO_LONG = define(
    "ELI-042",
    400,
    "Bad Request",
    "Ligne trop longue : {limit} octets au plus.",
    "Line too long: at most {limit} bytes.",
)
LINE_EMPTY = define(
    "ELI-043",
    400,
    "Bad Request",
    "Ligne vide.",
    "Empty line.",
)
