"""Statuses of the network inventory, with their transition maps (IPE protocol, DOMAIN.md §2.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuildingState(models.TextChoices):
    """EtatImmeuble of the IPE file (address or building level)."""

    TARGETED = "CIBLE", _("Ciblé")
    SIGNED = "SIGNE", _("Convention signée")
    DEPLOYING = "EN COURS DE DEPLOIEMENT", _("En cours de déploiement")
    DEPLOYED = "DEPLOYE", _("Déployé (raccordable)")
    ABANDONED = "ABANDONNE", _("Abandonné")


BUILDING_TRANSITIONS: dict[str, frozenset[str]] = {
    BuildingState.TARGETED: frozenset(
        {BuildingState.SIGNED, BuildingState.DEPLOYING, BuildingState.ABANDONED}
    ),
    BuildingState.SIGNED: frozenset({BuildingState.DEPLOYING, BuildingState.ABANDONED}),
    BuildingState.DEPLOYING: frozenset({BuildingState.DEPLOYED, BuildingState.ABANDONED}),
    BuildingState.DEPLOYED: frozenset({BuildingState.ABANDONED}),
    BuildingState.ABANDONED: frozenset(),
}

# GraceTHD l_adresse_etat codes → IPE states.
GRACETHD_BUILDING_STATES = {
    "CI": BuildingState.TARGETED,
    "SI": BuildingState.SIGNED,
    "EC": BuildingState.DEPLOYING,
    "DE": BuildingState.DEPLOYED,
    "AB": BuildingState.ABANDONED,
}


class PmState(models.TextChoices):
    """EtatPM of the IPE file (REST: PLANNED | DEPLOYING | DEPLOYED | ABANDONED)."""

    PLANNED = "PLANIFIE", _("Planifié")
    DEPLOYING = "EN COURS DE DEPLOIEMENT", _("En cours de déploiement")
    DEPLOYED = "DEPLOYE", _("Déployé")
    ABANDONED = "ABANDONNE", _("Abandonné")


PM_TRANSITIONS: dict[str, frozenset[str]] = {
    PmState.PLANNED: frozenset({PmState.DEPLOYING, PmState.ABANDONED}),
    PmState.DEPLOYING: frozenset({PmState.DEPLOYED, PmState.ABANDONED}),
    PmState.DEPLOYED: frozenset({PmState.ABANDONED}),
    PmState.ABANDONED: frozenset(),
}

# GraceTHD l_sro_etat / l_nro_etat codes.
GRACETHD_PM_STATES = {
    "PL": PmState.PLANNED,
    "EC": PmState.DEPLOYING,
    "DP": PmState.DEPLOYED,
    "AB": PmState.ABANDONED,
}


class BuildingType(models.TextChoices):
    """TypeImmeuble."""

    HOUSE = "PAVILLON", _("Pavillon")
    BLOCK = "IMMEUBLE", _("Immeuble")


class PremisesKind(models.TextChoices):
    """Use of a premises (GraceTHD l_suf_type / l_local_type_log)."""

    RESIDENTIAL = "R", _("Résidentiel")
    PROFESSIONAL = "P", _("Professionnel")
    ENTERPRISE = "E", _("Entreprise")
    PUBLIC = "U", _("Public / GFU")
    OPERATOR = "O", _("Opérateur")
    TECHNICAL = "T", _("Technique / objet")


class PtoState(models.TextChoices):
    """Whether the optical outlet is in place."""

    EXISTING = "existing", _("PTO existante")
    TO_BUILD = "to_build", _("PTO à construire")


class FibreState(models.TextChoices):
    """EtatFibre of e-Mutation (without the « dédiée » variants, carried by ``dedicated``)."""

    AVAILABLE = "disponible", _("Fibre disponible")
    RESERVED = "reservee", _("Fibre réservée")
    IN_USE = "occupee", _("Fibre occupée")
    OUT_OF_SERVICE = "hors_service", _("Fibre hors service")


FIBRE_TRANSITIONS: dict[str, frozenset[str]] = {
    FibreState.AVAILABLE: frozenset(
        {FibreState.RESERVED, FibreState.IN_USE, FibreState.OUT_OF_SERVICE}
    ),
    FibreState.RESERVED: frozenset(
        {FibreState.AVAILABLE, FibreState.IN_USE, FibreState.OUT_OF_SERVICE}
    ),
    FibreState.IN_USE: frozenset({FibreState.AVAILABLE, FibreState.OUT_OF_SERVICE}),
    FibreState.OUT_OF_SERVICE: frozenset({FibreState.AVAILABLE}),
}


class LineState(models.TextChoices):
    """Life of an access delivered to an operator on a premises."""

    ORDERED = "ordered", _("Commandée")
    ACTIVE = "active", _("En service")
    SUSPENDED = "suspended", _("Suspendue")
    TERMINATED = "terminated", _("Résiliée")


LINE_TRANSITIONS: dict[str, frozenset[str]] = {
    LineState.ORDERED: frozenset({LineState.ACTIVE, LineState.TERMINATED}),
    LineState.ACTIVE: frozenset({LineState.SUSPENDED, LineState.TERMINATED}),
    LineState.SUSPENDED: frozenset({LineState.ACTIVE, LineState.TERMINATED}),
    LineState.TERMINATED: frozenset(),
}


class ZoneType(models.TextChoices):
    """TypeZone: density of the area (1 ZTD high, 2 ZTD low, 3 ZMD)."""

    ZTD_HIGH = "1", _("ZTD haute densité")
    ZTD_LOW = "2", _("ZTD basse densité")
    ZMD = "3", _("ZMD")


class ImportKind(models.TextChoices):
    GRACETHD = "gracethd", _("GraceTHD")
    IPE = "ipe", _("IPE (Interop'Fibre)")
    BAN = "ban", _("BAN (adresses)")
    FANTOIR = "fantoir", _("FANTOIR / TOPO")
    GENERATED = "generated", _("Données générées")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Terminé")
    FAILED = "failed", _("Échoué")


IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.PENDING: frozenset({ImportStatus.RUNNING, ImportStatus.FAILED}),
    ImportStatus.RUNNING: frozenset({ImportStatus.SUCCEEDED, ImportStatus.FAILED}),
    ImportStatus.SUCCEEDED: frozenset(),
    ImportStatus.FAILED: frozenset(),
}


class IssueSeverity(models.TextChoices):
    ERROR = "error", _("Erreur (ligne rejetée)")
    WARNING = "warning", _("Avertissement (ligne acceptée)")
