"""Offers, reason codes and rule scopes of eligibility (ELI-01, ELI-02)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The e-service that answers every eligibility question (Annex 1: one e-service answers
# the FTTE offers and the FTTH question).
ESERVICE = "eligibilite-ftte"
RIGHT = "eligibilite-ftte:read"


class Offer(models.TextChoices):
    """What a qualification answers about: FTTH access and the three FTTE offers."""

    FTTH = "ftth-access", _("Accès FTTH (local raccordable)")
    FTTE_PASSIVE_NRO = "ftte-passive-nro", _("FTTE passif au NRO")
    FTTE_PASSIVE_PM = "ftte-passive-pm", _("FTTE passif au PM")
    FTTE_ACTIVE = "ftte-active", _("FTTE actif")


FTTE_OFFERS = (Offer.FTTE_PASSIVE_NRO, Offer.FTTE_PASSIVE_PM, Offer.FTTE_ACTIVE)
DEFAULT_OFFERS = (Offer.FTTH, *FTTE_OFFERS)


class Reason(models.TextChoices):
    """Reason codes of a ``notEligible`` answer, in the order they are reported."""

    UNKNOWN_ADDRESS = "unknownAddress", _("Adresse inconnue")
    AMBIGUOUS_ADDRESS = "ambiguousAddress", _("Adresse ambiguë : plusieurs adresses possibles")
    ABANDONED = "abandoned", _("Immeuble abandonné (ne sera pas raccordé)")
    NOT_DEPLOYED = "notDeployed", _("Réseau pas encore déployé")
    BEFORE_COMMERCIAL_OPENING = (
        "beforeCommercialOpening",
        _("Avant l'ouverture commerciale du PM"),
    )
    TEMPORARY_FREEZE = "temporaryFreeze", _("Gel temporaire des commandes")
    EXCLUSION_ZONE = "exclusionZone", _("Zone exclue de l'offre")
    NO_CONTRACT = "noContract", _("Contrat d'offre de gros non détenu")


REASON_ORDER = {code: index for index, code in enumerate(Reason.values)}


class Result(models.TextChoices):
    """The answer for one offer (TMF679 ``qualified`` / ``unqualified`` on the wire)."""

    ELIGIBLE = "eligible", _("Éligible")
    NOT_ELIGIBLE = "notEligible", _("Non éligible")


class ResolutionStatus(models.TextChoices):
    """How the place given was resolved (addresses.selectors.Resolution)."""

    FOUND = "found", _("Trouvée")
    AMBIGUOUS = "ambiguous", _("Ambiguë")
    UNKNOWN = "unknown", _("Inconnue")


class Scope(models.TextChoices):
    """What a Provider rule (exclusion zone, freeze) covers."""

    ALL = "all", _("Tout le réseau")
    COMMUNE = "commune", _("Commune (code INSEE)")
    PM = "pm", _("PM (référence)")
    BUILDING = "building", _("Immeuble (IdentifiantImmeuble)")
