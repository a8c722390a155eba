"""« Éligibilité en masse » pages (``/eligibilite/en-masse/``)."""

from django.urls import path

from guichet.eligibility.portal import bulk_views as views

app_name = "eligibility-bulk"

urlpatterns = [
    path("eligibilite/en-masse/", views.BulkView.as_view(), name="page"),
    path("eligibilite/en-masse/traitements/", views.BulkJobsView.as_view(), name="jobs"),
    path(
        "eligibilite/en-masse/<uuid:pk>/resultat.csv",
        views.BulkResultView.as_view(),
        name="result",
    ),
]
