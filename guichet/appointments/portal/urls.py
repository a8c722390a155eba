"""e-RDV pages: the operators' (``/rendez-vous/``) and the planners' back-office
(``/back-office/planification/``)."""

from django.urls import include, path

from guichet.appointments.portal import backoffice as bo
from guichet.appointments.portal import detail, lists, technicians, views

operator_patterns = [
    path("rendez-vous/", views.SearchView.as_view(), name="search"),
    path("rendez-vous/creneaux/", views.SlotsView.as_view(), name="slots"),
    path("rendez-vous/reserver", views.ReserveView.as_view(), name="reserve"),
    path("rendez-vous/mes-rendez-vous/", lists.AppointmentListView.as_view(), name="list"),
    path(
        "rendez-vous/mes-rendez-vous/export.csv",
        lists.AppointmentExportView.as_view(),
        name="export",
    ),
    path("rendez-vous/mes-rendez-vous/<str:id_rdv>/", detail.DetailView.as_view(), name="detail"),
    path(
        "rendez-vous/mes-rendez-vous/<str:id_rdv>/confirmer",
        detail.ConfirmView.as_view(),
        name="confirm",
    ),
    path(
        "rendez-vous/mes-rendez-vous/<str:id_rdv>/reporter",
        detail.RescheduleView.as_view(),
        name="reschedule",
    ),
    path(
        "rendez-vous/mes-rendez-vous/<str:id_rdv>/annuler",
        detail.CancelView.as_view(),
        name="cancel",
    ),
]

BO = "back-office/planification/"
planning_patterns = [
    path(BO, bo.LoadView.as_view(), name="load"),
    path(f"{BO}rendez-vous/", bo.FindView.as_view(), name="find"),
    path(f"{BO}rendez-vous/<str:id_rdv>/", bo.AppointmentView.as_view(), name="appointment"),
    path(f"{BO}rendez-vous/<str:id_rdv>/deplacer", bo.MoveView.as_view(), name="move"),
    path(f"{BO}rendez-vous/<str:id_rdv>/annuler", bo.ProviderCancelView.as_view(), name="cancel"),
    path(f"{BO}rendez-vous/<str:id_rdv>/resultat", bo.OutcomeView.as_view(), name="outcome"),
    path(f"{BO}techniciens/", technicians.TechnicianListView.as_view(), name="technicians"),
    path(
        f"{BO}techniciens/nouveau",
        technicians.TechnicianCreateView.as_view(),
        name="technician-new",
    ),
    path(f"{BO}techniciens/<int:pk>/", technicians.TechnicianView.as_view(), name="technician"),
    path(
        f"{BO}techniciens/<int:pk>/absences",
        technicians.AbsenceCreateView.as_view(),
        name="absence-new",
    ),
    path(
        f"{BO}techniciens/<int:pk>/absences/<int:absence_pk>/supprimer",
        technicians.AbsenceDeleteView.as_view(),
        name="absence-delete",
    ),
    path(f"{BO}creneaux/", technicians.SlotTemplateListView.as_view(), name="templates"),
    path(f"{BO}creneaux/<int:pk>/", technicians.SlotTemplateEditView.as_view(), name="template"),
]

urlpatterns = [
    path("", include((operator_patterns, "appointments"))),
    path("", include((planning_patterns, "planning"))),
]
