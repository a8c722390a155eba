"""URL routes of the login lockout and login history pages (namespace ``sessions``)."""

from django.urls import path

from guichet.accounts.portal import sessions

app_name = "sessions"

urlpatterns = [
    path("connexion/deblocage/", sessions.UnlockRequestView.as_view(), name="unlock-request"),
    path("connexion/deblocage/<str:token>/", sessions.UnlockView.as_view(), name="unlock"),
    path("compte/connexions/", sessions.LoginHistoryView.as_view(), name="history"),
    path(
        "administration/personnes/<int:pk>/connexions/",
        sessions.LoginHistoryView.as_view(own=False),
        name="person-history",
    ),
    path(
        "administration/personnes/<int:pk>/debloquer/",
        sessions.PersonUnlockView.as_view(),
        name="person-unlock",
    ),
]
