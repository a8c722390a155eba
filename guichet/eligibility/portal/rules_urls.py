"""« Règles d'éligibilité » back-office pages (``/back-office/regles-eligibilite/``)."""

from django.urls import path

from guichet.eligibility.portal import rules_views as views

app_name = "eligibility-rules"

BASE = "back-office/regles-eligibilite/"

urlpatterns = [
    path(BASE, views.ZoneListView.as_view(), name="zones"),
    path(f"{BASE}zones/nouvelle", views.ZoneCreateView.as_view(), name="zone-new"),
    path(f"{BASE}zones/<int:pk>/lever", views.ZoneDeleteView.as_view(), name="zone-delete"),
    path(f"{BASE}gels/", views.FreezeListView.as_view(), name="freezes"),
    path(f"{BASE}gels/nouveau", views.FreezeCreateView.as_view(), name="freeze-new"),
    path(f"{BASE}gels/<int:pk>/", views.FreezeEditView.as_view(), name="freeze"),
    path(f"{BASE}gels/<int:pk>/lever", views.FreezeLiftView.as_view(), name="freeze-lift"),
    path(f"{BASE}gels/<int:pk>/supprimer", views.FreezeDeleteView.as_view(), name="freeze-delete"),
]
