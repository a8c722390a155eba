"""URL routes of the identifiers pages (French paths, namespace ``identifiers``)."""

from django.urls import path

from guichet.accounts.portal import identifiers, identifiers_account, identifiers_backoffice

app_name = "identifiers"

urlpatterns = [
    path(
        "compte/activation/<str:token>/",
        identifiers.ActivationView.as_view(),
        name="activate",
    ),
    path(
        "compte/activation/<str:token>/second-facteur/",
        identifiers.ActivationSecondFactorView.as_view(),
        name="activate_second_factor",
    ),
    path(
        "connexion/second-facteur/",
        identifiers.SecondFactorLoginView.as_view(),
        name="second_factor",
    ),
    path(
        "compte/mot-de-passe/",
        identifiers_account.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("compte/securite/", identifiers_account.SecurityView.as_view(), name="security"),
    path(
        "compte/securite/second-facteur/",
        identifiers_account.SecurityEnrolView.as_view(),
        name="security_enrol",
    ),
    path(
        "compte/securite/codes-de-secours/",
        identifiers_account.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path(
        "back-office/identifiants/",
        identifiers_backoffice.IssuanceTrackingView.as_view(),
        name="tracking",
    ),
    path(
        "identifiants/<int:pk>/nouveau-lien/",
        identifiers_backoffice.ReissueLinkView.as_view(),
        name="reissue",
    ),
    path(
        "identifiants/<int:pk>/perte/",
        identifiers_backoffice.DeclareLostView.as_view(),
        name="declare_lost",
    ),
]
