"""Forms of the « Règles d'éligibilité » back-office pages: what the Provider types, checked
for shape only; the rules themselves (known target, dates in order, no duplicate) are the
services' (one write path), their refusals shown on the field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core.portal import DateInput, ServiceErrorsMixin
from guichet.eligibility.choices import Offer, Scope

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
BAD_DATE = _("Date invalide : saisissez-la au format JJ/MM/AAAA.")


def _offer() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Offre"),
        choices=[("", _("Toutes les offres")), *Offer.choices],
        required=False,
        help_text=_("Laissez « Toutes les offres » pour que la règle vaille pour chacune."),
    )


def _scope() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Portée"),
        choices=[("", "—"), *Scope.choices],
        error_messages={"required": _("Choisissez la portée de la règle.")},
    )


def _value() -> forms.CharField:
    return forms.CharField(
        label=_("Cible"),
        max_length=30,
        required=False,
        help_text=_(
            "Code INSEE de la commune (5 caractères), référence du PM ou IdentifiantImmeuble, "
            "selon la portée ; vide pour tout le réseau."
        ),
    )


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("Motif"),
        max_length=250,
        required=False,
        help_text=_(
            "Pour le Fournisseur : jamais montré aux opérateurs, qui ne voient que le code."
        ),
    )


def _ends_on() -> forms.DateField:
    return forms.DateField(
        label=_("Au (inclus)"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": BAD_DATE},
        help_text=_("Dernier jour du gel ; vide : jusqu'à sa levée."),
    )


class ExclusionZoneForm(ServiceErrorsMixin, forms.Form):
    """Nouvelle zone d'exclusion."""

    scope = _scope()
    value = _value()
    offer = _offer()
    reason = _reason()


class FreezeForm(ServiceErrorsMixin, forms.Form):
    """Nouveau gel temporaire."""

    scope = _scope()
    value = _value()
    offer = _offer()
    starts_on = forms.DateField(
        label=_("Du"),
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"required": _("Indiquez le premier jour du gel."), "invalid": BAD_DATE},
    )
    ends_on = _ends_on()
    reason = _reason()


class FreezeEndForm(ServiceErrorsMixin, forms.Form):
    """Avancer, prolonger ou rendre ouverte la fin d'un gel."""

    ends_on = _ends_on()
