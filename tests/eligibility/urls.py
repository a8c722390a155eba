"""Only eligibility's routes: these tests do not depend on other doors being importable."""

from django.urls import include, path

urlpatterns = [path("", include("guichet.eligibility.api.urls"))]
