"""REST routes of people and profiles (included under ``/api/v1/`` in the ``api`` namespace)."""

from rest_framework.routers import SimpleRouter

from guichet.accounts.api.people import PersonViewSet, ProfileViewSet

router = SimpleRouter(trailing_slash=False)
router.register("people", PersonViewSet, basename="person")
router.register("profiles", ProfileViewSet, basename="profile")

urlpatterns = router.urls
