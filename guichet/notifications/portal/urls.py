"""The email delivery log, for the Provider's staff (``back-office/courriels/``)."""

from django.urls import path

from guichet.notifications.portal import views

app_name = "notifications"

urlpatterns = [
    path("back-office/courriels/", views.EmailListView.as_view(), name="email-list"),
    path("back-office/courriels/<int:pk>/", views.EmailDetailView.as_view(), name="email-detail"),
    path(
        "back-office/courriels/<int:pk>/renvoyer",
        views.EmailRetryView.as_view(),
        name="email-retry",
    ),
]
