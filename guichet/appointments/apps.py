"""e-RDV Grand Public (RDV-01..03): technicians' planning and real-time appointment booking."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "guichet.appointments"
    label = "appointments"
    verbose_name = _("e-RDV")

    def ready(self) -> None:
        # The error catalogue (/api/v1/errors) lists the codes of every imported module.
        from guichet.appointments import errors  # noqa: F401
