"""Forms of the security pages: incidents (SEC-07), suspension (SEC-08), security contact.

Rules live in the services: a form only shapes the input, and the services' refusals
(with their stable codes) are shown on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.core.portal import DateTimeLocalInput, ServiceErrorsMixin
from guichet.operators.models import IncidentSeverity

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d"]


class IncidentForm(ServiceErrorsMixin, forms.Form):
    """Déclaration d'un incident de sécurité."""

    operator = forms.TypedChoiceField(
        label=_("Opérateur concerné"), required=False, coerce=int, empty_value=None
    )
    title = forms.CharField(label=_("Objet"), max_length=200, required=False)
    severity = forms.ChoiceField(
        label=_("Gravité"), choices=[("", "—"), *IncidentSeverity.choices], required=False
    )
    occurred_at = forms.DateTimeField(
        label=_("Survenu le"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=_("Date et heure de détection ou de survenue, si connues."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ce qui a été constaté, les ressources touchées, les mesures déjà prises et "
            "comment vous joindre."
        ),
    )

    def __init__(self, *args: Any, operators: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if operators is None:
            del self.fields["operator"]  # an operator declares for itself
        else:
            self.fields["operator"].choices = [("", "—"), *operators]


class SuspendForm(ServiceErrorsMixin, forms.Form):
    """Suspendre l'accès d'un opérateur: the reason is required (checked by the service)."""

    reason = forms.CharField(
        label=_("Motif de la suspension (obligatoire)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Communiqué à l'opérateur (contact sécurité et administrateurs) et conservé au journal."
        ),
    )


class LiftForm(ServiceErrorsMixin, forms.Form):
    """Lever la suspension: a note says how the incident was resolved."""

    note = forms.CharField(
        label=_("Note de levée (obligatoire)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Comment l'incident a été résolu ; communiquée à l'opérateur."),
    )


class SecurityContactForm(ServiceErrorsMixin, forms.Form):
    """Le point de contact sécurité de l'opérateur (annexe 2 §4 et §7)."""

    security_contact_name = forms.CharField(label=_("Nom"), max_length=150)
    security_contact_email = forms.EmailField(
        label=_("Courriel"),
        help_text=_(
            "Une adresse d'équipe (ex. securite@…) reste valable quand les personnes changent."
        ),
    )
    security_contact_phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["security_contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["security_contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["security_contact_phone"].widget.attrs["autocomplete"] = "tel"
