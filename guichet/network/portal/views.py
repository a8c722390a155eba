"""Provider back-office of the network inventory: search, premises, PM, imports and their reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from guichet.core.errors import GuichetError
from guichet.core.views import ProviderRequiredMixin
from guichet.network import selectors, services
from guichet.network.choices import BuildingState, ImportStatus, PtoState
from guichet.network.portal.downloads import csv_response
from guichet.network.portal.forms import ImportForm, SearchForm

if TYPE_CHECKING:
    from guichet.network.models import ImportJob, Premises

SEARCH_PAGE_SIZE = 50
IMPORTS_PAGE_SIZE = 25
ISSUES_PAGE_SIZE = 50
# Columns of the premises list that can be sorted: (sort key, header).
SORTABLE_COLUMNS = (
    ("adresse", gettext_lazy("Adresse")),
    ("immeuble", gettext_lazy("Immeuble")),
    ("structure", gettext_lazy("Escalier / étage / porte")),
    ("pto", gettext_lazy("Référence PTO")),
    ("pbo", gettext_lazy("PBO")),
    ("pm", pgettext_lazy("réseau", "PM")),
    ("etat", gettext_lazy("État IPE")),
)

# What the importers count (``ImportJob.counts`` keys), for people; unknown keys show as they are.
COUNT_NOUNS = {
    "addresses": gettext_lazy("Adresses"),
    "buildings": gettext_lazy("Immeubles"),
    "premises": gettext_lazy("Locaux"),
    "ptos": gettext_lazy("PTO"),
    "pbos": gettext_lazy("PBO"),
    "pms": pgettext_lazy("réseau", "PM"),
    "nros": gettext_lazy("NRO"),
    "cables": gettext_lazy("Câbles"),
    "fibres": gettext_lazy("Fibres"),
    "positions": gettext_lazy("Positions"),
    "routes": gettext_lazy("Routes optiques"),
    "lines": gettext_lazy("Lignes"),
    "communes": gettext_lazy("Communes"),
    "streets": gettext_lazy("Voies"),
    "rows": gettext_lazy("Lignes du fichier"),
    "rejected": gettext_lazy("Lignes rejetées"),
    "gracethd_version": gettext_lazy("Version GraceTHD"),
}
COUNT_SUFFIXES = {
    "created": gettext_lazy("créations"),
    "updated": gettext_lazy("mises à jour"),
    "deleted": gettext_lazy("suppressions"),
}


def _count_label(key: str) -> str:
    """« Adresses (créations) » for ``addresses_created``; the key itself when unknown."""
    if key in COUNT_NOUNS:
        return str(COUNT_NOUNS[key])
    base, _sep, suffix = key.rpartition("_")
    if base in COUNT_NOUNS and suffix in COUNT_SUFFIXES:
        return f"{COUNT_NOUNS[base]} ({COUNT_SUFFIXES[suffix]})"
    return key


def _page(request: HttpRequest, items: QuerySet[Any], size: int) -> tuple[Page, list[Any]]:
    """The requested page (the last one when out of range) and its elided page links."""
    page = Paginator(items, size).get_page(request.GET.get("page"))
    links = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, links


class SearchMixin(ProviderRequiredMixin):
    """Reads the search form from the query string; shared by the list and its CSV export."""

    request: HttpRequest

    def search(self) -> tuple[SearchForm, str, QuerySet[Premises] | None]:
        form = SearchForm(self.request.GET)
        if not form.is_valid():
            return form, selectors.premises_sort(""), None
        sort = selectors.premises_sort(self.request.GET.get("tri", ""), form.cleaned_data["q"])
        premises = selectors.search_premises(
            self.principal, form.cleaned_data["q"], form.cleaned_data["type"], sort
        )
        return form, sort, premises


class InventorySearchView(SearchMixin, TemplateView):
    """Recherche dans l'inventaire: premises by address, PTO, PM, PBO, line, hexaclé or building."""

    template_name = "network/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, sort, premises = self.search()
        criteria = {"q": form.data.get("q", ""), "type": form.data.get("type", "")}
        criteria = {key: value for key, value in criteria.items() if value}
        page, links = (
            _page(self.request, premises, SEARCH_PAGE_SIZE) if premises is not None else (None, [])
        )
        context.update(
            form=form,
            page_obj=page,
            page_links=links,
            columns=self._columns(criteria, sort),
            # Page links keep the search and the sort; sort links go back to page 1.
            page_query=urlencode({**criteria, "tri": sort}),
            export_query=urlencode({**criteria, "tri": sort}),
            searched=bool(criteria.get("q")),
            as_of=selectors.inventory_as_of(),
        )
        return context

    @staticmethod
    def _columns(criteria: dict[str, str], sort: str) -> list[dict[str, Any]]:
        columns = []
        for key, label in SORTABLE_COLUMNS:
            current = sort.removeprefix("-") == key
            descending = current and sort.startswith("-")
            columns.append(
                {
                    "label": label,
                    "aria_sort": ("descending" if descending else "ascending") if current else "",
                    "query": urlencode(
                        {**criteria, "tri": key if descending or not current else f"-{key}"}
                    ),
                    "next_descending": current and not descending,
                }
            )
        return columns


