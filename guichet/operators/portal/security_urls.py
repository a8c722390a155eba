"""Security pages: incidents and security contact (``securite/``), operators' suspension
(``back-office/operateurs/``) and the email delivery log (``back-office/courriels/``)."""

from django.urls import include, path

from guichet.operators.portal import incidents, suspensions

security_patterns = [
    path("securite/incidents/", incidents.IncidentListView.as_view(), name="incident-list"),
    path("securite/incidents/nouveau", incidents.IncidentCreateView.as_view(), name="incident-new"),
    path(
        "securite/incidents/<int:pk>/",
        incidents.IncidentDetailView.as_view(),
        name="incident-detail",
    ),
    path(
        "securite/incidents/<int:pk>/clore",
        incidents.IncidentCloseView.as_view(),
        name="incident-close",
    ),
    path("securite/contact/", incidents.SecurityContactView.as_view(), name="contact"),
    path("back-office/operateurs/", suspensions.OperatorListView.as_view(), name="operator-list"),
    path(
        "back-office/operateurs/<int:pk>/",
        suspensions.OperatorDetailView.as_view(),
        name="operator-detail",
    ),
    path(
        "back-office/operateurs/<int:pk>/suspendre",
        suspensions.SuspendView.as_view(),
        name="operator-suspend",
    ),
    path(
        "back-office/operateurs/<int:pk>/lever-suspension",
        suspensions.LiftView.as_view(),
        name="operator-lift",
    ),
]

urlpatterns = [
    path("", include((security_patterns, "security"))),
    path("", include("guichet.notifications.portal.urls")),
]
