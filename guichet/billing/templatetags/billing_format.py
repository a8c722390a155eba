"""French formats for amounts: ``{{ amount|eur }}`` → « 1 234,56 € »."""

from __future__ import annotations

from decimal import Decimal

from django import template

from guichet.billing.money import format_eur

register = template.Library()


@register.filter
def eur(value: Decimal | None) -> str:
    if value is None or value == "":
        return "—"
    return format_eur(Decimal(value))


@register.filter
def quantity(value: Decimal | None) -> str:
    """1 → « 1 », 0.4667 → « 0,4667 » (French decimal comma, trailing zeros dropped)."""
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}".replace(".", ",") + "\u00a0%"
