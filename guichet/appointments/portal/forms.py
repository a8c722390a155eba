"""Portal forms of e-RDV: types and labels only, the rules live in the services."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.appointments.choices import (
    AppointmentStatus,
    InterventionType,
    TechnicianKind,
)
from guichet.core.portal import DateTimeLocalInput, ServiceErrorsMixin
from guichet.operators.portal.forms import DATETIME_FORMATS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON = forms.Textarea(attrs={"rows": 2, "maxlength": 250})
WEEKDAYS = (
    _("Lundi"),
    _("Mardi"),
    _("Mercredi"),
    _("Jeudi"),
    _("Vendredi"),
    _("Samedi"),
    _("Dimanche"),
)


class TypeForm(forms.Form):
    """The intervention type next to the address box (raccordement by default)."""

    type = forms.ChoiceField(
        label=_("Type d'intervention"),
        choices=InterventionType.choices,
        required=False,
    )

    def kind(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("type") or InterventionType.FTTH_CONNECTION


class BookForm(ServiceErrorsMixin, forms.Form):
    """The slot picked in the week view, and the operator's own references."""

    creneau = forms.CharField(max_length=20, required=False)
    external_id = forms.CharField(
        label=_("Votre référence (facultatif)"),
        max_length=100,
        required=False,
        help_text=_("Par exemple le numéro de commande ou de client dans votre système."),
    )
    comment = forms.CharField(
        label=_("Commentaire pour le technicien (facultatif)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    order_reference = forms.CharField(
        label=_("Référence de la commande d'accès (facultatif)"), max_length=100, required=False
    )


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Motif de l'annulation"), required=False, widget=REASON)


class MoveForm(ServiceErrorsMixin, forms.Form):
    """A planner's move: the reason is sent to the operator."""

    reason = forms.CharField(
        label=_("Motif du déplacement (transmis à l'opérateur)"), required=False, widget=REASON
    )


class ProviderCancelForm(ServiceErrorsMixin, forms.Form):
    """A planner's cancellation: the reason is sent to the operator."""

    reason = forms.CharField(
        label=_("Motif de l'annulation (transmis à l'opérateur)"), required=False, widget=REASON
    )


class OutcomeForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Résultat"),
        choices=[(AppointmentStatus.DONE, _("Réalisé")), (AppointmentStatus.MISSED, _("Manqué"))],
    )
    reason = forms.CharField(label=_("Commentaire (facultatif)"), required=False, widget=REASON)


class FilterForm(forms.Form):
    """Filters of « Mes rendez-vous » (GET)."""

    statut = forms.ChoiceField(
        label=_("Statut"), choices=[("", _("Tous")), *AppointmentStatus.choices], required=False
    )
    type = forms.ChoiceField(
        label=_("Type d'intervention"),
        choices=[("", _("Tous")), *InterventionType.choices],
        required=False,
    )
    du = forms.DateField(label=_("Du"), required=False, widget=DATE)
    au = forms.DateField(label=_("Au"), required=False, widget=DATE)
    q = forms.CharField(
        label=_("Recherche"),
        max_length=200,
        required=False,
        help_text=_("IdRdv, référence PTO, votre référence ou des mots de l'adresse."),
    )

    def criteria(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("statut") or "",
            "intervention_type": data.get("type") or "",
            "starts_from": data.get("du"),
            "starts_to": data.get("au"),
            "search": data.get("q") or "",
        }


# --- Planning (back-office) -------------------------------------------------------------------

_RANGE = re.compile(r"^(\d{1,2})[:h](\d{2})\s*[-–à]\s*(\d{1,2})[:h](\d{2})$")


def parse_ranges(text: str) -> list[tuple[time, time]]:
    """« 08:00-12:00, 13:30-17:30 » → [(08:00, 12:00), (13:30, 17:30)]."""
    ranges = []
    for part in re.split(r"[,;]", text or ""):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.match(part)
        if not match:
            raise forms.ValidationError(
                _("Plage « %(part)s » illisible : écrivez par exemple 08:00-12:00."),
                params={"part": part},
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            ranges.append((time(h1, m1), time(h2, m2)))
        except ValueError as exc:
            raise forms.ValidationError(
                _("Heure invalide dans « %(part)s »."), params={"part": part}
            ) from exc
    return ranges


def format_ranges(ranges: list[tuple[time, time]]) -> str:
    return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in ranges)


