"""The main navigation: one entry per page a person may open, by side and by right.

Only URL names and right codes here: each page still checks its own access; the menu just
does not offer what would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guichet.core.context import Principal


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise
    # The person needs one of these rights (empty: every person of that side).
    any_of: tuple[str, ...] = ()
    superuser_only: bool = False


PROVIDER_MENU = (
    Entry("portal:backoffice", _("Back-office")),
    Entry("security:operator-list", _("Opérateurs")),
    Entry("people:backoffice-list", _("Personnes")),
    Entry("identifiers:tracking", _("Émission des identifiants")),
    Entry("credentials:backoffice", _("Accès système")),
    Entry("contracts-bo:documents", _("Contrats")),
    Entry("billing:bo-invoice-list", _("Facturation")),
    Entry("network:search", _("Inventaire réseau")),
    Entry("eligibility:search", _("Éligibilité")),
    Entry("eligibility-rules:zones", _("Règles d'éligibilité")),
    Entry("addresses:tao", _("TAO")),
    Entry("planning:load", _("Planification")),
    Entry("compliance:backoffice-list", _("Audits")),
    Entry("security:incident-list", _("Incidents")),
    Entry("audit:backoffice-journal", _("Journal")),
    Entry("notifications:email-list", _("Courriels")),
    Entry("admin:index", _("Administration"), superuser_only=True),
)
OPERATOR_MENU = (
    Entry("portal:dashboard", _("Tableau de bord")),
    Entry("eligibility:search", _("Éligibilité"), any_of=("eligibilite-ftte:read",)),
    Entry("addresses:tao", _("TAO"), any_of=("tao:read",)),
    Entry("appointments:search", _("Rendez-vous"), any_of=("e-rdv:read",)),
    Entry("people:list", _("Personnes"), any_of=("users:administer",)),
    Entry("people:profiles", _("Profils"), any_of=("users:administer",)),
    Entry("credentials:list", _("Accès système"), any_of=("users:administer",)),
    Entry("contracts:home", _("Contrats")),
    Entry("billing:invoice-list", _("Factures"), any_of=("invoices:read", "users:administer")),
    Entry(
        "security:incident-list", _("Incidents"), any_of=("security:declare", "users:administer")
    ),
    Entry(
        "compliance:list",
        _("Audits"),
        any_of=("security:declare", "journal:read", "users:administer"),
    ),
    Entry("audit:journal", _("Journal"), any_of=("journal:read", "users:administer")),
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise
    current: bool


def menu_for(principal: Principal, *, path: str, is_superuser: bool = False) -> list[Link]:
    """The entries ``principal`` may open, the one holding ``path`` marked current."""
    entries = PROVIDER_MENU if principal.is_provider else OPERATOR_MENU
    links = []
    for entry in entries:
        if entry.superuser_only and not is_superuser:
            continue
        if entry.any_of and not any(principal.has_right(code) for code in entry.any_of):
            continue
        links.append(Link(reverse(entry.url_name), entry.label, current=False))
    # The current entry is the longest URL that prefixes the path (« / » only for itself).
    best = max(
        (link for link in links if path == link.url or path.startswith(link.url.rstrip("/") + "/")),
        key=lambda link: len(link.url),
        default=None,
    )
    return [Link(link.url, link.label, link is best) for link in links]
