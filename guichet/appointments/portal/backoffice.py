"""The planners' back-office (``/back-office/planification/``): the day/week load per area
with each appointment, and an appointment's page where a planner moves it, cancels it (the
operator is notified by the services) or records the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from guichet.appointments import selectors, services
from guichet.appointments.choices import AppointmentStatus
from guichet.appointments.models import Appointment, Slot, Technician
from guichet.appointments.portal.forms import (
    LoadForm,
    MoveForm,
    OutcomeForm,
    ProviderCancelForm,
)
from guichet.appointments.portal.views import current_slot, headline, when
from guichet.appointments.portal.week import DAYS_SHOWN, monday_of, parse_week, week_of
from guichet.core.errors import GuichetError
from guichet.core.views import ProviderRequiredMixin

S = AppointmentStatus
APPOINTMENT = "appointments/planning/appointment.html"
# How far ahead a planner may move an appointment (the Operators' horizon does not bind them).
PLANNER_HORIZON_DAYS = 366


@dataclass
class Cell:
    """One technician's day: the slots with their appointments, and the day's load."""

    day: date
    capacity: int
    slots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def booked(self) -> int:
        return sum(s["slot"].booked for s in self.slots)

    @property
    def full(self) -> bool:
        return self.booked >= self.capacity


def load_grid(
    technicians: list[Technician], slots: list[Slot], days: list[date]
) -> list[dict[str, Any]]:
    """Rows of the load view: one per technician, one cell per day."""
    cells = {(t.pk, d): Cell(d, t.daily_capacity) for t in technicians for d in days}
    for slot in slots:
        cell = cells.get((slot.technician_id, slot.day))
        if cell is None:
            continue
        cell.capacity = max(cell.capacity, slot.booked)
        shown = [a for a in slot.appointments.all() if a.status != S.CANCELLED]
        cell.slots.append({"slot": slot, "appointments": shown})
    return [{"technician": t, "cells": [cells[(t.pk, d)] for d in days]} for t in technicians]


class LoadView(ProviderRequiredMixin, TemplateView):
    """Charge par zone: a day or a week, technicians in rows, each appointment in its slot."""

    template_name = "appointments/planning/load.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = LoadForm(self.request.GET, areas=selectors.areas_for(self.principal))
        data = form.cleaned_data if form.is_valid() else {}
        view = data.get("vue") or "semaine"
        day = data.get("date") or timezone.localdate()
        zone = data.get("zone") or ""
        if view == "jour":
            days, step = [day], timedelta(days=1)
        else:
            monday = monday_of(day)
            days, step = [monday + timedelta(days=n) for n in range(DAYS_SHOWN)], timedelta(7)
        technicians = list(selectors.technicians_for(self.principal, area=zone))
        slots = list(
            selectors.load_for(
                self.principal,
                first=days[0],
                last=days[-1],
                technicians=[t.pk for t in technicians],
            )
        )
        base = {"vue": view, "zone": zone}
        context.update(
            form=form,
            view=view,
            days=days,
            rows=load_grid(technicians, slots, days),
            zone=zone,
            base=base,
            previous=(days[0] - step).isoformat(),
            next=(days[0] + step).isoformat(),
            today=timezone.localdate().isoformat(),
        )
        return context


class FindView(ProviderRequiredMixin, View):
    """``?q=IdRdv`` → that appointment's page (GEN-404 when unknown)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        appointment = selectors.appointment_for(self.principal, request.GET.get("q", ""))
        return redirect("planning:appointment", id_rdv=appointment.id_rdv)


