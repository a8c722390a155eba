from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "guichet.core"
    label = "core"
    verbose_name = "Noyau"

    def ready(self) -> None:
        from guichet.core.api import schema  # noqa: F401 - registers the OpenAPI extensions
        from guichet.core.soap import errors  # noqa: F401 - registers the SOAP error codes

        # Every app's stable error codes are known from start-up (the /api/v1/errors catalogue).
        autodiscover_modules("errors")
