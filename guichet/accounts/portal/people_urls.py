"""URL routes of the people pages."""

urlpatterns: list = []
