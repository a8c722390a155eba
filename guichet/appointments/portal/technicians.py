"""Planning pages of the back-office: technicians and teams (skills, areas, daily capacity,
weekly hours), their absences, and the slot templates. Each page calls the planning
services; their refusals (RDV-012 …) are shown on the form with their code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from guichet.appointments import selectors, services
from guichet.appointments.models import Appointment, Technician
from guichet.appointments.portal.forms import (
    AbsenceForm,
    SlotTemplateEditForm,
    SlotTemplateForm,
    TechnicianForm,
)
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.views import ProviderRequiredMixin

TECHNICIANS = "appointments/planning/technicians.html"
TECHNICIAN = "appointments/planning/technician.html"
TEMPLATES = "appointments/planning/templates.html"
TEMPLATE_FORM = "appointments/planning/template_form.html"


class TechnicianListView(ProviderRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        technicians = selectors.technicians_for(self.principal)
        return render(request, TECHNICIANS, {"technicians": technicians})


def _save_planning(principal: Any, technician: Technician, data: dict[str, Any]) -> None:
    services.set_areas(
        actor=principal,
        technician=technician,
        communes=data["commune_list"],
        pms=data["pm_list"],
    )
    services.set_working_hours(actor=principal, technician=technician, hours=data["hours"])


class TechnicianCreateView(ProviderRequiredMixin, View):
    """``techniciens/nouveau``: the technician, its areas and hours in one go (all or nothing)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = TechnicianForm(initial={"daily_capacity": 4, "active": True})
        return render(request, TECHNICIAN, {"form": form, "technician": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TechnicianForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    technician = services.create_technician(
                        actor=self.principal,
                        name=data["name"],
                        kind=data["kind"],
                        company=data["company"],
                        skills=data["skills"],
                        daily_capacity=data["daily_capacity"],
                    )
                    _save_planning(self.principal, technician, data)
                    if not data["active"]:
                        services.update_technician(
                            actor=self.principal, technician=technician, active=False
                        )
            except GuichetError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Technicien « %(name)s » créé.") % {"name": technician})
                return redirect("planning:technician", pk=technician.pk)
        return render(request, TECHNICIAN, {"form": form, "technician": None}, status=400)


class TechnicianView(ProviderRequiredMixin, View):
    """``techniciens/<pk>/``: edit the technician; its absences below (add, delete)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        technician = selectors.technician_for(self.principal, pk)
        return self.page(
            request, technician, TechnicianForm(initial=TechnicianForm.initial_for(technician))
        )

    def page(
        self,
        request: HttpRequest,
        technician: Technician,
        form: TechnicianForm,
        *,
        absence_form: AbsenceForm | None = None,
        overlapping: list[Appointment] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "form": form,
            "technician": technician,
            "absences": selectors.absences_for(self.principal, technician),
            "absence_form": absence_form or AbsenceForm(),
            "overlapping": overlapping,
        }
        return render(request, TECHNICIAN, context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        technician = selectors.technician_for(self.principal, pk)
        form = TechnicianForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.update_technician(
                        actor=self.principal,
                        technician=technician,
                        name=data["name"],
                        kind=data["kind"],
                        company=data["company"],
                        skills=data["skills"],
                        daily_capacity=data["daily_capacity"],
                        active=data["active"],
                    )
                    _save_planning(self.principal, technician, data)
            except GuichetError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Technicien « %(name)s » enregistré.") % {"name": data["name"]}
                )
                return redirect("planning:technician", pk=technician.pk)
        technician = selectors.technician_for(self.principal, pk)
        return self.page(request, technician, form, status=400)


class AbsenceCreateView(TechnicianView):
    """Add an absence; the appointments already booked in it are listed, to be moved."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        technician = selectors.technician_for(self.principal, pk)
        form = AbsenceForm(request.POST)
        edit = TechnicianForm(initial=TechnicianForm.initial_for(technician))
        if not form.is_valid():
            return self.page(request, technician, edit, absence_form=form, status=400)
        try:
            _absence, overlapping = services.add_absence(
                actor=self.principal,
                technician=technician,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                reason=form.cleaned_data["reason"],
            )
        except GuichetError as error:
            form.add_service_error(error)
            return self.page(request, technician, edit, absence_form=form, status=error.status)
        if not overlapping:
            messages.success(request, _("Absence enregistrée."))
            return redirect("planning:technician", pk=technician.pk)
        messages.warning(
            request,
            _(
                "Absence enregistrée. %(count)s rendez-vous déjà réservés tombent pendant "
                "l'absence : déplacez-les, leurs opérateurs seront prévenus."
            )
            % {"count": len(overlapping)},
        )
        return self.page(request, technician, edit, overlapping=overlapping)


class AbsenceDeleteView(ProviderRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int, absence_pk: int) -> HttpResponse:
        technician = selectors.technician_for(self.principal, pk)
        absence = selectors.absences_for(self.principal, technician).filter(pk=absence_pk).first()
        if absence is None:
            raise GuichetError(NOT_FOUND)
        services.delete_absence(actor=self.principal, absence=absence)
        messages.success(request, _("Absence supprimée."))
        return redirect("planning:technician", pk=technician.pk)


# --- Slot templates ---------------------------------------------------------------------------


class SlotTemplateListView(ProviderRequiredMixin, View):
    """``creneaux/``: the windows offered per intervention type, and a form to add one."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, SlotTemplateForm())

    def page(self, request: HttpRequest, form: SlotTemplateForm, status: int = 200) -> HttpResponse:
        templates = selectors.slot_templates_for(self.principal)
        return render(request, TEMPLATES, {"templates": templates, "form": form}, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SlotTemplateForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        try:
            template = services.create_slot_template(actor=self.principal, **form.cleaned_data)
        except GuichetError as error:
            form.add_service_error(error)
            return self.page(request, form, status=error.status)
        messages.success(request, _("Créneau « %(name)s » créé.") % {"name": template})
        return redirect("planning:templates")


class SlotTemplateEditView(ProviderRequiredMixin, View):
    def template(self, pk: int) -> Any:
        template = selectors.slot_templates_for(self.principal).filter(pk=pk).first()
        if template is None:
            raise GuichetError(NOT_FOUND)
        return template

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = self.template(pk)
        form = SlotTemplateEditForm(
            initial={"capacity": template.capacity, "active": template.active}
        )
        return render(request, TEMPLATE_FORM, {"form": form, "template": template})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = self.template(pk)
        form = SlotTemplateEditForm(request.POST)
        if form.is_valid():
            try:
                services.update_slot_template(
                    actor=self.principal,
                    template=template,
                    capacity=form.cleaned_data["capacity"],
                    active=form.cleaned_data["active"],
                )
            except GuichetError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Créneau « %(name)s » enregistré.") % {"name": template}
                )
                return redirect("planning:templates")
        return render(request, TEMPLATE_FORM, {"form": form, "template": template}, status=400)
