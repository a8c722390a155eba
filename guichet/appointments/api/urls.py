"""e-RDV REST routes: TMF646 Appointment Management v4 under /tmf-api/appointment/v4/."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from guichet.appointments.api.views import AppointmentViewSet, SearchTimeSlotView

app_name = "appointments-api"

tmf = SimpleRouter(trailing_slash=False)
tmf.register("appointment", AppointmentViewSet, basename="appointment")

urlpatterns = [
    path("searchTimeSlot", SearchTimeSlotView.as_view(), name="searchtimeslot"),
    path("", include(tmf.urls)),
]
