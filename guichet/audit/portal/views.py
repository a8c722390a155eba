"""Journal viewer (SEC-04): the Provider's staff see every entry, an operator's administrator
its own operator's; filters, pagination, detail and streamed CSV/JSON export."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.generic import TemplateView, View

from guichet.audit.exporting import export_journal
from guichet.audit.portal.forms import JournalFilterForm
from guichet.audit.selectors import JournalFilter, filtered_journal_for, journal_entry_for
from guichet.core.context import Principal
from guichet.core.views import PrincipalMixin
from guichet.operators.selectors import is_operator_admin, operators_for

PAGE_SIZE = 50
JOURNAL_READ = "journal:read"


class ProviderJournalAccess(PrincipalMixin):
    """``back-office/journal/``: the Provider's staff, every operator."""

    url_prefix = "audit:backoffice-journal"

    def allowed(self, principal: Principal) -> bool:
        return principal.is_provider


class OperatorJournalAccess(PrincipalMixin):
    """``administration/journal/``: an operator's administrator (or right ``journal:read``)."""

    url_prefix = "audit:journal"

    def allowed(self, principal: Principal) -> bool:
        return principal.is_operator and (
            principal.has_right(JOURNAL_READ) or is_operator_admin(principal)
        )


class JournalFiltersMixin:
    principal: Principal
    request: HttpRequest

    def filter_form(self) -> JournalFilterForm:
        operators = None
        if self.principal.is_provider:
            operators = [
                (pk, f"{name} ({code})")
                for pk, name, code in operators_for(self.principal).values_list(
                    "pk", "name", "arcep_code"
                )
            ]
        return JournalFilterForm(self.request.GET or None, operators=operators)

    def filters(self, form: JournalFilterForm) -> JournalFilter | None:
        """The valid filters; ``None`` when the form has errors (nothing is then listed)."""
        if not form.is_bound:
            return JournalFilter()
        return form.journal_filter() if form.is_valid() else None


class JournalListView(JournalFiltersMixin, TemplateView):
    template_name = "audit/journal_list.html"
    url_prefix: str

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = self.filter_form()
        filters = self.filters(form)
        queryset = filtered_journal_for(self.principal, filters) if filters is not None else None
        page = None
        if queryset is not None:
            page = Paginator(queryset, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page_obj=page,
            page_links=(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
                if page
                else []
            ),
            page_query=query.urlencode(),
            url_prefix=self.url_prefix,
            provider_view=self.principal.is_provider,
        )
        return context


class JournalEntryView(TemplateView):
    template_name = "audit/journal_detail.html"
    principal: Principal
    url_prefix: str

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = journal_entry_for(self.principal, kwargs["pk"])
        context.update(
            entry=entry,
            before=_pretty(entry.before),
            after=_pretty(entry.after),
            url_prefix=self.url_prefix,
            back=self.request.GET.get("retour", ""),
        )
        return context


def _pretty(value: Any) -> str:
    return "" if value is None else json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


class JournalExportView(JournalFiltersMixin, View):
    """The filtered journal as CSV or JSON, streamed; the export is journaled."""

    url_prefix: str

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        form = self.filter_form()
        filters = self.filters(form)
        if filters is None:
            # Invalid filters: back to the viewer, which shows the errors.
            return self.render_invalid(form)
        export = export_journal(actor=self.principal, filters=filters, fmt=fmt)
        response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["X-Journal-Chain-OK"] = "true" if export.chain_ok else "false"
        response["X-Total-Count"] = str(export.count)
        response["Cache-Control"] = "no-store"
        return response

    def render_invalid(self, form: JournalFilterForm) -> HttpResponse:
        context = {
            "form": form,
            "page_obj": None,
            "url_prefix": self.url_prefix,
            "provider_view": self.principal.is_provider,
        }
        return render(self.request, "audit/journal_list.html", context, status=400)


class ProviderJournalView(ProviderJournalAccess, JournalListView):
    pass


class ProviderJournalEntryView(ProviderJournalAccess, JournalEntryView):
    pass


class ProviderJournalExportView(ProviderJournalAccess, JournalExportView):
    pass


class OperatorJournalView(OperatorJournalAccess, JournalListView):
    pass


class OperatorJournalEntryView(OperatorJournalAccess, JournalEntryView):
    pass


class OperatorJournalExportView(OperatorJournalAccess, JournalExportView):
    pass
