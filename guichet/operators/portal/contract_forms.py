"""Portal forms of contracts: types and labels only, the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core.portal import ServiceErrorsMixin
from guichet.operators.models import DocumentKind, WholesaleOffer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignatureForm(ServiceErrorsMixin, forms.Form):
    """Signature d'une version, pour la Partie de la personne connectée."""

    signatory_name = forms.CharField(label=_("Nom et prénom du signataire"), required=False)
    signatory_capacity = forms.CharField(label=_("Qualité du signataire"), required=False)
    place = forms.CharField(
        label=_("Fait à"),
        required=False,
        help_text=_("Lieu porté au document lors de la première signature."),
    )
    signed_on = forms.DateField(label=_("Date de signature"), required=False, widget=DATE)


class ProviderSignatureForm(SignatureForm):
    operator = forms.TypedChoiceField(label=_("Opérateur"), coerce=int)
    document = forms.TypedChoiceField(label=_("Version à signer"), coerce=int)

    field_order = ["operator", "document"]

    def __init__(self, *args: Any, operators: list, documents: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = operators
        self.fields["document"].choices = documents


class PersonsField(forms.CharField):
    """One designated person per line: « Nom ; courriel ; identifiant »."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        rows = []
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")] + ["", ""]
            rows.append({"name": parts[0], "email": parts[1], "login": parts[2]})
        return rows


class OrderFormForm(ServiceErrorsMixin, forms.Form):
    """Bon de commande: l'e-service, les personnes désignées, un commentaire."""

    service = forms.ChoiceField(label=_("e-service"))
    designated_persons = PersonsField(
        label=_("Personnes désignées pour recevoir un identifiant"),
        required=False,
        help_text=_("Une personne par ligne : Nom Prénom ; courriel ; identifiant souhaité."),
    )
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, services: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "—"), *services]


class AcceptOrderForm(ServiceErrorsMixin, forms.Form):
    """Acceptation électronique par une personne habilitée."""

    signatory_name = forms.CharField(label=_("Nom et prénom du signataire"), required=False)
    signatory_capacity = forms.CharField(label=_("Qualité du signataire"), required=False)
    accept = forms.BooleanField(
        label=_(
            "J'accepte le bon de commande, les Conditions Spécifiques et les Conditions Générales "
            "en vigueur, et je suis habilité(e) à engager l'opérateur."
        ),
        required=True,
    )


class ScanForm(ServiceErrorsMixin, forms.Form):
    """Dépôt du bon de commande signé, scanné en PDF."""

    scan = forms.FileField(label=_("Bon de commande signé (PDF)"), required=False)
    signatory_name = forms.CharField(label=_("Nom et prénom du signataire"), required=False)
    signatory_capacity = forms.CharField(label=_("Qualité du signataire"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown beside the acceptance form: its own ids (same field names, unique ids).
        kwargs.setdefault("auto_id", "scan_%s")
        super().__init__(*args, **kwargs)


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActivateForm(ServiceErrorsMixin, forms.Form):
    activated_on = forms.DateField(
        label=_("Date d'activation"),
        required=False,
        widget=DATE,
        help_text=_("Jour où les utilisateurs de l'opérateur reçoivent les droits (article 1)."),
    )


class PublishForm(ServiceErrorsMixin, forms.Form):
    """Nouvelle version d'un document contractuel."""

    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    service = forms.ChoiceField(label=_("e-service (Conditions Spécifiques)"), required=False)
    version = forms.CharField(label=_("Version"), required=False)
    effective_on = forms.DateField(label=_("Entrée en vigueur"), widget=DATE)
    change_summary = forms.CharField(
        label=_("Résumé de la modification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    substantial = forms.BooleanField(
        label=_("Modification substantielle (ouvre une résiliation sans pénalité)"),
        required=False,
    )
    termination_notice_months = forms.IntegerField(
        label=_("Préavis de résiliation (mois)"), required=False, min_value=0
    )
    minimum_commitment_months = forms.IntegerField(
        label=_("Durée minimale d'engagement (mois)"), required=False, min_value=0
    )
    change_notice_days = forms.IntegerField(
        label=_("Préavis de modification (jours)"), required=False, min_value=0
    )
    handling_hours = forms.CharField(label=_("Heures de prise en charge"), required=False)
    maintenance_windows = forms.CharField(label=_("Fenêtres de maintenance"), required=False)
    body = forms.CharField(
        label=_("Texte (laisser vide pour reprendre la version précédente)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, services: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "—"), *services]


class WholesaleForm(ServiceErrorsMixin, forms.Form):
    operator = forms.TypedChoiceField(label=_("Opérateur"), coerce=int)
    offer = forms.ChoiceField(label=_("Offre de gros"), choices=WholesaleOffer.choices)
    reference = forms.CharField(label=_("Référence du contrat"), required=False)
    signed_on = forms.DateField(label=_("Signé le"), widget=DATE)

    def __init__(self, *args: Any, operators: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = operators
