"""TAO pages (``/tao/``) and the address autocomplete shared with the Eligibility page."""

from django.urls import path

from guichet.addresses.portal import views

app_name = "addresses"

urlpatterns = [
    path("tao/", views.TaoView.as_view(), name="tao"),
    path("tao/historique/<int:pk>/", views.TaoAnswerView.as_view(), name="tao-answer"),
    path("adresses/suggestions", views.SuggestionsView.as_view(), name="suggestions"),
]
