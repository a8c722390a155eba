"""URL map: portal (French paths), admin, REST API, language switch, health check."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

handler400 = "guichet.core.views.bad_request"
handler403 = "guichet.core.views.permission_denied"
handler404 = "guichet.core.views.page_not_found"
handler500 = "guichet.core.views.server_error"


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", include("config.api_urls")),
    path("", include("guichet.eligibility.api.urls")),  # TMF679 + /api/v1/eligibility-…
    path("tmf-api/geographicAddressManagement/v4/", include("guichet.addresses.api.urls")),
    path("tmf-api/appointment/v4/", include("guichet.appointments.api.urls")),
    # SOAP web services (Mode Intégré): each domain's soap.py carries its urlpatterns.
    path("ws/", include("guichet.eligibility.soap")),
    path("ws/", include("guichet.addresses.soap")),
    path("ws/", include("guichet.appointments.soap")),
    path("", include("guichet.accounts.portal.identifiers_urls")),
    path("", include("guichet.accounts.portal.people_urls")),
    path("", include("guichet.accounts.portal.sessions_urls")),
    path("", include("guichet.accounts.portal.credentials_urls")),
    path("", include("guichet.audit.portal.urls")),
    path("", include("guichet.operators.portal.security_urls")),
    path("", include("guichet.operators.portal.contracts_urls")),
    path("", include("guichet.billing.portal.urls")),
    path("", include("guichet.compliance.portal.urls")),
    path("", include("guichet.eligibility.portal.urls")),
    path("", include("guichet.eligibility.portal.bulk_urls")),
    path("", include("guichet.eligibility.portal.rules_urls")),
    path("", include("guichet.addresses.portal.urls")),
    path("", include("guichet.appointments.portal.urls")),
    path("back-office/reseau/", include("guichet.network.portal.urls")),
    path("", include("guichet.portal.urls")),
]
