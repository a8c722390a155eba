"""REST routes of system credentials (included under ``/api/v1/`` in the ``api`` namespace)."""

from rest_framework.routers import SimpleRouter

from guichet.accounts.api.credentials import ApiKeyViewSet, CertificateViewSet

router = SimpleRouter(trailing_slash=False)
router.register("api-keys", ApiKeyViewSet, basename="apikey")
router.register("certificates", CertificateViewSet, basename="certificate")

urlpatterns = router.urls
