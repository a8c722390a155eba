"""URL routes of the people and profiles pages (French paths, namespace ``people``)."""

from django.urls import path

from guichet.accounts.portal import people, people_profiles

app_name = "people"

PEOPLE = "administration/personnes/"
PROFILES = "administration/profils/"

urlpatterns = [
    path(PEOPLE, people.PersonListView.as_view(), name="list"),
    path(PEOPLE + "nouvelle/", people.PersonCreateView.as_view(), name="create"),
    path(PEOPLE + "<int:pk>/", people.PersonDetailView.as_view(), name="detail"),
    path(PEOPLE + "<int:pk>/modifier/", people.PersonEditView.as_view(), name="edit"),
    path(
        PEOPLE + "<int:pk>/desactiver/",
        people.PersonStateView.as_view(action="deactivate"),
        name="deactivate",
    ),
    path(
        PEOPLE + "<int:pk>/reactiver/",
        people.PersonStateView.as_view(action="reactivate"),
        name="reactivate",
    ),
    path(PROFILES, people_profiles.ProfileListView.as_view(), name="profiles"),
    path(PROFILES + "nouveau/", people_profiles.ProfileCreateView.as_view(), name="profile-create"),
    path(
        PROFILES + "<int:pk>/modifier/",
        people_profiles.ProfileEditView.as_view(),
        name="profile-edit",
    ),
    path(
        PROFILES + "<int:pk>/supprimer/",
        people_profiles.ProfileDeleteView.as_view(),
        name="profile-delete",
    ),
    # The Provider's staff: every operator's people, and the templates they define.
    path(
        "back-office/personnes/",
        people.PersonListView.as_view(provider_only=True),
        name="backoffice-list",
    ),
    path(
        "back-office/profils/",
        people_profiles.ProfileListView.as_view(provider_only=True),
        name="backoffice-profiles",
    ),
]
