"""Helpers shared by the billing services."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from guichet.billing.errors import PROVIDER_ONLY
from guichet.core.context import Principal
from guichet.core.errors import ErrorDef, GuichetError


def require_provider(actor: Principal) -> None:
    if not actor.is_provider:
        raise GuichetError(PROVIDER_ONLY)


def decimal_amount(
    value: Any, *, error: ErrorDef, field: str, places: int = 2, positive: bool = False
) -> Decimal:
    """A euro amount from user input: a number, at most ``places`` decimals, not negative."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError) as exc:
        raise GuichetError(error, field=field, detail=f"{field} : {value!r}") from exc
    if not amount.is_finite():
        raise GuichetError(error, field=field, detail=f"{field} : {value!r}")
    if amount.copy_abs() >= Decimal(10) ** 10:
        raise GuichetError(error, field=field, detail=f"{field} : {value!r}")
    if amount < 0 or (positive and amount == 0):
        raise GuichetError(error, field=field, detail=f"{field} : {amount} ≤ 0")
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise GuichetError(
            error, field=field, detail=f"{field} : {places} décimales au plus ({amount})"
        )
    return amount
