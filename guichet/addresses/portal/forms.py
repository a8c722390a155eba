"""The one search box of the Eligibility and TAO pages: free text, or a reference under
« Recherche par référence ». GET form: every result page is a bookmarkable URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guichet.addresses.selectors import PlaceQuery
from guichet.addresses.translation import query_for_key

# The structured keys, in the order the disclosure shows them (PlaceQuery field names).
REFERENCE_FIELDS = ("hexacle", "pto", "nd", "building_id", "insee", "rivoli", "number", "suffix")


class PlaceForm(forms.Form):
    """What a person types (``q``), what the autocomplete picked (``adresse``: an address
    id), or one of the structured keys. Business checks (formats, precedence) stay in
    :func:`guichet.addresses.selectors.resolve`: the form only carries the values."""

    q = forms.CharField(label=_("Adresse"), max_length=200, required=False, strip=True)
    adresse = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    hexacle = forms.CharField(label=_("Hexaclé"), max_length=20, required=False)
    pto = forms.CharField(label=_("Référence PTO"), max_length=20, required=False)
    nd = forms.CharField(label=_("ND (numéro de ligne)"), max_length=20, required=False)
    building_id = forms.CharField(
        label=_("Identifiant d'immeuble (IPE)"), max_length=40, required=False
    )
    insee = forms.CharField(label=_("Code INSEE"), max_length=5, required=False)
    rivoli = forms.CharField(label=_("Code RIVOLI"), max_length=4, required=False)
    number = forms.IntegerField(label=_("Numéro"), min_value=0, max_value=99999, required=False)
    suffix = forms.CharField(label=_("Suffixe (bis, ter…)"), max_length=10, required=False)

    def has_query(self) -> bool:
        """Whether the person asked something (an empty form is just the page)."""
        return self.is_bound and any(
            (self.data.get(name) or "").strip() for name in ("q", "adresse", *REFERENCE_FIELDS)
        )

    def uses_reference(self) -> bool:
        """A structured key was given: the disclosure opens on the result page."""
        return self.is_bound and any(
            (self.data.get(name) or "").strip() for name in REFERENCE_FIELDS
        )

    def place(self) -> tuple[PlaceQuery, int | None]:
        """(query, internal address id) to hand to the services; call after ``is_valid``."""
        data: dict[str, Any] = self.cleaned_data
        key = data.get("adresse") or ""
        if key:
            return query_for_key(key)
        references = {name: data.get(name) for name in REFERENCE_FIELDS}
        references = {k: v for k, v in references.items() if v not in ("", None)}
        if references:
            return PlaceQuery(**references), None
        return PlaceQuery(text=data.get("q") or ""), None

    def label(self, fallback: str = "") -> str:
        """What the person asked, in words (for the history)."""
        data = self.cleaned_data
        if data.get("q"):
            return str(data["q"])
        parts = [f"{self.fields[n].label} {data[n]}" for n in REFERENCE_FIELDS if data.get(n)]
        return " — ".join(parts) or fallback
