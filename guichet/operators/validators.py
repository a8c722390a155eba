"""Validators for French company and operator identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ARCEP_CODE = re.compile(r"^[A-Z0-9]{4}$")
# La Poste's SIREN predates the Luhn key; INSEE keeps it valid by a special rule.
_LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum used by SIREN and SIRET numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siren(value: str) -> None:
    """A SIREN is 9 digits with a valid Luhn key."""
    if not re.fullmatch(r"\d{9}", value or ""):
        raise ValidationError(
            _("Le SIREN doit comporter exactement 9 chiffres."), code="siren_format"
        )
    if value != _LA_POSTE_SIREN and not luhn_ok(value):
        raise ValidationError(
            _("Le SIREN %(value)s est invalide (clé de contrôle incorrecte)."),
            code="siren_key",
            params={"value": value},
        )


def validate_arcep_code(value: str) -> None:
    """The ARCEP operator code: 4 upper-case letters or digits (e.g. ``FTEL``)."""
    if not ARCEP_CODE.fullmatch(value or ""):
        raise ValidationError(
            _(
                "Le code opérateur ARCEP doit comporter 4 caractères : lettres majuscules ou chiffres."
            ),
            code="arcep_code_format",
        )
