"""Forms of the system-credential pages: types and widgets only; the rules live in the services."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.accounts import ca
from guichet.accounts import credential_selectors as selectors
from guichet.accounts.choices import CredentialAccess
from guichet.accounts.services.credentials import DEFAULT_VALIDITY_DAYS, MAX_VALIDITY_DAYS
from guichet.operators.models import Operator


class CredentialForm(forms.Form):
    """What API keys and certificates share; ``operator`` is offered to the Provider only."""

    operator = forms.ModelChoiceField(
        label=_("Opérateur"), queryset=Operator.objects.none(), required=False
    )
    label = forms.CharField(
        label=_("Libellé"),
        max_length=100,
        help_text=_(
            "Le système qui utilisera cet accès, par exemple « SI commandes — production »."
        ),
    )
    access = forms.ChoiceField(
        label=_("Accès"),
        choices=CredentialAccess.choices,
        initial=CredentialAccess.READ,
        widget=forms.RadioSelect,
    )
    scopes = forms.MultipleChoiceField(
        label=_("E-services autorisés"), widget=forms.CheckboxSelectMultiple, required=False
    )
    allowed_networks = forms.CharField(
        label=_("Adresses sources autorisées"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Une adresse IP ou un réseau CIDR par ligne (ex. 203.0.113.10 ou 198.51.100.0/28) : "
            "les ressources déclarées de votre point d'accès. Tout appel venant d'ailleurs est refusé."
        ),
    )

    def __init__(self, *args: Any, operators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = selectors.eservice_choices()
        if operators is None:
            del self.fields["operator"]
        else:
            self.fields["operator"].queryset = operators
            self.fields["operator"].required = True

    def common(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "label": data["label"],
            "access": data["access"],
            "scopes": data["scopes"],
            "allowed_networks": data["allowed_networks"],
        }


class ApiKeyForm(CredentialForm):
    expires_on = forms.DateField(
        label=_("Expire le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Par défaut dans un an ; au plus dans deux ans."),
    )

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class CertificateForm(CredentialForm):
    GENERATE = "generate"
    CSR = "csr"

    mode = forms.ChoiceField(
        label=_("Bi-clé"),
        choices=[
            (CSR, _("J'envoie une demande de certificat (CSR) : la clé privée reste chez moi")),
            (
                GENERATE,
                _(
                    "La plateforme génère la bi-clé : la clé privée est téléchargeable une seule fois"
                ),
            ),
        ],
        initial=CSR,
        widget=forms.RadioSelect,
    )
    csr = forms.CharField(
        label=_("Demande de certificat (CSR, format PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "Par exemple : openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
            "-keyout client.key -out client.csr -subj /CN=client. Le sujet est remplacé par la plateforme."
        ),
    )
    validity_days = forms.IntegerField(
        label=_("Validité (jours)"),
        min_value=1,
        max_value=MAX_VALIDITY_DAYS,
        initial=DEFAULT_VALIDITY_DAYS,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == self.CSR and not (data.get("csr") or "").strip():
            self.add_error(
                "csr", _("Collez la CSR, ou choisissez la génération par la plateforme.")
            )
        return data

    def csr_pem(self) -> str:
        return self.cleaned_data["csr"] if self.cleaned_data["mode"] == self.CSR else ""


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), required=False, max_length=200)


class RevokeCertificateForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=ca.RevocationReason.choices,
        initial=ca.RevocationReason.SUPERSEDED,
    )


class IdentityForm(forms.Form):
    reference = forms.CharField(
        label=_("Préfixe de clé, numéro de série ou empreinte"),
        max_length=120,
        help_text=_("Ex. gk_ab12cd34, apikey:gk_ab12cd34, cert:1A2B…, ou l'empreinte SHA-256."),
    )
