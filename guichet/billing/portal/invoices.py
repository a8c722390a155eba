"""Invoices in the portal: the operator's pages (``administration/factures/``) and the
Provider's (``back-office/facturation/``): list, detail, PDF, issue, credit note, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.billing import exports, selectors, services
from guichet.billing.errors import PDF_UNAVAILABLE
from guichet.billing.money import parse_month
from guichet.billing.portal.common import (
    OperatorInvoicesAccess,
    ProviderAccess,
    csv_response,
    file_response,
)
from guichet.billing.portal.forms import CreditNoteForm, GenerateForm, InvoiceFilterForm
from guichet.core.errors import GuichetError
from guichet.core.portal import paginate
from guichet.operators.selectors import operators_for


class InvoiceListMixin:
    """List with search, filters, sorting, pagination and CSV export (``?format=csv``)."""

    template_name = "billing/invoice_list.html"
    request: HttpRequest
    principal: Any
    detail_url = ""

    def filter_form(self) -> InvoiceFilterForm:
        operators = None
        if self.principal.is_provider:
            operators = [
                (pk, f"{name} ({code})")
                for pk, name, code in operators_for(self.principal).values_list(
                    "pk", "name", "arcep_code"
                )
            ]
        return InvoiceFilterForm(self.request.GET or None, operators=operators)

    def queryset(self, form: InvoiceFilterForm) -> Any:
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        return selectors.invoices_for(
            self.principal,
            selectors.InvoiceFilter(
                search=data.get("q") or "",
                status=data.get("statut") or "",
                operator_id=data.get("operateur"),
                period=parse_month(data.get("mois") or ""),
                ordering=data.get("tri") or "-period",
            ),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.filter_form()
        queryset = self.queryset(form)
        if request.GET.get("format") == "csv":
            return csv_response(exports.invoices_csv(queryset.iterator()), "factures.csv")
        context = {
            "form": form,
            "provider_view": self.principal.is_provider,
            "detail_url": self.detail_url,
            **paginate(request, queryset),
        }
        context.update(self.extra_context())
        return render(request, self.template_name, context)

    def extra_context(self) -> dict[str, Any]:
        return {}


class OperatorInvoiceListView(OperatorInvoicesAccess, InvoiceListMixin, View):
    detail_url = "billing:invoice-detail"


class ProviderInvoiceListView(ProviderAccess, InvoiceListMixin, View):
    detail_url = "billing:bo-invoice-detail"

    def extra_context(self) -> dict[str, Any]:
        return {"generate_form": GenerateForm()}


class InvoiceDetailMixin(TemplateView):
    template_name = "billing/invoice_detail.html"
    principal: Any
    pdf_url = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invoice = selectors.invoice_for(self.principal, kwargs["pk"])
        context.update(
            invoice=invoice,
            lines=selectors.invoice_lines(invoice),
            credit_notes=invoice.credit_notes.order_by("issued_at"),
            credited_ht=selectors.credited_ht(invoice),
            pdf_url=self.pdf_url,
            provider_view=self.principal.is_provider,
        )
        context.setdefault("credit_form", CreditNoteForm())
        return context


class OperatorInvoiceDetailView(OperatorInvoicesAccess, InvoiceDetailMixin):
    pdf_url = "billing:invoice-pdf"


class ProviderInvoiceDetailView(ProviderAccess, InvoiceDetailMixin):
    pdf_url = "billing:bo-invoice-pdf"


class InvoicePdfMixin(View):
    principal: Any

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = selectors.invoice_for(self.principal, pk)
        if not invoice.is_issued or not invoice.pdf:
            raise GuichetError(PDF_UNAVAILABLE)
        return file_response(
            bytes(invoice.pdf), f"{invoice.number}.pdf", "application/pdf", invoice.pdf_sha256
        )


class OperatorInvoicePdfView(OperatorInvoicesAccess, InvoicePdfMixin):
    pass


class ProviderInvoicePdfView(ProviderAccess, InvoicePdfMixin):
    pass


class CreditNotePdfMixin(View):
    principal: Any

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        note = selectors.credit_note_for(self.principal, pk)
        return file_response(
            bytes(note.pdf), f"{note.number}.pdf", "application/pdf", note.pdf_sha256
        )


class OperatorCreditNotePdfView(OperatorInvoicesAccess, CreditNotePdfMixin):
    pass


class ProviderCreditNotePdfView(ProviderAccess, CreditNotePdfMixin):
    pass


class GenerateView(ProviderAccess, View):
    """POST: the month's invoices, as drafts or issued at once."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = GenerateForm(request.POST)
        if form.is_valid():
            raw = form.cleaned_data["month"]
            try:
                summary = services.generate_invoices(
                    actor=self.principal,
                    period=services.check_month(parse_month(raw), raw),
                    issue=form.cleaned_data["issue"],
                )
            except GuichetError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _(
                        "%(month)s : %(issued)d facture(s) émise(s), %(drafted)d brouillon(s), "
                        "%(already)d déjà émise(s)."
                    )
                    % {
                        "month": raw,
                        "issued": len(summary.issued),
                        "drafted": len(summary.drafted),
                        "already": len(summary.already_issued),
                    },
                )
                return redirect(f"{reverse('billing:bo-invoice-list')}?mois={raw}")
        view = ProviderInvoiceListView()
        view.request, view.principal = request, self.principal
        list_form = view.filter_form()
        context = {
            "form": list_form,
            "provider_view": True,
            "detail_url": view.detail_url,
            "generate_form": form,
            **paginate(request, view.queryset(list_form)),
        }
        return render(request, view.template_name, context, status=422)


class IssueView(ProviderAccess, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = selectors.invoice_for(self.principal, pk)
        issued = services.issue_invoice(actor=self.principal, invoice=invoice)
        messages.success(request, _("Facture %(number)s émise.") % {"number": issued.number})
        return redirect("billing:bo-invoice-detail", pk=pk)


class CreditNoteView(ProviderAccess, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = selectors.invoice_for(self.principal, pk)
        form = CreditNoteForm(request.POST)
        if form.is_valid():
            try:
                note = services.issue_credit_note(
                    actor=self.principal,
                    invoice=invoice,
                    reason=form.cleaned_data["reason"],
                    amount_ht=form.cleaned_data["amount_ht"] or None,
                )
            except GuichetError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Avoir %(number)s émis.") % {"number": note.number})
                return redirect("billing:bo-invoice-detail", pk=pk)
        view = ProviderInvoiceDetailView()
        view.request, view.principal, view.kwargs = request, self.principal, {"pk": pk}
        context = view.get_context_data(pk=pk, credit_form=form)
        return render(request, view.template_name, context, status=422)
