"""Eligibility REST routes: TMF679 under /tmf-api/, the Provider's rules under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from guichet.eligibility.api.bulk import BulkJobViewSet
from guichet.eligibility.api.rules import ExclusionZoneViewSet, FreezeViewSet
from guichet.eligibility.api.views import ProductOfferingQualificationViewSet

app_name = "eligibility-api"

tmf = SimpleRouter(trailing_slash=False)
tmf.register(
    "productOfferingQualification",
    ProductOfferingQualificationViewSet,
    basename="productofferingqualification",
)

backoffice = SimpleRouter(trailing_slash=False)
backoffice.register("eligibility-exclusion-zones", ExclusionZoneViewSet, basename="exclusionzone")
backoffice.register("eligibility-freezes", FreezeViewSet, basename="freeze")
backoffice.register("eligibility-jobs", BulkJobViewSet, basename="eligibilityjob")

urlpatterns = [
    path("tmf-api/productOfferingQualification/v4/", include(tmf.urls)),
    path("api/v1/", include(backoffice.urls)),
]
