"""URL routes (filled by the feature that owns this module)."""

urlpatterns: list = []
