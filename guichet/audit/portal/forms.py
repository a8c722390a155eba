"""The journal viewer's filter form (SEC-04)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.audit.selectors import JournalFilter
from guichet.core.context import Channel
from guichet.core.portal import DateInput

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]  # as typed in French, or as a date picker sends it


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class JournalFilterForm(forms.Form):
    """Filters of the journal; every field optional. Dates are days in French local time."""

    operator = forms.TypedChoiceField(label=_("Opérateur"), required=False, coerce=int)
    person = forms.CharField(label=_("Identifiant"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("Début du nom de l'action, ex. « accounts.login »."),
    )
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, choices=[("", _("Tous")), *list(Channel.choices)]
    )
    since = forms.DateField(
        label=_("Du"), required=False, input_formats=DATE_FORMATS, widget=DateInput()
    )
    until = forms.DateField(
        label=_("Au (inclus)"), required=False, input_formats=DATE_FORMATS, widget=DateInput()
    )
    request_id = forms.CharField(label=_("Référence de requête"), required=False, max_length=64)
    ip = forms.GenericIPAddressField(label=_("Adresse IP"), required=False)

    def __init__(self, *args: Any, operators: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if operators is None:
            # An operator's administrator sees its own operator only: no choice to offer.
            del self.fields["operator"]
        else:
            self.fields["operator"].choices = [("", _("Tous")), *operators]
        for name in ("action", "request_id"):
            self.fields[name].widget.attrs["spellcheck"] = "false"
        self.fields["person"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("La date de fin précède la date de début."))
        return data

    def journal_filter(self) -> JournalFilter:
        """The filters as the selector takes them (only call after ``is_valid()``)."""
        data = self.cleaned_data
        return JournalFilter(
            operator_id=data.get("operator") or None,
            person=data.get("person", ""),
            action=data.get("action", ""),
            channel=data.get("channel", ""),
            since=_start_of(data["since"]) if data.get("since") else None,
            until=_start_of(data["until"] + timedelta(days=1)) if data.get("until") else None,
            request_id=data.get("request_id", ""),
            ip=data.get("ip") or "",
        )
