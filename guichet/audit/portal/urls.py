"""Journal viewer routes: the back-office for the Provider, the administration for an operator."""

from django.urls import path, re_path

from guichet.audit.portal import views

app_name = "audit"

urlpatterns = [
    path("back-office/journal/", views.ProviderJournalView.as_view(), name="backoffice-journal"),
    path(
        "back-office/journal/<int:pk>/",
        views.ProviderJournalEntryView.as_view(),
        name="backoffice-journal-entry",
    ),
    re_path(
        r"^back-office/journal/export\.(?P<fmt>csv|json)$",
        views.ProviderJournalExportView.as_view(),
        name="backoffice-journal-export",
    ),
    path("administration/journal/", views.OperatorJournalView.as_view(), name="journal"),
    path(
        "administration/journal/<int:pk>/",
        views.OperatorJournalEntryView.as_view(),
        name="journal-entry",
    ),
    re_path(
        r"^administration/journal/export\.(?P<fmt>csv|json)$",
        views.OperatorJournalExportView.as_view(),
        name="journal-export",
    ),
]
