"""The catalogue of rights (IAM-07) and the effective rights of a person (IAM-08, IAM-10).

A right is ``<area>:<feature>``: the area is an e-service code of the catalogue (Annex 1)
or a platform area (people, contracts, invoices, journal, security). A profile
(« Profil », art. 1) is a named set of rights; a person's effective rights are the union
of its profiles' rights, restricted to what its operator subscribes to *today*.

This module sits beside the models: ``User.rights()`` delegates to :func:`rights_of`, so
it must not import the accounts services or selectors (import-linter layers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guichet.accounts.choices import IdentifierState
from guichet.accounts.models import Role
from guichet.core.context import Principal
from guichet.operators.selectors import active_subscriptions_for


@dataclass(frozen=True)
class Right:
    """One right of the catalogue, e.g. ``e-rdv:book`` « Réserver un rendez-vous »."""

    code: str
    label: str | Promise

    @property
    def area(self) -> str:
        return self.code.split(":", 1)[0]

    @property
    def feature(self) -> str:
        return self.code.split(":", 1)[1]

    @property
    def is_read(self) -> bool:
        return self.feature == "read"


# Platform areas: they come with the General Conditions themselves, whatever the
# subscriptions (people, contract documents, invoices, the journal, security).
PLATFORM_AREAS: dict[str, str | Promise] = {
    "users": _("Personnes et profils"),
    "contracts": _("Contrats"),
    "invoices": _("Factures"),
    "journal": _("Journal d'audit"),
    "security": _("Sécurité"),
}
# e-soutien is part of the General Conditions (Annex 3 §2): no order form needed.
ALWAYS_AVAILABLE_AREAS = frozenset({*PLATFORM_AREAS, "e-soutien"})

ADMINISTER = "users:administer"
READ_PEOPLE = "users:read"
# Rights that only a role gives: a profile never carries them (no escalation by profile).
ROLE_BOUND_RIGHTS = frozenset({ADMINISTER})

CATALOGUE: tuple[Right, ...] = (
    Right("eligibilite-ftte:read", _("Consulter l'éligibilité FTTE")),
    Right("tao:read", _("Consulter la structure des adresses (TAO)")),
    Right("e-rdv:read", _("Consulter les rendez-vous")),
    Right("e-rdv:book", _("Réserver, modifier ou annuler un rendez-vous")),
    Right("e-sav:read", _("Consulter les signalisations SAV")),
    Right("e-sav:test", _("Lancer des tests sur les équipements")),
    Right("e-sav:file", _("Déposer une signalisation SAV")),
    Right("e-mutation:read", _("Consulter les mutations de fibre")),
    Right("e-mutation:mutate", _("Demander une mutation de fibre")),
    Right("e-soutien:read", _("Consulter les signalisations e-soutien")),
    Right("e-soutien:file", _("Déposer une signalisation e-soutien")),
    Right("eep:read", _("Consulter les fichiers échangés (EEP)")),
    Right("eep:exchange", _("Déposer et retirer des fichiers (EEP)")),
    Right(READ_PEOPLE, _("Consulter les personnes et les profils de son opérateur")),
    Right(ADMINISTER, _("Administrer les personnes et les profils (rôle Administrateur)")),
    Right("contracts:read", _("Consulter les contrats et bons de commande")),
    Right("invoices:read", _("Consulter les factures")),
    Right("journal:read", _("Consulter le journal d'audit de son opérateur")),
    Right("security:declare", _("Déclarer un incident de sécurité")),
)
RIGHTS: dict[str, Right] = {right.code: right for right in CATALOGUE}
ALL_RIGHTS = frozenset(RIGHTS)


def area_of(code: str) -> str:
    return code.split(":", 1)[0]


def is_read_right(code: str) -> bool:
    return code.endswith(":read")


def unknown_rights(codes: Iterable[str]) -> list[str]:
    """The codes that are not in the catalogue, in the order given."""
    return [code for code in codes if code not in RIGHTS]


def available_areas(subscribed_services: Iterable[str]) -> frozenset[str]:
    """Areas an operator may use: its subscribed e-services plus what comes with the contract."""
    return ALWAYS_AVAILABLE_AREAS | frozenset(subscribed_services)


def effective_rights(
    profile_rights: Iterable[str], *, role: str, subscribed_services: Iterable[str]
) -> frozenset[str]:
    """The rule of IAM-07/IAM-10, without any query.

    Union of the profiles' rights, limited to known rights of available areas; role-bound
    rights never come from a profile; ``users:administer`` comes with the admin role; a
    read-only person keeps only ``:read`` rights.
    """
    areas = available_areas(subscribed_services)
    granted = {
        code
        for code in profile_rights
        if code in RIGHTS and code not in ROLE_BOUND_RIGHTS and area_of(code) in areas
    }
    if role == Role.ADMIN:
        granted |= {ADMINISTER, READ_PEOPLE}
    if role == Role.READ_ONLY:
        granted = {code for code in granted if is_read_right(code)}
    return frozenset(granted)


def subscribed_services_of(operator_id: int, *, login: str = "") -> frozenset[str]:
    """Codes of the e-services ``operator_id`` subscribes to today (one query)."""
    viewer = Principal(person_id=None, login=login or "rights", operator_id=operator_id)
    codes = active_subscriptions_for(viewer).values_list("service__code", flat=True)
    return frozenset(codes)


_CACHE_ATTR = "_guichet_rights"


def rights_of(user: Any, *, subscribed_services: Iterable[str] | None = None) -> frozenset[str]:
    """Effective rights of a person (two queries: profiles, subscriptions), cached on the instance.

    ``request.user`` lives for one request, so the cache lasts one request; call
    :func:`forget_rights` after changing a person's profiles or role in the same request.
    Prefetched profiles and ``subscribed_services`` (codes of the person's operator) save
    the queries when listing many people. Provider staff hold every right; a deactivated
    or deleted identifier holds none (a pending one shows what it will hold).
    """
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.operator_id is None:
        rights = ALL_RIGHTS
    elif user.state in (IdentifierState.DEACTIVATED, IdentifierState.DELETED):
        rights = frozenset()
    else:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("profiles")
        rows = (
            [profile.rights for profile in prefetched]
            if prefetched is not None
            else user.profiles.values_list("rights", flat=True)
        )
        profile_rights = {code for codes in rows for code in (codes or ())}
        if subscribed_services is None:
            subscribed_services = subscribed_services_of(user.operator_id, login=user.username)
        rights = effective_rights(
            profile_rights, role=user.role, subscribed_services=subscribed_services
        )
    setattr(user, _CACHE_ATTR, rights)
    return rights


def forget_rights(user: Any) -> None:
    """Drop the per-request cache of :func:`rights_of`."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def grouped_catalogue(
    service_names: dict[str, str], *, codes: Iterable[str] | None = None
) -> list[tuple[str, str | Promise, list[Right]]]:
    """The catalogue (or ``codes`` of it) grouped per area, e-services first, for display."""
    wanted = set(codes) if codes is not None else None
    groups: dict[str, list[Right]] = {}
    for right in CATALOGUE:
        if wanted is None or right.code in wanted:
            groups.setdefault(right.area, []).append(right)
    order = [*service_names, *PLATFORM_AREAS]
    return [
        (area, service_names.get(area) or PLATFORM_AREAS.get(area, area), groups[area])
        for area in sorted(groups, key=lambda a: order.index(a) if a in order else len(order))
    ]
