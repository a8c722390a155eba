"""Contract pages: the operator's (``administration/contrats/``) and the Provider's back-office
(``back-office/contrats/``)."""

from django.urls import include, path

from guichet.operators.portal import contracts as op
from guichet.operators.portal import contracts_backoffice as bo

operator_patterns = [
    path("administration/contrats/", op.ContractsHomeView.as_view(), name="home"),
    path(
        "administration/contrats/documents/<int:pk>/pdf",
        op.DocumentPdfView.as_view(),
        name="document-pdf",
    ),
    path(
        "administration/contrats/documents/<int:pk>/signer",
        op.SignDocumentView.as_view(),
        name="document-sign",
    ),
    path(
        "administration/contrats/signatures/<int:pk>/pdf",
        op.SignaturePdfView.as_view(),
        name="signature-pdf",
    ),
    path(
        "administration/contrats/bons-de-commande/",
        op.OrderFormListView.as_view(),
        name="order-form-list",
    ),
    path(
        "administration/contrats/bons-de-commande/nouveau",
        op.OrderFormCreateView.as_view(),
        name="order-form-new",
    ),
    path(
        "administration/contrats/bons-de-commande/<int:pk>/",
        op.OrderFormDetailView.as_view(),
        name="order-form-detail",
    ),
    path(
        "administration/contrats/bons-de-commande/<int:pk>/pdf",
        op.OrderFormPdfView.as_view(),
        name="order-form-pdf",
    ),
    path(
        "administration/contrats/souscriptions/",
        op.SubscriptionListView.as_view(),
        name="subscription-list",
    ),
    path(
        "administration/contrats/souscriptions/<int:pk>/resilier",
        op.TerminateSubscriptionView.as_view(),
        name="subscription-terminate",
    ),
    path(
        "administration/contrats/souscriptions/<int:pk>/resilier-sans-penalite",
        op.TerminateSubscriptionView.as_view(),
        name="subscription-terminate-substantial",
    ),
    path(
        "administration/contrats/souscriptions/<int:pk>/donnees",
        op.DataExportView.as_view(),
        name="subscription-export",
    ),
    path("administration/contrats/resilier", op.TerminateContractView.as_view(), name="terminate"),
]

backoffice_patterns = [
    path("back-office/contrats/", bo.DocumentListView.as_view(), name="documents"),
    path("back-office/contrats/publier", bo.PublishView.as_view(), name="publish"),
    path("back-office/contrats/signatures/", bo.SignatureListView.as_view(), name="signatures"),
    path("back-office/contrats/signatures/signer", bo.ProviderSignView.as_view(), name="sign"),
    path(
        "back-office/contrats/signatures/<int:pk>/pdf",
        bo.SignaturePdfView.as_view(),
        name="signature-pdf",
    ),
    path("back-office/contrats/offres-de-gros/", bo.WholesaleView.as_view(), name="wholesale"),
    path(
        "back-office/contrats/offres-de-gros/<int:pk>/terminer",
        bo.WholesaleEndView.as_view(),
        name="wholesale-end",
    ),
    path(
        "back-office/contrats/bons-de-commande/",
        bo.OrderFormListView.as_view(),
        name="order-form-list",
    ),
    path(
        "back-office/contrats/bons-de-commande/<int:pk>/",
        bo.OrderFormDetailView.as_view(),
        name="order-form-detail",
    ),
    path(
        "back-office/contrats/bons-de-commande/<int:pk>/pdf",
        bo.OrderFormPdfView.as_view(),
        name="order-form-pdf",
    ),
    path(
        "back-office/contrats/resiliations/",
        bo.TerminationListView.as_view(),
        name="terminations",
    ),
    path(
        "back-office/contrats/souscriptions/<int:pk>/resilier",
        bo.ProviderTerminateView.as_view(),
        name="terminate",
    ),
]

urlpatterns = [
    path("", include((operator_patterns, "contracts"))),
    path("", include((backoffice_patterns, "contracts-bo"))),
]
