"""« Mes rendez-vous » (``/rendez-vous/mes-rendez-vous/``): the operator's appointments with
filters (status, type, dates, IdRdv/PTO/address), sortable columns, pages and a CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from guichet.appointments import selectors
from guichet.appointments.choices import AppointmentStatus, InterventionType
from guichet.appointments.models import Appointment
from guichet.appointments.portal.forms import FilterForm
from guichet.appointments.portal.views import RdvAccess, refusal_for
from guichet.network.portal.downloads import csv_response

PAGE_SIZE = 25
# Sortable columns: (sort key, header); the other columns are not sortable.
SORTABLE_COLUMNS = (
    ("idrdv", gettext_lazy("IdRdv")),
    ("date", gettext_lazy("Créneau")),
    ("statut", gettext_lazy("Statut")),
    ("type", gettext_lazy("Type d'intervention")),
    ("pto", gettext_lazy("Référence PTO")),
)


class AppointmentSearch(RdvAccess):
    """Reads the filters and the sort from the query string; shared by the list and the CSV."""

    request: HttpRequest

    def search(self) -> tuple[FilterForm, str, dict[str, str], QuerySet[Appointment]]:
        form = FilterForm(self.request.GET)
        sort = selectors.appointment_sort(self.request.GET.get("tri", ""))
        appointments = selectors.appointments_for(self.principal, **form.criteria(), sort=sort)
        criteria = {
            key: self.request.GET.get(key, "")
            for key in ("statut", "type", "du", "au", "q")
            if self.request.GET.get(key)
        }
        return form, sort, criteria, appointments


def columns(criteria: dict[str, str], sort: str) -> list[dict[str, Any]]:
    """Header links: clicking the sorted column reverses it; the others sort ascending."""
    result = []
    for key, label in SORTABLE_COLUMNS:
        current = sort.removeprefix("-") == key
        descending = current and sort.startswith("-")
        result.append(
            {
                "key": key,
                "label": label,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "query": urlencode(
                    {**criteria, "tri": key if descending or not current else f"-{key}"}
                ),
                "next_descending": current and not descending,
            }
        )
    return result


class AppointmentListView(AppointmentSearch, TemplateView):
    template_name = "appointments/portal/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        refusal = refusal_for(self.principal)
        if refusal is not None:
            return self.render_to_response({"refusal": refusal}, status=refusal.status)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, sort, criteria, appointments = self.search()
        page = Paginator(appointments, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            form=form,
            page_obj=page,
            page_links=list(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ),
            page_query=urlencode({**criteria, "tri": sort}),
            export_query=urlencode({**criteria, "tri": sort}),
            columns=columns(criteria, sort),
            filtered=bool(criteria),
        )
        return context


class AppointmentExportView(AppointmentSearch, View):
    """The filtered list as a ``;``-separated CSV (spreadsheet-safe cells)."""

    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        refusal = refusal_for(self.principal)
        if refusal is not None:
            raise refusal
        appointments = self.search()[3]
        statuses = dict(AppointmentStatus.choices)
        kinds = dict(InterventionType.choices)
        header = [
            _("IdRdv"),
            _("Statut"),
            _("Type d'intervention"),
            _("Début"),
            _("Fin"),
            _("Adresse"),
            _("Référence PTO"),
            _("Code INSEE"),
            _("Votre référence"),
            _("Commande d'accès"),
            _("Réservé par"),
            _("Canal"),
            _("Réservé le"),
            _("Motif de clôture"),
        ]

        def rows() -> Iterator[list[Any]]:
            for a in appointments.iterator(chunk_size=500):
                yield [
                    a.id_rdv,
                    str(statuses.get(a.status, a.status)),
                    str(kinds.get(a.intervention_type, a.intervention_type)),
                    timezone.localtime(a.starts_at).strftime("%d/%m/%Y %H:%M"),
                    timezone.localtime(a.ends_at).strftime("%d/%m/%Y %H:%M"),
                    ((a.place or {}).get("address") or {}).get("label", ""),
                    a.pto_reference,
                    a.insee,
                    a.external_id,
                    a.order_reference,
                    a.booked_by,
                    a.channel,
                    timezone.localtime(a.created_at).strftime("%d/%m/%Y %H:%M"),
                    a.end_reason,
                ]

        filename = f"rendez-vous-{timezone.localdate():%Y%m%d}.csv"
        return csv_response(filename, header, rows())
