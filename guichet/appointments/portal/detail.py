"""One appointment in the operator portal (``/rendez-vous/mes-rendez-vous/<IdRdv>/``): its
facts and history; confirm a hold, reschedule in the week view, cancel with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from guichet.appointments import selectors, services
from guichet.appointments.choices import RIGHT_BOOK, AppointmentStatus
from guichet.appointments.portal.forms import CancelForm, ConfirmForm
from guichet.appointments.portal.views import (
    SLOTS,
    RdvAccess,
    appointment_query,
    current_slot,
    headline,
    slots_context,
    week_of_slot,
    when,
)
from guichet.core.errors import GuichetError

S = AppointmentStatus
DETAIL = "appointments/portal/detail.html"


class DetailView(RdvAccess, View):
    """``/rendez-vous/mes-rendez-vous/<IdRdv>/``: the appointment, its history, its actions."""

    def get(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        return self.page(request, id_rdv)

    def page(
        self,
        request: HttpRequest,
        id_rdv: str,
        *,
        confirm: ConfirmForm | None = None,
        cancel: CancelForm | None = None,
        error: GuichetError | None = None,
        status: int = 200,
    ) -> HttpResponse:
        appointment = selectors.appointment_for(self.principal, id_rdv)
        active = appointment.status in (S.HELD, S.CONFIRMED, S.RESCHEDULED)
        context = {
            "appointment": appointment,
            "when": when(appointment),
            "history": selectors.history_for(self.principal, appointment),
            "may_book": self.principal.has_right(RIGHT_BOOK) and active,
            "confirm_form": confirm or ConfirmForm(),
            "cancel_form": cancel or CancelForm(),
            "error": error,
            "headline": headline(error),
        }
        return render(request, DETAIL, context, status=error.status if error else status)


class ConfirmView(DetailView):
    def post(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        form = ConfirmForm(request.POST)
        form.is_valid()
        try:
            appointment = services.confirm(
                actor=self.principal,
                id_rdv=id_rdv,
                order_reference=form.cleaned_data.get("order_reference", ""),
            )
        except GuichetError as error:
            if error.status in (403, 404):
                raise
            return self.page(request, id_rdv, confirm=form, error=error)
        messages.success(request, _("Rendez-vous %(id)s confirmé.") % {"id": appointment.id_rdv})
        return redirect("appointments:detail", id_rdv=appointment.id_rdv)


class CancelView(DetailView):
    def post(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        form = CancelForm(request.POST)
        form.is_valid()
        try:
            appointment = services.cancel(
                actor=self.principal, id_rdv=id_rdv, reason=form.cleaned_data.get("reason", "")
            )
        except GuichetError as error:
            if error.status in (403, 404):
                raise
            return self.page(request, id_rdv, cancel=form, error=error)
        messages.success(
            request,
            _("Rendez-vous %(id)s annulé : le créneau est libéré.") % {"id": appointment.id_rdv},
        )
        return redirect("appointments:detail", id_rdv=appointment.id_rdv)


class RescheduleView(RdvAccess, View):
    """``/rendez-vous/mes-rendez-vous/<IdRdv>/reporter``: the week view of the appointment's
    place; picking a slot moves it there (atomically: never none, never two)."""

    def get(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        return self.page(request, id_rdv, request.GET.get("semaine"))

    def post(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        chosen = (request.POST.get("creneau") or "").strip()
        try:
            appointment = services.reschedule(actor=self.principal, id_rdv=id_rdv, slot_id=chosen)
        except GuichetError as error:
            if error.status in (403, 404):
                raise
            return self.page(request, id_rdv, week_of_slot(chosen), error=error)
        messages.success(
            request,
            _("Rendez-vous %(id)s reporté au %(when)s.")
            % {"id": appointment.id_rdv, "when": when(appointment)},
        )
        return redirect("appointments:detail", id_rdv=appointment.id_rdv)

    def page(
        self,
        request: HttpRequest,
        id_rdv: str,
        week_value: str | None,
        *,
        error: GuichetError | None = None,
    ) -> HttpResponse:
        appointment = selectors.appointment_for(self.principal, id_rdv)
        current = current_slot(appointment)
        context = slots_context(
            self.principal,
            appointment_query(appointment),
            appointment.intervention_type,
            week_value or week_of_slot(current.id),
            current=current,
        )
        context.update(
            appointment=appointment,
            when=when(appointment),
            error=error,
            headline=headline(error),
            hidden={},
            week_query="",
            action=reverse("appointments:reschedule", args=[appointment.id_rdv]),
        )
        return render(request, SLOTS, context, status=error.status if error else 200)
