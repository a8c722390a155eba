from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressesConfig(AppConfig):
    name = "guichet.addresses"
    label = "addresses"
    verbose_name = _("Adresses et TAO")

    def ready(self) -> None:
        from guichet.addresses.signals import on_inventory_changed
        from guichet.network.signals import inventory_changed

        inventory_changed.connect(on_inventory_changed, dispatch_uid="addresses.refresh_index")
