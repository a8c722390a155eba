"""Portal forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Connexion with the identifier (login) and the password."""

    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Vérifiez la saisie (majuscules et minuscules comptent)."
        ),
        "inactive": _(
            "Cet identifiant est désactivé. Contactez l'administrateur de votre opérateur."
        ),
        "suspended": _(
            "Accès suspendu : l'accès de votre opérateur à la plateforme est suspendu par le Fournisseur."
        ),
    }

    def confirm_login_allowed(self, user: object) -> None:
        super().confirm_login_allowed(user)
        operator = getattr(user, "operator", None)
        if operator is not None and operator.is_suspended:
            raise forms.ValidationError(self.error_messages["suspended"], code="suspended")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        # No autofocus: the skip link must stay the first stop of the keyboard (RGAA 12.7).
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
