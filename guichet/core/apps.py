from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "guichet.core"
    label = "core"
    verbose_name = "Noyau"

    def ready(self) -> None:
        from guichet.core.api import schema  # noqa: F401 - registers the OpenAPI extensions
