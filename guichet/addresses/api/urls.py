"""TMF673 Geographic Address Management v4 routes (under ``/tmf-api/geographicAddressManagement/v4/``)."""

from django.urls import path

from guichet.addresses.api import views

app_name = "tmf673"

urlpatterns = [
    path("geographicAddress", views.GeographicAddressListView.as_view(), name="address-list"),
    path(
        "geographicAddress/<str:id>",
        views.GeographicAddressDetailView.as_view(),
        name="address-detail",
    ),
    path(
        "geographicAddress/<str:id>/geographicSubAddress",
        views.GeographicSubAddressListView.as_view(),
        name="subaddress-list",
    ),
    path(
        "geographicAddress/<str:id>/geographicSubAddress/<str:subId>",
        views.GeographicSubAddressDetailView.as_view(),
        name="subaddress-detail",
    ),
    path(
        "geographicAddressValidation",
        views.GeographicAddressValidationView.as_view(),
        name="validation",
    ),
    path(
        "geographicAddressValidation/<str:id>",
        views.GeographicAddressValidationDetailView.as_view(),
        name="validation-detail",
    ),
]