def _codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", text or "") if code]


class TechnicianForm(ServiceErrorsMixin, forms.Form):
    """Technicien ou équipe: identity, skills, capacity, areas and weekly hours."""

    name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=TechnicianKind.choices)
    company = forms.CharField(label=_("Entreprise sous-traitante"), max_length=150, required=False)
    skills = forms.MultipleChoiceField(
        label=_("Compétences"),
        choices=InterventionType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    daily_capacity = forms.IntegerField(
        label=_("Capacité journalière"),
        min_value=1,
        max_value=50,
        help_text=_("Nombre d'interventions au plus par jour."),
    )
    active = forms.BooleanField(label=_("Actif (proposé à la réservation)"), required=False)
    communes = forms.CharField(
        label=_("Communes (codes INSEE)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Séparés par des espaces ou des virgules, par exemple 79191 79049."),
    )
    pms = forms.CharField(
        label=_("Zones de PM (références PM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Séparées par des espaces ou des virgules."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday, label in enumerate(WEEKDAYS):
            self.fields[f"hours_{weekday}"] = forms.CharField(
                label=_("Horaires : %(day)s") % {"day": label},
                required=False,
                help_text=_("Par exemple 08:00-12:00, 13:30-17:30 ; vide : ne travaille pas."),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[int, list[tuple[time, time]]] = {}
        for weekday in range(7):
            name = f"hours_{weekday}"
            try:
                ranges = parse_ranges(data.get(name, ""))
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            if ranges:
                hours[weekday] = ranges
        data["hours"] = hours
        data["commune_list"] = _codes(data.get("communes", ""))
        data["pm_list"] = _codes(data.get("pms", ""))
        return data

    @classmethod
    def initial_for(cls, technician: Any) -> dict[str, Any]:
        areas = list(technician.areas.all())
        initial: dict[str, Any] = {
            "name": technician.name,
            "kind": technician.kind,
            "company": technician.company,
            "skills": list(technician.skills or []),
            "daily_capacity": technician.daily_capacity,
            "active": technician.active,
            "communes": " ".join(a.value for a in areas if a.kind == "commune"),
            "pms": " ".join(a.value for a in areas if a.kind == "pm"),
        }
        by_day: dict[int, list[tuple[time, time]]] = {}
        for h in technician.hours.all():
            by_day.setdefault(h.weekday, []).append((h.starts_at, h.ends_at))
        for weekday, ranges in by_day.items():
            initial[f"hours_{weekday}"] = format_ranges(sorted(ranges))
        return initial


class AbsenceForm(ServiceErrorsMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début"), input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput()
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput()
    )
    reason = forms.CharField(label=_("Motif"), max_length=200, required=False)


class SlotTemplateForm(ServiceErrorsMixin, forms.Form):
    intervention_type = forms.ChoiceField(
        label=_("Type d'intervention"), choices=InterventionType.choices
    )
    starts_at = forms.TimeField(
        label=_("De"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("À"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    capacity = forms.IntegerField(
        label=_("Interventions par technicien"), min_value=1, max_value=50, initial=1
    )


class SlotTemplateEditForm(ServiceErrorsMixin, forms.Form):
    capacity = forms.IntegerField(
        label=_("Interventions par technicien"), min_value=1, max_value=50
    )
    active = forms.BooleanField(label=_("Proposé à la réservation"), required=False)


class LoadForm(forms.Form):
    """The planner's load view: a day or a week, one area."""

    vue = forms.ChoiceField(
        label=_("Affichage"),
        choices=[("semaine", _("Semaine")), ("jour", _("Jour"))],
        required=False,
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    zone = forms.ChoiceField(label=_("Zone"), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {"commune": _("Commune"), "pm": _("PM")}
        self.fields["zone"].choices = [("", _("Toutes les zones"))] + [
            (value, f"{labels.get(kind, kind)} {value}") for kind, value in areas
        ]
