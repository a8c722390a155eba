"""Back-office: operators with their suspension state (SEC-08), suspend and lift."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.core.errors import GuichetError
from guichet.core.views import ProviderRequiredMixin
from guichet.operators import selectors, services
from guichet.operators.models import Operator
from guichet.operators.portal.forms import LiftForm, SuspendForm

PAGE_SIZE = 50
STATES = {"suspendu": True, "actif": False}


class OperatorListView(ProviderRequiredMixin, TemplateView):
    """``back-office/operateurs/``: search by name, ARCEP code or SIREN; filter by state."""

    template_name = "operators/security/operator_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        search = self.request.GET.get("q", "").strip()[:100]
        state = self.request.GET.get("etat", "")
        operators = selectors.operators_by_state_for(
            self.principal, search=search, suspended=STATES.get(state)
        )
        page = Paginator(operators, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page_obj=page,
            page_links=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            page_query=query.urlencode(),
            search=search,
            state=state if state in STATES else "",
        )
        return context


class OperatorDetailView(ProviderRequiredMixin, View):
    """``back-office/operateurs/<pk>/``: security contact, suspension state and history."""

    template_name = "operators/security/operator_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(self.operator(pk))

    def operator(self, pk: int) -> Operator:
        return selectors.operator_for(self.principal, pk)

    def render(
        self,
        operator: Operator,
        *,
        suspend_form: SuspendForm | None = None,
        lift_form: LiftForm | None = None,
        alert: GuichetError | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "operator": operator,
            "alert": alert,
            "suspend_form": suspend_form or SuspendForm(),
            "lift_form": lift_form or LiftForm(),
            "suspensions": selectors.suspensions_for(self.principal, operator),
            "open_incidents": selectors.incidents_for(self.principal, status="open").filter(
                operator=operator
            ),
        }
        return render(self.request, self.template_name, context, status=status)

    def refused(self, pk: int, error: GuichetError, **forms: Any) -> HttpResponse:
        """A refusal about a field goes on the form; about the state, on top of the page."""
        form = next(iter(forms.values()))
        if error.field in form.fields:
            form.add_service_error(error)
            return self.render(self.operator(pk), status=error.status, **forms)
        return self.render(self.operator(pk), alert=error, status=error.status)


class SuspendView(OperatorDetailView):
    """POST ``back-office/operateurs/<pk>/suspendre``: reason mandatory (SEC-041)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        operator = self.operator(pk)
        form = SuspendForm(request.POST)
        form.is_valid()
        try:
            services.suspend_operator(
                actor=self.principal, operator=operator, reason=form.cleaned_data["reason"]
            )
        except GuichetError as exc:
            return self.refused(pk, exc, suspend_form=form)
        messages.success(
            request,
            _("Accès de %(operator)s suspendu : ses sessions sont fermées, ses contacts prévenus.")
            % {"operator": operator.arcep_code},
        )
        return redirect("security:operator-detail", pk=operator.pk)


class LiftView(OperatorDetailView):
    """POST ``back-office/operateurs/<pk>/lever-suspension``: note mandatory (SEC-044)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        operator = self.operator(pk)
        form = LiftForm(request.POST)
        form.is_valid()
        try:
            services.lift_suspension(
                actor=self.principal, operator=operator, note=form.cleaned_data["note"]
            )
        except GuichetError as exc:
            return self.refused(pk, exc, lift_form=form)
        messages.success(
            request,
            _("Suspension de %(operator)s levée : l'accès est rétabli.")
            % {"operator": operator.arcep_code},
        )
        return redirect("security:operator-detail", pk=operator.pk)