class AppointmentView(ProviderRequiredMixin, View):
    """An appointment for the planner: its history, free windows to move it, cancel, outcome."""

    def get(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        return self.page(request, id_rdv, request.GET.get("semaine"))

    def page(
        self,
        request: HttpRequest,
        id_rdv: str,
        week_value: str | None,
        *,
        move: MoveForm | None = None,
        cancel: ProviderCancelForm | None = None,
        outcome: OutcomeForm | None = None,
        error: GuichetError | None = None,
    ) -> HttpResponse:
        appointment = selectors.appointment_for(self.principal, id_rdv)
        today = timezone.localdate()
        last = today + timedelta(days=PLANNER_HORIZON_DAYS)
        active = appointment.status in (S.HELD, S.CONFIRMED, S.RESCHEDULED)
        context: dict[str, Any] = {
            "appointment": appointment,
            "when": when(appointment),
            "technician": appointment.slot.technician,
            "history": selectors.history_for(self.principal, appointment),
            "active": active,
            "move_form": move or MoveForm(prefix="move"),
            "cancel_form": cancel or ProviderCancelForm(prefix="cancel"),
            "outcome_form": outcome or OutcomeForm(),
            "error": error,
            "headline": headline(error),
        }
        if active:
            default = max(today, timezone.localtime(appointment.starts_at).date())
            monday = parse_week(week_value, default)
            options = services.move_options(
                actor=self.principal,
                id_rdv=appointment.id_rdv,
                date_from=monday,
                date_to=monday + timedelta(days=6),
            )
            current = current_slot(appointment)
            context.update(
                week=week_of(monday, options, first=today, last=last, current=current),
                current_slot=current.id,
                week_query="",
                may_book=True,
                action=reverse("planning:move", args=[appointment.id_rdv]),
                hidden={},
            )
        return render(request, APPOINTMENT, context, status=error.status if error else 200)

    def done(self, request: HttpRequest, appointment: Appointment, message: str) -> HttpResponse:
        messages.success(request, message)
        return redirect("planning:appointment", id_rdv=appointment.id_rdv)


class MoveView(AppointmentView):
    def post(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        form = MoveForm(request.POST, prefix="move")
        form.is_valid()
        chosen = (request.POST.get("creneau") or "").strip()
        try:
            appointment = services.move_appointment(
                actor=self.principal,
                id_rdv=id_rdv,
                slot_id=chosen,
                reason=form.cleaned_data.get("reason", ""),
            )
        except GuichetError as error:
            if error.status in (403, 404):
                raise
            form.add_service_error(error)
            week = f"{chosen[:4]}-{chosen[4:6]}-{chosen[6:8]}" if chosen[:8].isdigit() else None
            return self.page(request, id_rdv, week, move=form, error=error)
        return self.done(
            request,
            appointment,
            _("Rendez-vous %(id)s déplacé au %(when)s ; l'opérateur est prévenu.")
            % {"id": appointment.id_rdv, "when": when(appointment)},
        )


class ProviderCancelView(AppointmentView):
    def post(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        form = ProviderCancelForm(request.POST, prefix="cancel")
        form.is_valid()
        try:
            appointment = services.cancel_by_provider(
                actor=self.principal, id_rdv=id_rdv, reason=form.cleaned_data.get("reason", "")
            )
        except GuichetError as error:
            if error.status in (403, 404):
                raise
            form.add_service_error(error)
            return self.page(request, id_rdv, None, cancel=form, error=error)
        return self.done(
            request,
            appointment,
            _("Rendez-vous %(id)s annulé ; l'opérateur est prévenu.") % {"id": appointment.id_rdv},
        )


class OutcomeView(AppointmentView):
    def post(self, request: HttpRequest, id_rdv: str) -> HttpResponse:
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            return self.page(request, id_rdv, None, outcome=form)
        try:
            appointment = services.record_outcome(
                actor=self.principal,
                id_rdv=id_rdv,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except GuichetError as error:
            if error.status in (403, 404):
                raise
            form.add_service_error(error)
            return self.page(request, id_rdv, None, outcome=form, error=error)
        return self.done(
            request,
            appointment,
            _("Résultat enregistré : %(status)s.") % {"status": appointment.get_status_display()},
        )
