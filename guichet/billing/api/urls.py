"""REST routes of billing (included under ``/api/v1/`` in the ``api`` namespace)."""

from rest_framework.routers import SimpleRouter

from guichet.billing.api.views import (
    CreditNoteViewSet,
    InvoiceViewSet,
    LiabilityClaimViewSet,
    PriceViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("prices", PriceViewSet, basename="price")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("credit-notes", CreditNoteViewSet, basename="creditnote")
router.register("liability-claims", LiabilityClaimViewSet, basename="liabilityclaim")

urlpatterns = router.urls
