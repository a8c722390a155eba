"""Forms of the audit pages: they shape the input; the services decide and their refusals
(stable codes SEC-09x) are shown on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.compliance.choices import AuditorKind, Requirement, Severity
from guichet.core.portal import DateInput, ServiceErrorsMixin

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
PLAN_ROWS = 6


class AuditForm(ServiceErrorsMixin, forms.Form):
    """Enregistrer un audit de sécurité (annexe 2 §5)."""

    operator = forms.TypedChoiceField(
        label=_("Opérateur audité"), coerce=int, empty_value=None, required=False
    )
    performed_on = forms.DateField(
        label=_("Date de l'audit"), required=False, input_formats=DATE_FORMATS, widget=DateInput()
    )
    auditor = forms.CharField(
        label=_("Auditeur"),
        max_length=200,
        required=False,
        help_text=_("Orange, ou le tiers choisi par Orange et agréé par l'opérateur."),
    )
    auditor_kind = forms.ChoiceField(
        label=_("Type d'auditeur"), choices=[("", "—"), *AuditorKind.choices], required=False
    )
    scope = forms.CharField(
        label=_("Périmètre"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ressources, sites et engagements de l'annexe 2 couverts par l'audit."),
    )
    findings = forms.CharField(
        label=_("Constats"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, operators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [("", "—"), *operators]


class NonConformityForm(ServiceErrorsMixin, forms.Form):
    """Une non-conformité relevée par l'audit."""

    requirement = forms.ChoiceField(
        label=_("Exigence de l'annexe 2 concernée"),
        choices=[("", "—"), *Requirement.choices],
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("Gravité"), choices=[("", "—"), *Severity.choices], required=False
    )
    description = forms.CharField(
        label=_("Description de la non-conformité"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RejectForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif du rejet (obligatoire)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Communiqué à l'opérateur, qui dépose un plan corrigé."),
    )


class SuspendForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Précisions sur la suspension"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Le motif cite d'office l'audit et la non-conformité ; ajoutez ce qui aide l'opérateur."
        ),
    )


class PlanForm(ServiceErrorsMixin, forms.Form):
    """Plan de remise en conformité: up to ``PLAN_ROWS`` actions; empty rows are ignored."""

    summary = forms.CharField(
        label=_("Présentation du plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Les mesures prises ou prévues, en quelques lignes."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, PLAN_ROWS + 1):
            self.fields[f"action_{row}"] = forms.CharField(
                label=_("Action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"owner_{row}"] = forms.CharField(
                label=_("Responsable"), max_length=150, required=False
            )
            self.fields[f"due_on_{row}"] = forms.DateField(
                label=_("Échéance"), required=False, input_formats=DATE_FORMATS, widget=DateInput()
            )

    def rows(self) -> list[tuple[int, list[Any]]]:
        return [
            (row, [self[f"action_{row}"], self[f"owner_{row}"], self[f"due_on_{row}"]])
            for row in range(1, PLAN_ROWS + 1)
        ]

    def items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        items = []
        for row in range(1, PLAN_ROWS + 1):
            values = {
                "action": data.get(f"action_{row}") or "",
                "owner": data.get(f"owner_{row}") or "",
                "due_on": data.get(f"due_on_{row}"),
            }
            if any(values.values()):
                items.append(values)
        return items
