"""The REST API: back-office resources under /api/v1/, TM Forum resources under /tmf-api/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from guichet.core.api.catalogue import ErrorCatalogueView, ErrorCodeView
from guichet.operators.api.views import OperatorViewSet

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("operators", OperatorViewSet, basename="operator")

urlpatterns = [
    path("v1/errors", ErrorCatalogueView.as_view(), name="error-list"),
    path("v1/errors/<str:code>", ErrorCodeView.as_view(), name="error-detail"),
    path("v1/", include(router.urls)),
    path("v1/", include("guichet.accounts.api.people_urls")),
    path("v1/", include("guichet.accounts.api.credentials_urls")),
    path("v1/", include("guichet.operators.api.contracts_urls")),
    path("v1/", include("guichet.billing.api.urls")),
    path("v1/", include("guichet.compliance.api.urls")),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
