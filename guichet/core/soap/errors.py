"""Stable error codes of the SOAP door (refusals of the message itself, before any service)."""

from __future__ import annotations

from guichet.core.errors import define

XML_MALFORMED = define(
    "SOAP-XML",
    400,
    "Bad Request",
    "Le message n'est pas un document XML bien formé : {detail}",
    "The message is not a well-formed XML document: {detail}",
)
DTD_REFUSED = define(
    "SOAP-DTD",
    400,
    "Bad Request",
    "Les déclarations DOCTYPE et les entités XML sont refusées.",
    "DOCTYPE declarations and XML entities are refused.",
)
NOT_AN_ENVELOPE = define(
    "SOAP-ENVELOPE",
    400,
    "Bad Request",
    "Le message n'est pas une enveloppe SOAP 1.1 valide : {detail}",
    "The message is not a valid SOAP 1.1 envelope: {detail}",
)
HEADER_NOT_UNDERSTOOD = define(
    "SOAP-HEADER",
    400,
    "Bad Request",
    "L'en-tête SOAP {header} est marqué mustUnderstand mais n'est pas pris en charge.",
    "SOAP header {header} is marked mustUnderstand but is not supported.",
)
UNKNOWN_OPERATION = define(
    "SOAP-OPERATION",
    400,
    "Bad Request",
    "Opération inconnue pour ce service : {detail}",
    "Unknown operation for this service: {detail}",
)
SCHEMA_INVALID = define(
    "SOAP-SCHEMA",
    400,
    "Bad Request",
    "Le message n'est pas conforme au schéma : {reason} (chemin {path})",
    "The message does not conform to the schema: {reason} (path {path})",
)
OPERATION_UNAVAILABLE = define(
    "SOAP-UNAVAILABLE",
    501,
    "Not Implemented",
    "L'opération {operation} n'est pas encore disponible sur ce service.",
    "Operation {operation} is not available on this service yet.",
)
RESPONSE_INVALID = define(
    "SOAP-RESPONSE",
    500,
    "Internal Server Error",
    "La réponse produite n'est pas conforme au contrat ; l'incident a été journalisé "
    "(référence {request_id}).",
    "The response produced does not conform to the contract; the incident has been logged "
    "(reference {request_id}).",
)
