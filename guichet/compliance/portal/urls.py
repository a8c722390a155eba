"""Audit pages: the Provider's back-office (``back-office/audits/``) and the operator's
portal (``securite/audits/``) (SEC-09)."""

from django.urls import include, path

from guichet.compliance.portal import answers, backoffice

patterns = [
    path("back-office/audits/", backoffice.AuditListView.as_view(), name="backoffice-list"),
    path("back-office/audits/nouveau", backoffice.AuditCreateView.as_view(), name="backoffice-new"),
    path(
        "back-office/audits/<int:pk>/",
        backoffice.AuditDetailView.as_view(),
        name="backoffice-detail",
    ),
    path(
        "back-office/audits/<int:pk>/non-conformites",
        backoffice.AddNonConformityView.as_view(),
        name="backoffice-add-nc",
    ),
    path(
        "back-office/audits/<int:pk>/clore",
        backoffice.CloseAuditView.as_view(),
        name="backoffice-close",
    ),
    path(
        "back-office/audits/non-conformites/<int:pk>/",
        backoffice.NonConformityView.as_view(),
        name="backoffice-nc",
    ),
    path(
        "back-office/audits/non-conformites/<int:pk>/notifier",
        backoffice.NotifyView.as_view(),
        name="backoffice-notify",
    ),
    path(
        "back-office/audits/non-conformites/<int:pk>/plans/<int:plan_pk>/approuver",
        backoffice.ApprovePlanView.as_view(),
        name="backoffice-approve",
    ),
    path(
        "back-office/audits/non-conformites/<int:pk>/plans/<int:plan_pk>/rejeter",
        backoffice.RejectPlanView.as_view(),
        name="backoffice-reject",
    ),
    path(
        "back-office/audits/non-conformites/<int:pk>/lever",
        backoffice.ResolveView.as_view(),
        name="backoffice-resolve",
    ),
    path(
        "back-office/audits/non-conformites/<int:pk>/suspendre",
        backoffice.SuspendView.as_view(),
        name="backoffice-suspend",
    ),
    path("securite/audits/", answers.MyAuditsView.as_view(), name="list"),
    path("securite/audits/<int:pk>/", answers.MyAuditDetailView.as_view(), name="detail"),
    path(
        "securite/audits/non-conformites/<int:pk>/",
        answers.MyNonConformityView.as_view(),
        name="nc-detail",
    ),
    path(
        "securite/audits/non-conformites/<int:pk>/plan",
        answers.FilePlanView.as_view(),
        name="file-plan",
    ),
    path(
        "securite/audits/plans/<int:pk>/actions/<int:position>/faite",
        answers.CompleteItemView.as_view(),
        name="complete-item",
    ),
]

urlpatterns = [path("", include((patterns, "compliance")))]
