from django.urls import path

from guichet.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("tableau-de-bord/", views.DashboardView.as_view(), name="dashboard"),
    path("back-office/", views.BackofficeView.as_view(), name="backoffice"),
]
