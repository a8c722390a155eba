"""REST routes of SEC-09 (included under ``/api/v1/`` in the ``api`` namespace)."""

from rest_framework.routers import SimpleRouter

from guichet.compliance.api.views import (
    NonConformityViewSet,
    RemediationPlanViewSet,
    SecurityAuditViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("security-audits", SecurityAuditViewSet, basename="securityaudit")
router.register("non-conformities", NonConformityViewSet, basename="nonconformity")
router.register("remediation-plans", RemediationPlanViewSet, basename="remediationplan")

urlpatterns = router.urls
