"""Forms of the billing pages: input types only, the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.billing.choices import InvoiceStatus, LiableParty, PriceKind
from guichet.core.portal import DateInput, ServiceErrorsMixin

SORTS = [
    ("-period", _("Mois, du plus récent")),
    ("period", _("Mois, du plus ancien")),
    ("-number", _("Numéro, décroissant")),
    ("number", _("Numéro, croissant")),
    ("-total", _("Montant TTC, décroissant")),
    ("total", _("Montant TTC, croissant")),
]
PROVIDER_SORTS = [
    *SORTS,
    ("operator", _("Opérateur, de A à Z")),
    ("-operator", _("Opérateur, de Z à A")),
]


class MonthInput(forms.TextInput):
    input_type = "month"


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Numéro, opérateur ou SIREN"), required=False, max_length=100)
    mois = forms.CharField(
        label=_("Mois facturé"),
        required=False,
        max_length=7,
        widget=MonthInput(),
        help_text=_("AAAA-MM"),
    )
    statut = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *InvoiceStatus.choices]
    )
    operateur = forms.TypedChoiceField(
        label=_("Opérateur"), required=False, coerce=int, empty_value=None
    )
    tri = forms.ChoiceField(label=_("Trier par"), required=False, choices=SORTS)

    def __init__(self, *args: Any, operators: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if operators is None:
            del self.fields["operateur"]
            del self.fields["statut"]
        else:
            self.fields["operateur"].choices = [("", _("Tous")), *operators]
            self.fields["tri"].choices = PROVIDER_SORTS


class GenerateForm(ServiceErrorsMixin, forms.Form):
    month = forms.CharField(
        label=_("Mois à facturer (échu)"),
        max_length=7,
        widget=MonthInput(),
        help_text=_("AAAA-MM, par exemple 2026-10."),
    )
    issue = forms.BooleanField(
        label=_("Émettre aussitôt (numéros et PDF définitifs)"), required=False
    )


class CreditNoteForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'avoir (obligatoire)"),
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )
    amount_ht = forms.CharField(
        label=_("Montant HT à créditer (€)"),
        required=False,
        max_length=20,
        help_text=_("Laisser vide pour créditer tout ce qui reste de la facture."),
    )


class PriceForm(ServiceErrorsMixin, forms.Form):
    service = forms.ChoiceField(label=_("E-service"))
    kind = forms.ChoiceField(label=_("Nature du prix"), choices=PriceKind.choices)
    amount = forms.CharField(
        label=_("Prix unitaire HT (€)"), max_length=20, help_text=_("Par exemple 300 ou 0,50.")
    )
    effective_from = forms.DateField(label=_("Date de prise d'effet"), widget=DateInput())
    label = forms.CharField(label=_("Libellé (facultatif)"), max_length=200, required=False)

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services


class AccountingExportForm(forms.Form):
    du = forms.DateField(label=_("Émises du"), widget=DateInput())
    au = forms.DateField(label=_("au"), widget=DateInput())


class ClaimForm(ServiceErrorsMixin, forms.Form):
    operator = forms.TypedChoiceField(label=_("Opérateur (contrat)"), coerce=int)
    liable_party = forms.ChoiceField(label=_("Partie responsable"), choices=LiableParty.choices)
    incident_reference = forms.CharField(label=_("Référence de l'incident"), max_length=100)
    incident_date = forms.DateField(label=_("Date de l'incident"), widget=DateInput())
    amount_claimed = forms.CharField(label=_("Montant réclamé (€)"), max_length=20)
    amount_retained = forms.CharField(
        label=_("Montant retenu (€, facultatif)"),
        max_length=20,
        required=False,
        help_text=_("Plafonné par la plateforme à ce qui reste sous les plafonds de l'article 8."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, operators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = operators


class DecideForm(ServiceErrorsMixin, forms.Form):
    amount_retained = forms.CharField(label=_("Montant retenu (€)"), max_length=20)
