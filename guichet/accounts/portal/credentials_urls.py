"""URL routes of the credentials pages."""

urlpatterns: list = []
