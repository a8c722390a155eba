"""URL routes of the credentials pages (namespace ``credentials``)."""

from django.urls import path

from guichet.accounts.portal import credentials as views

app_name = "credentials"

BASE = "administration/acces-systeme/"

urlpatterns = [
    path(BASE, views.CredentialListView.as_view(), name="list"),
    path(BASE + "cles/nouvelle/", views.ApiKeyCreateView.as_view(), name="apikey-create"),
    path(
        BASE + "cles/<int:pk>/revoquer/",
        views.RevokeView.as_view(kind="apikey"),
        name="apikey-revoke",
    ),
    path(
        BASE + "certificats/nouveau/",
        views.CertificateCreateView.as_view(),
        name="certificate-create",
    ),
    path(
        BASE + "certificats/<int:pk>/revoquer/",
        views.RevokeView.as_view(kind="certificate"),
        name="certificate-revoke",
    ),
    path(
        BASE + "certificats/<int:pk>/certificat.pem",
        views.CertificatePemView.as_view(),
        name="certificate-pem",
    ),
    path(
        "back-office/acces-systeme/",
        views.BackofficeCredentialListView.as_view(),
        name="backoffice",
    ),
    path("pki/ca.pem", views.ca_pem, name="ca-pem"),
    path("pki/crl.pem", views.crl_pem, name="crl-pem"),
]
