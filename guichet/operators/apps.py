from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperatorsConfig(AppConfig):
    name = "guichet.operators"
    label = "operators"
    verbose_name = _("Opérateurs")

    def ready(self) -> None:
        from guichet.operators.memos import ACCESS
        from guichet.operators.models import EService, Operator, Subscription, WholesaleContract

        ACCESS.watch(Operator, Subscription, WholesaleContract, EService)
