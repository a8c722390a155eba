from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "guichet.network"
    label = "network"
    verbose_name = _("Inventaire réseau")

    def ready(self) -> None:
        from guichet.network.models import ImportJob
        from guichet.network.selectors import IMPORTS

        IMPORTS.watch(ImportJob)
