"""Stable error codes of billing: prices (BIL-01, CTR-12), invoices (BIL-02/03), liability (CTR-13)."""

from guichet.core.errors import define

PROVIDER_ONLY = define(
    "BIL-001",
    403,
    "Forbidden",
    "Seul le Fournisseur peut effectuer cette opération de facturation.",
    "Only the Provider may perform this billing operation.",
)
PRICE_INVALID = define(
    "BIL-002",
    422,
    "Unprocessable Entity",
    "Prix invalide : {detail}",
    "Invalid price: {detail}",
)
E_SOUTIEN_FREE = define(
    "BIL-003",
    422,
    "Unprocessable Entity",
    "e-soutien est fourni sans contrepartie financière (annexe 3 §3) : son prix ne peut être que 0 €.",
    "e-soutien is provided free of charge (Annex 3 §3): its price can only be 0 €.",
)
PRICE_UNCHANGED = define(
    "BIL-004",
    422,
    "Unprocessable Entity",
    "Le prix programmé ({amount} €) est identique au prix en vigueur à cette date.",
    "The scheduled price ({amount} €) equals the price in force on that date.",
)
PRICE_DATE_TAKEN = define(
    "BIL-005",
    409,
    "Conflict",
    "Un prix « {kind} » de {service} prend déjà effet le {date} ou après : il faut d'abord l'annuler.",
    "A '{kind}' price of {service} already takes effect on {date} or later: cancel it first.",
)
PRICE_IN_PAST = define(
    "BIL-006",
    422,
    "Unprocessable Entity",
    "Un changement de prix ne peut pas prendre effet dans le passé ({date}).",
    "A price change cannot take effect in the past ({date}).",
)
PRICE_NOT_CANCELLABLE = define(
    "BIL-007",
    409,
    "Conflict",
    "Ce prix est déjà en vigueur depuis le {date} : il ne peut plus être annulé.",
    "This price has been in force since {date}: it can no longer be cancelled.",
)
USAGE_INVALID = define(
    "BIL-010",
    422,
    "Unprocessable Entity",
    "Usage invalide : {detail}",
    "Invalid usage: {detail}",
)
UNKNOWN_SERVICE = define(
    "BIL-011",
    404,
    "Not Found",
    "E-service inconnu : {code}.",
    "Unknown e-service: {code}.",
)
MONTH_INVALID = define(
    "BIL-020",
    422,
    "Unprocessable Entity",
    "Mois de facturation invalide « {value} » : attendu AAAA-MM, mois échu ou en cours.",
    "Invalid invoicing month '{value}': expected YYYY-MM, a past or current month.",
)
INVOICE_ISSUED = define(
    "BIL-021",
    409,
    "Conflict",
    "La facture {number} est émise : elle ne peut plus être modifiée ni supprimée ; corrigez-la par un avoir.",
    "Invoice {number} is issued: it can no longer be changed or deleted; correct it with a credit note.",
)
INVOICE_NOT_ISSUED = define(
    "BIL-022",
    409,
    "Conflict",
    "La facture n'est pas encore émise : un avoir ne corrige qu'une facture émise.",
    "The invoice is not issued yet: a credit note only corrects an issued invoice.",
)
INVOICE_EMPTY = define(
    "BIL-023",
    422,
    "Unprocessable Entity",
    "La facture n'a aucune ligne : elle ne peut pas être émise.",
    "The invoice has no line: it cannot be issued.",
)
CREDIT_TOO_HIGH = define(
    "BIL-024",
    422,
    "Unprocessable Entity",
    "L'avoir ({amount} € HT) dépasse le montant restant à créditer sur la facture ({remaining} € HT).",
    "The credit note ({amount} € excl. VAT) exceeds what remains creditable on the invoice ({remaining} € excl. VAT).",
)
CREDIT_REASON_REQUIRED = define(
    "BIL-025",
    422,
    "Unprocessable Entity",
    "Le motif de l'avoir est obligatoire.",
    "The reason for the credit note is required.",
)
PDF_UNAVAILABLE = define(
    "BIL-026",
    409,
    "Conflict",
    "Le PDF n'existe qu'une fois la facture émise.",
    "The PDF exists only once the invoice is issued.",
)
INVOICES_READ_FORBIDDEN = define(
    "BIL-027",
    403,
    "Forbidden",
    "Consulter les factures demande le droit « invoices:read » ou le rôle d'administrateur.",
    "Reading invoices requires the 'invoices:read' right or the administrator role.",
)
PRICE_NOTICE_TOO_SHORT = define(
    "CTR-121",
    422,
    "Unprocessable Entity",
    "Préavis insuffisant (article 10.2) : une {direction} de prix doit être notifiée {months} mois "
    "à l'avance ; prise d'effet possible au plus tôt le {earliest}.",
    "Notice too short (art. 10.2): a price {direction_en} must be notified {months} months "
    "ahead; the earliest effective date is {earliest}.",
)
CLAIM_INVALID = define(
    "CTR-131",
    422,
    "Unprocessable Entity",
    "Réclamation invalide : {detail}",
    "Invalid claim: {detail}",
)
CLAIM_ALREADY_DECIDED = define(
    "CTR-132",
    409,
    "Conflict",
    "Le montant retenu de cette réclamation est déjà arrêté.",
    "The amount retained for this claim is already decided.",
)
