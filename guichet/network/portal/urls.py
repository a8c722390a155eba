"""Back-office URLs of the network inventory, under ``back-office/reseau/``."""

from django.urls import path

from guichet.network.portal import views

app_name = "network"

urlpatterns = [
    path("", views.InventorySearchView.as_view(), name="search"),
    path("export.csv", views.InventoryExportView.as_view(), name="search-export"),
    path("locaux/<int:pk>/", views.PremisesDetailView.as_view(), name="premises"),
    path("pm/<int:pk>/", views.PmDetailView.as_view(), name="pm"),
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/nouveau/", views.ImportStartView.as_view(), name="import-new"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import"),
    path(
        "imports/<int:pk>/progression/",
        views.ImportProgressView.as_view(),
        name="import-progress",
    ),
    path("imports/<int:pk>/rapport.csv", views.ImportReportView.as_view(), name="import-report"),
]
