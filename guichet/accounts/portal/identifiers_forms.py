"""Forms of the identifier pages. They only collect input: the rules live in the services.

Every field is described for assistive technologies: its help text and its errors are
linked with ``aria-describedby`` and an invalid field carries ``aria-invalid``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.accounts.choices import DeactivationReason, SecurityLevel
from guichet.accounts.passwords import LEVEL_RULES, RECOMMENDED_LEVEL
from guichet.core.errors import GuichetError


class AccessibleForm(forms.Form):
    """Links help texts and errors to their field (RGAA 11.10, WCAG 3.3.1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe()

    def _describe(self) -> None:
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"{self[name].auto_id}-aide")
            if self._errors and name in self._errors:
                ids.append(f"{self[name].auto_id}-erreurs")
                field.widget.attrs["aria-invalid"] = "true"
            if ids and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def add_guichet_error(self, exc: GuichetError) -> None:
        """Show a service's refusal on the field it names (the whole form otherwise)."""
        field = exc.field if exc.field in self.fields else None
        problems = exc.params.get("problems")
        messages = list(problems) if problems else [exc.message()]
        for message in messages:
            self.add_error(field, message)
        self._describe()


def _password_field(label: Any, autocomplete: str, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def level_choices() -> list[tuple[str, Any]]:
    choices = []
    for value, label in SecurityLevel.choices:
        if value == RECOMMENDED_LEVEL:
            label = _("%(level)s (recommandé)") % {"level": label}
        choices.append((value, label))
    return choices


class LevelField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=level_choices, label=_("Niveau de sécurité"), **kwargs)


class LevelChoiceMixin:
    """Gives templates each level's radio data and its rules, so each radio is described."""

    def level_options(self) -> list[dict[str, Any]]:
        bound = self["level"]  # type: ignore[index]
        current = str(bound.value() or "")
        return [
            {
                "value": value,
                "label": label,
                "id": f"{bound.auto_id}_{index}",
                "checked": value == current,
                "summary": LEVEL_RULES[value].summary,
                "recommended": value == RECOMMENDED_LEVEL,
            }
            for index, (value, label) in enumerate(level_choices())
        ]


class InitialPasswordForm(LevelChoiceMixin, AccessibleForm):
    """Choix du niveau et du mot de passe, from the emailed link."""

    level = LevelField(initial=RECOMMENDED_LEVEL)
    password1 = _password_field(
        _("Nouveau mot de passe"),
        "new-password",
        _("Les règles dépendent du niveau choisi ; voir ci-dessus."),
    )
    password2 = _password_field(_("Confirmation du mot de passe"), "new-password")


def _code_field(label: Any, help_text: Any, inputmode: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": inputmode, "spellcheck": "false"}
        ),
    )


class CodeForm(AccessibleForm):
    """The first TOTP code, confirming an enrolment."""

    code = _code_field(
        _("Code à 6 chiffres"), _("Affiché par votre application d'authentification."), "numeric"
    )


class LoginCodeForm(AccessibleForm):
    """Second login step: a TOTP code or a recovery code."""

    code = _code_field(
        _("Code d'authentification"),
        _("Le code à 6 chiffres de votre application, ou l'un de vos codes de secours."),
        "text",
    )


class PasswordChangeForm(AccessibleForm):
    """Renouvellement du mot de passe."""

    current_password = _password_field(_("Mot de passe actuel"), "current-password")
    password1 = _password_field(
        _("Nouveau mot de passe"),
        "new-password",
        _("Il doit respecter les règles de votre niveau de sécurité."),
    )
    password2 = _password_field(_("Confirmation du nouveau mot de passe"), "new-password")


class LevelChangeForm(LevelChoiceMixin, AccessibleForm):
    """Changement de niveau: the password is checked again against the new level's rules."""

    level = LevelField()
    current_password = _password_field(_("Mot de passe actuel"), "current-password")
    password1 = _password_field(
        _("Nouveau mot de passe (facultatif)"),
        "new-password",
        _("À remplir si votre mot de passe actuel ne respecte pas les règles du nouveau niveau."),
    )
    password2 = _password_field(_("Confirmation du nouveau mot de passe"), "new-password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].required = False
        self.fields["password2"].required = False


class DeclareLostForm(AccessibleForm):
    """Déclaration de perte ou de fraude (IAM-06)."""

    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=[
            (DeactivationReason.LOST, DeactivationReason.LOST.label),
            (DeactivationReason.FRAUD, DeactivationReason.FRAUD.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Circonstances (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IssuanceFilterForm(forms.Form):
    """Filtres du suivi des émissions (IAM-03)."""

    operator = forms.TypedChoiceField(
        label=_("Opérateur"), required=False, coerce=int, empty_value=None
    )
    late = forms.BooleanField(label=_("En retard uniquement"), required=False)

    def __init__(self, *args: Any, operators: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [("", _("Tous les opérateurs"))] + [
            (operator.pk, f"{operator.name} ({operator.arcep_code})") for operator in operators
        ]
