"""REST routes of contracts (included under ``/api/v1/`` in the ``api`` namespace)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from guichet.operators.api import contract_views as views

router = SimpleRouter(trailing_slash=False)
router.register("contracts/documents", views.ContractDocumentViewSet, basename="contract-document")
router.register("contracts/signatures", views.SignatureViewSet, basename="contract-signature")
router.register(
    "contracts/wholesale", views.WholesaleContractViewSet, basename="wholesale-contract"
)
router.register("order-forms", views.OrderFormViewSet, basename="order-form")
router.register("subscriptions", views.SubscriptionViewSet, basename="subscription")

urlpatterns = [
    path("contracts/in-force", views.DocumentsInForceView.as_view(), name="contracts-in-force"),
    path("contracts/terminate", views.TerminateContractView.as_view(), name="contracts-terminate"),
    *router.urls,
]
