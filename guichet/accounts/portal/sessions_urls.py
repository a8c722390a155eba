"""URL routes of the sessions pages."""

urlpatterns: list = []
