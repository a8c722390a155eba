"""Security incidents in the portal (SEC-07): either side declares, the other is emailed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.views import OperatorRequiredMixin, PrincipalMixin
from guichet.operators import selectors, services
from guichet.operators.errors import INCIDENT_FORBIDDEN
from guichet.operators.models import IncidentStatus
from guichet.operators.portal.forms import IncidentForm, SecurityContactForm

PAGE_SIZE = 50


class IncidentAccessMixin(PrincipalMixin):
    """Provider staff, or an operator's person with ``security:declare`` or its administrator."""

    def allowed(self, principal: Principal) -> bool:
        if not selectors.may_handle_incidents(principal):
            raise GuichetError(INCIDENT_FORBIDDEN)
        return True


def may_close(principal: Principal, incident: Any) -> bool:
    """Whether to offer the close button (the service decides in the end)."""
    if incident.status != IncidentStatus.OPEN:
        return False
    return principal.is_provider or not incident.declared_by_provider


class IncidentListView(IncidentAccessMixin, TemplateView):
    template_name = "operators/security/incident_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("statut", "")
        incidents = selectors.incidents_for(self.principal, status=status)
        page = Paginator(incidents, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            page_links=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            page_query=f"statut={status}" if status in IncidentStatus.values else "",
            status=status,
            statuses=IncidentStatus.choices,
            may_edit_contact=selectors.is_operator_admin(self.principal),
        )
        return context


class IncidentCreateView(IncidentAccessMixin, View):
    """``securite/incidents/nouveau``: the form; the service checks and emails."""

    template_name = "operators/security/incident_form.html"

    def form(self, data: Any = None) -> IncidentForm:
        operators = None
        if self.principal.is_provider:
            operators = [
                (operator.pk, f"{operator.name} ({operator.arcep_code})")
                for operator in selectors.operators_for(self.principal)
            ]
        initial = {"operator": self.request.GET.get("operateur")}
        return IncidentForm(data, operators=operators, initial=initial)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        operator = None
        if self.principal.is_provider and data.get("operator"):
            operator = selectors.operator_for(self.principal, data["operator"])
        try:
            incident = services.declare_incident(
                actor=self.principal,
                operator=operator,
                title=data["title"],
                description=data["description"],
                severity=data["severity"],
                occurred_at=data["occurred_at"],
            )
        except GuichetError as exc:
            if exc.status == 403:
                raise
            form.add_service_error(exc)
            return self.render(form, status=exc.status)
        messages.success(
            request,
            _("Incident déclaré ; l'autre partie est prévenue par courriel.")
            if incident.declared_by_provider
            else _("Incident déclaré ; la sécurité du Fournisseur est prévenue par courriel."),
        )
        return redirect("security:incident-detail", pk=incident.pk)

    def render(self, form: IncidentForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "provider_view": self.principal.is_provider}
        return render(self.request, self.template_name, context, status=status)


class IncidentDetailView(IncidentAccessMixin, TemplateView):
    template_name = "operators/security/incident_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        incident = selectors.incident_for(self.principal, kwargs["pk"])
        context.update(incident=incident, may_close=may_close(self.principal, incident))
        return context


class IncidentCloseView(IncidentAccessMixin, View):
    """POST ``securite/incidents/<pk>/clore``."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        incident = selectors.incident_for(self.principal, pk)
        services.close_incident(actor=self.principal, incident=incident)
        messages.success(request, _("Incident clos ; l'autre partie est prévenue par courriel."))
        return redirect("security:incident-detail", pk=incident.pk)


class SecurityContactView(OperatorRequiredMixin, View):
    """``securite/contact/``: an operator's administrator keeps its security contact current."""

    template_name = "operators/security/contact_form.html"

    def allowed(self, principal: Principal) -> bool:
        return super().allowed(principal) and selectors.is_operator_admin(principal)

    def get(self, request: HttpRequest) -> HttpResponse:
        operator = selectors.operator_for(self.principal, self.principal.operator_id)
        initial = {field: getattr(operator, field) for field in services.SECURITY_CONTACT_FIELDS}
        return self.render(SecurityContactForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        operator = selectors.operator_for(self.principal, self.principal.operator_id)
        form = SecurityContactForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            services.update_security_contact(
                actor=self.principal, operator=operator, **form.cleaned_data
            )
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.render(form, status=exc.status)
        messages.success(request, _("Contact sécurité enregistré ; le Fournisseur en est informé."))
        return redirect("security:contact")

    def render(self, form: SecurityContactForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form}, status=status)
