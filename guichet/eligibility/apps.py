"""Eligibilité FTTE/FTTH (ELI-01..03): per-offer answers from the network inventory."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "guichet.eligibility"
    label = "eligibility"
    verbose_name = _("Éligibilité")

    def ready(self) -> None:
        # The error catalogue (/api/v1/errors) lists the codes of every imported module.
        from guichet.eligibility import errors  # noqa: F401
        from guichet.eligibility.models import ExclusionZone, TemporaryFreeze
        from guichet.eligibility.selectors import RULES

        RULES.watch(ExclusionZone, TemporaryFreeze)
