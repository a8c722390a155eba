"""Every read of the network inventory. The inventory is the Provider's: operators see it only
through the e-services (eligibility, TAO…), which scope what they reveal (e.g. never whose line)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.scoping import scope
from guichet.network.choices import ImportStatus
from guichet.network.models import ImportJob, Line, Premises


def _provider_only(actor: Principal) -> None:
    if not actor.is_provider:
        raise GuichetError(NOT_FOUND)


def inventory_as_of() -> datetime | None:
    """GEN-03: the extraction time of the data the answers come from (last successful load)."""
    return (
        ImportJob.objects.filter(status=ImportStatus.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def imports_for(actor: Principal) -> QuerySet[ImportJob]:
    """Import history (Provider staff)."""
    _provider_only(actor)
    return ImportJob.objects.all()


def import_for(actor: Principal, pk: int) -> ImportJob:
    _provider_only(actor)
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None:
        raise GuichetError(NOT_FOUND)
    return job


def premises_for(actor: Principal) -> QuerySet[Premises]:
    """Premises of the inventory with what a page about them needs (Provider staff)."""
    _provider_only(actor)
    return Premises.objects.select_related("building__address", "building__pm", "pbo__pm")


def lines_for(actor: Principal) -> QuerySet[Line]:
    """Lines: all for the Provider, an operator's own otherwise."""
    return scope(Line.objects.select_related("premises", "operator"), actor)
