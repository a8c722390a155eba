"""URL routes of the identifiers pages."""

urlpatterns: list = []
