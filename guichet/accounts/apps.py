from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guichet.accounts"
    label = "accounts"
    verbose_name = _("Personnes et identifiants")

    def ready(self) -> None:
        from guichet.accounts.models import ApiKey, ClientCertificate, Profile, User
        from guichet.operators.memos import ACCESS

        ACCESS.watch(ApiKey, ClientCertificate, User, Profile)