class InventoryExportView(SearchMixin, View):
    """The current search result as a CSV file."""

    def get(self, request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
        premises = self.search()[2]
        if premises is None:
            return redirect("network:search")
        # Plain values, not model instances: an export may hold the whole inventory.
        columns = {
            "building__address__number": _("Numéro"),
            "building__address__suffix": _("Complément"),
            "building__address__street_name": _("Voie"),
            "building__address__postcode": _("Code postal"),
            "building__address__commune_name": _("Commune"),
            "building__address__insee": _("Code INSEE"),
            "building__address__hexacle": _("Hexaclé"),
            "building__ipe_id": _("IdentifiantImmeuble"),
            "building__name": _("Bâtiment"),
            "staircase": _("Escalier"),
            "floor": _("Étage"),
            "door": _("Porte"),
            "pto_reference": _("Référence PTO"),
            "pto_state": _("État PTO"),
            "pbo__reference": _("PBO"),
            "building__pm__reference": pgettext("réseau", "PM"),
            "pbo__pm__reference": "",
            "building__state": _("État IPE"),
        }
        pto_states = {value: str(label) for value, label in PtoState.choices}
        building_states = {value: str(label) for value, label in BuildingState.choices}
        rows = (
            (
                *row[:13],
                pto_states.get(row[13], row[13]),
                row[14],
                row[15] or row[16],  # the building's PM, else the PBO's (selectors.pm_of)
                building_states.get(row[17], row[17]),
            )
            for row in premises.values_list(*columns).iterator(chunk_size=2000)
        )
        header = [label for label in columns.values() if label]
        filename = f"inventaire-locaux-{timezone.localdate():%Y%m%d}.csv"
        return csv_response(filename, header, rows)


class PremisesDetailView(ProviderRequiredMixin, TemplateView):
    """Fiche local: address keys, building, structure, PTO, PBO, PM, NRO, optical route, lines."""

    template_name = "network/premises_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["detail"] = selectors.premises_detail(self.principal, kwargs["pk"])
        return context


class PmDetailView(ProviderRequiredMixin, TemplateView):
    """Fiche PM: state, dates, buildings and premises by IPE state, its PBOs."""

    template_name = "network/pm_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pm = selectors.pm_for(self.principal, kwargs["pk"])
        states = selectors.pm_state_counts(self.principal, pm)
        context.update(
            pm=pm,
            states=states,
            total_buildings=sum(s.buildings for s in states),
            total_premises=sum(s.premises for s in states),
            pbos=selectors.pbos_of_pm(self.principal, pm),
        )
        return context


class ImportListView(ProviderRequiredMixin, TemplateView):
    """Historique des imports, newest first."""

    template_name = "network/imports.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page, links = _page(
            self.request, selectors.imports_for(self.principal).order_by("-pk"), IMPORTS_PAGE_SIZE
        )
        context.update(page_obj=page, page_links=links, page_query="")
        return context


class ImportStartView(ProviderRequiredMixin, FormView):
    """Lancer un import: the file is stored and imported by the worker."""

    template_name = "network/import_new.html"
    form_class = ImportForm

    def form_valid(self, form: ImportForm) -> HttpResponse:
        try:
            job = services.start_import(
                actor=self.principal,
                kind=form.cleaned_data["kind"],
                source=form.cleaned_data["source"],
                partial=form.cleaned_data["partial"],
            )
        except GuichetError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, f"{exc.message()} ({exc.code})")
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Import n° %(number)s enregistré : il démarre dans quelques instants.")
            % {"number": job.pk},
        )
        return redirect("network:import", pk=job.pk)


class ImportProgressMixin(ProviderRequiredMixin):
    """The job and its live progress, for the detail page and its polled fragment."""

    def progress_context(self, pk: int) -> dict[str, Any]:
        job = selectors.import_for(self.principal, pk)
        done, total = selectors.import_progress(self.principal, job)
        return {
            "job": job,
            "done": done,
            "total": total,
            "percent": min(100, done * 100 // total) if total else None,
            "in_progress": job.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
        }


class ImportDetailView(ImportProgressMixin, TemplateView):
    """Fiche import: status, progress, counts, message and the paginated issues."""

    template_name = "network/import_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.progress_context(kwargs["pk"]))
        job: ImportJob = context["job"]
        page, links = _page(
            self.request, selectors.import_issues_for(self.principal, job), ISSUES_PAGE_SIZE
        )
        context.update(
            counts=sorted((_count_label(key), value) for key, value in (job.counts or {}).items()),
            page_obj=page,
            page_links=links,
            page_query="",
        )
        return context


class ImportProgressView(ImportProgressMixin, TemplateView):
    """The progress fragment polled by htmx while the import is pending or running."""

    template_name = "network/_import_progress.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.progress_context(kwargs["pk"]))
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if not context["in_progress"] and self.request.headers.get("HX-Request"):
            # Finished while the page was polling: reload it for the counts and the issues.
            response["HX-Refresh"] = "true"
        return response


class ImportReportView(ProviderRequiredMixin, View):
    """Rapport d'erreurs: every issue of an import as a CSV file."""

    def get(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        job = selectors.import_for(self.principal, pk)
        issues = selectors.import_issues_for(self.principal, job)
        header = [
            _("Gravité"),
            _("Table / fichier"),
            _("Ligne"),
            _("Colonne"),
            _("Code"),
            _("Message"),
            _("Valeur"),
        ]
        rows = (
            (
                issue.get_severity_display(),
                issue.table,
                issue.row,
                issue.column,
                issue.code,
                issue.message,
                issue.value,
            )
            for issue in issues.iterator(chunk_size=2000)
        )
        return csv_response(f"rapport-import-{job.pk}.csv", header, rows)
