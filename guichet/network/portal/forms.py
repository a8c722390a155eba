"""Forms of the inventory back-office: the search box and the import upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.network.choices import ImportKind
from guichet.network.selectors import SearchKind
from guichet.network.services import IMPORTERS


class SearchForm(forms.Form):
    """One search box and what it looks for (GET: results are bookmarkable)."""

    q = forms.CharField(label=_("Rechercher"), max_length=200, required=False, strip=True)
    type = forms.ChoiceField(
        label=_("Type de recherche"), choices=SearchKind.choices, required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def clean_type(self) -> str:
        return self.cleaned_data.get("type") or SearchKind.ADDRESS


class ImportForm(forms.Form):
    """Upload of a file to import in the background."""

    kind = forms.ChoiceField(
        label=_("Format du fichier"),
        choices=[(kind, ImportKind(kind).label) for kind in IMPORTERS],
    )
    source = forms.FileField(
        label=_("Fichier"),
        help_text=_("CSV, archive ZIP ou fichier compressé (.gz) tel que produit par la source."),
    )
    partial = forms.BooleanField(
        label=_("Appliquer les lignes valides"),
        required=False,
        help_text=_(
            "Sinon, une seule ligne en erreur annule tout le fichier et rien n'est modifié."
        ),
    )
