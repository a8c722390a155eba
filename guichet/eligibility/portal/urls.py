"""Eligibility pages (``/eligibilite/``): the search and the stored answers."""

from django.urls import path

from guichet.eligibility.portal import views

app_name = "eligibility"

urlpatterns = [
    path("eligibilite/", views.SearchView.as_view(), name="search"),
    path("eligibilite/<uuid:pk>/", views.QualificationView.as_view(), name="qualification"),
]
