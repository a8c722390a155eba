"""Billing pages: the operator's (``administration/factures/``, ``administration/responsabilite/``)
and the Provider's (``back-office/facturation/``)."""

from django.urls import path

from guichet.billing.portal import backoffice, invoices

app_name = "billing"

urlpatterns = [
    path(
        "administration/factures/", invoices.OperatorInvoiceListView.as_view(), name="invoice-list"
    ),
    path(
        "administration/factures/<int:pk>/",
        invoices.OperatorInvoiceDetailView.as_view(),
        name="invoice-detail",
    ),
    path(
        "administration/factures/<int:pk>/pdf",
        invoices.OperatorInvoicePdfView.as_view(),
        name="invoice-pdf",
    ),
    path(
        "administration/factures/avoirs/<int:pk>/pdf",
        invoices.OperatorCreditNotePdfView.as_view(),
        name="credit-note-pdf",
    ),
    path("administration/responsabilite/", backoffice.OperatorClaimsView.as_view(), name="claims"),
    path(
        "back-office/facturation/",
        invoices.ProviderInvoiceListView.as_view(),
        name="bo-invoice-list",
    ),
    path("back-office/facturation/generer", invoices.GenerateView.as_view(), name="bo-generate"),
    path(
        "back-office/facturation/factures/<int:pk>/",
        invoices.ProviderInvoiceDetailView.as_view(),
        name="bo-invoice-detail",
    ),
    path(
        "back-office/facturation/factures/<int:pk>/pdf",
        invoices.ProviderInvoicePdfView.as_view(),
        name="bo-invoice-pdf",
    ),
    path(
        "back-office/facturation/factures/<int:pk>/emettre",
        invoices.IssueView.as_view(),
        name="bo-issue",
    ),
    path(
        "back-office/facturation/factures/<int:pk>/avoir",
        invoices.CreditNoteView.as_view(),
        name="bo-credit-note",
    ),
    path(
        "back-office/facturation/avoirs/<int:pk>/pdf",
        invoices.ProviderCreditNotePdfView.as_view(),
        name="bo-credit-note-pdf",
    ),
    path("back-office/facturation/tarifs/", backoffice.PriceListView.as_view(), name="bo-prices"),
    path(
        "back-office/facturation/tarifs/<int:pk>/annuler",
        backoffice.PriceCancelView.as_view(),
        name="bo-price-cancel",
    ),
    path(
        "back-office/facturation/export-comptable",
        backoffice.AccountingExportView.as_view(),
        name="bo-accounting",
    ),
    path(
        "back-office/facturation/responsabilite/",
        backoffice.ProviderClaimsView.as_view(),
        name="bo-claims",
    ),
    path(
        "back-office/facturation/responsabilite/<int:pk>/arreter",
        backoffice.DecideClaimView.as_view(),
        name="bo-claim-decide",
    ),
]
