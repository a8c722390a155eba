"""Forms of the people and profiles pages: types and labels only, the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guichet.accounts.choices import IdentifierState
from guichet.accounts.models import Profile, Role
from guichet.accounts.rights import CATALOGUE, ROLE_BOUND_RIGHTS, grouped_catalogue
from guichet.core.errors import GuichetError


class GuichetFormMixin(forms.Form):
    """Accessible errors (``aria-invalid``, ``aria-describedby``) and service refusals shown in place."""

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-aide")
            if self.is_bound and name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                described.append(f"{bound.auto_id}-erreurs")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def add_guichet_error(self, error: GuichetError) -> None:
        """A refusal of a service, on its field when the form has it, with its stable code."""
        field = error.field if error.field in self.fields else None
        if field == "rights" and "rights" not in self.fields:
            field = None
        self.add_error(field, f"{error.message()} ({error.code})")
        self._mark_invalid()


class ProfileChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Profile) -> str:
        kind = _("modèle du Fournisseur") if obj.operator_id is None else _("profil de l'opérateur")
        return f"{obj.name} ({kind})"


class PersonForm(GuichetFormMixin, forms.Form):
    """Fiche d'une personne: names, email, role and profiles (the identifier only at creation)."""

    username = forms.CharField(
        label=_("Identifiant"),
        max_length=150,
        help_text=_(
            "L'identifiant de connexion, unique et jamais réutilisé (lettres, chiffres et . @ + - _)."
        ),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Courriel"),
        help_text=_("L'identifiant et le lien pour définir le mot de passe y sont envoyés."),
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text=_(
            "Administrateur : gère les personnes et les profils. Lecture seule : ne garde que les droits de consultation."
        ),
    )
    profiles = ProfileChoiceField(
        label=_("Profils"),
        queryset=Profile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Seuls les droits sur les e-services souscrits par l'opérateur sont effectifs."
        ),
    )

    def __init__(
        self,
        *args: Any,
        profiles: QuerySet[Profile],
        creating: bool,
        operators: QuerySet[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profiles"].queryset = profiles
        self.fields["username"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if not creating:
            del self.fields["username"]
        if operators is not None:
            self.fields["operator"] = forms.ModelChoiceField(
                label=_("Opérateur"), queryset=operators, empty_label=_("— choisir —")
            )
            self.order_fields(["operator", "username"])


class ConfirmForm(GuichetFormMixin, forms.Form):
    """An explicit confirmation of a state change (no field: the button is the consent)."""


def _rights_choices() -> list[tuple[str, str]]:
    return [(r.code, str(r.label)) for r in CATALOGUE if r.code not in ROLE_BOUND_RIGHTS]


class ProfileForm(GuichetFormMixin, forms.Form):
    """A profile: a name, a description and rights grouped per e-service."""

    name = forms.CharField(label=_("Nom du profil"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rights = forms.MultipleChoiceField(
        label=_("Droits"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        service_names: dict[str, str],
        available: frozenset[str] | None,
        operators: QuerySet[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rights"].choices = _rights_choices()
        self.service_names = service_names
        self.available = available
        if operators is not None:
            self.fields["operator"] = forms.ModelChoiceField(
                label=_("Opérateur"),
                queryset=operators,
                required=False,
                empty_label=_("Aucun : modèle du Fournisseur"),
            )
            self.order_fields(["operator", "name"])

    def rights_groups(self) -> list[dict[str, Any]]:
        """Checkboxes per area (one fieldset each); areas the operator may not use are marked."""
        chosen = set(self["rights"].value() or [])
        groups = []
        for area, label, rights in grouped_catalogue(self.service_names):
            options = [
                {
                    "code": right.code,
                    "label": right.label,
                    "checked": right.code in chosen,
                    "id": f"right-{right.code.replace(':', '-')}",
                }
                for right in rights
                if right.code not in ROLE_BOUND_RIGHTS
            ]
            if options:
                usable = self.available is None or area in self.available
                groups.append({"area": area, "label": label, "usable": usable, "rights": options})
        return groups


class PeopleFilterForm(forms.Form):
    """Filters of the people list (GET)."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous")), *IdentifierState.choices]
    )
    role = forms.ChoiceField(
        label=_("Rôle"), required=False, choices=[("", _("Tous")), *Role.choices]
    )
    profile = forms.ModelChoiceField(
        label=_("Profil"), required=False, queryset=Profile.objects.none(), empty_label=_("Tous")
    )

    def __init__(
        self,
        *args: Any,
        profiles: QuerySet[Profile],
        operators: QuerySet[Any] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = _("Identifiant, nom ou courriel.")
        self.fields["q"].widget.attrs["aria-describedby"] = "id_q-aide"
        self.fields["profile"].queryset = profiles
        if operators is not None:
            self.fields["operator"] = forms.ModelChoiceField(
                label=_("Opérateur"), required=False, queryset=operators, empty_label=_("Tous")
            )
