"""Operator portal (``securite/audits/``): its audits, the non-conformities notified to it,
file or refile a remediation plan, mark its actions done (SEC-09)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.compliance import selectors, services
from guichet.compliance.choices import NonConformityStatus, PlanStatus
from guichet.compliance.errors import PLAN_FORBIDDEN
from guichet.compliance.models import NonConformity
from guichet.compliance.portal.common import paginate
from guichet.compliance.portal.forms import PlanForm
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.views import OperatorRequiredMixin


class AnswerAccessMixin(OperatorRequiredMixin):
    """An operator's security people (admin, ``security:declare``) or its journal readers."""

    def allowed(self, principal: Principal) -> bool:
        if not super().allowed(principal):
            return False
        if not selectors.may_read(principal):
            raise GuichetError(PLAN_FORBIDDEN)
        return True


class MyAuditsView(AnswerAccessMixin, TemplateView):
    template_name = "compliance/portal/my_audits.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = selectors.today()
        open_ones = selectors.non_conformities_for(self.principal).exclude(
            status=NonConformityStatus.RESOLVED
        )
        late_ids = set(
            selectors.non_conformities_for(self.principal, late=True).values_list("pk", flat=True)
        )
        context.update(
            paginate(self.request, selectors.audits_for(self.principal)),
            open_non_conformities=open_ones,
            late_ids=late_ids,
            today=today,
        )
        return context


class MyAuditDetailView(AnswerAccessMixin, TemplateView):
    template_name = "compliance/portal/my_audit_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        audit = selectors.audit_for(self.principal, kwargs["pk"])
        context.update(
            audit=audit,
            non_conformities=selectors.non_conformities_for(self.principal, audit_id=audit.pk),
        )
        return context


class MyNonConformityView(AnswerAccessMixin, View):
    """The non-conformity, its deadline, its plans; the plan form while a plan is expected."""

    template_name = "compliance/portal/my_nc.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(self.non_conformity(pk))

    def non_conformity(self, pk: int) -> NonConformity:
        return selectors.non_conformity_for(self.principal, pk)

    def render(
        self,
        non_conformity: NonConformity,
        *,
        form: PlanForm | None = None,
        alert: GuichetError | None = None,
        status: int = 200,
    ) -> HttpResponse:
        plans = selectors.plans_for(self.principal, non_conformity_id=non_conformity.pk)
        current = plans.first()
        today = selectors.today()
        may_answer = selectors.may_answer(self.principal)
        context = {
            "nc": non_conformity,
            "audit": non_conformity.audit,
            "plans": plans,
            "current": current,
            "today": today,
            "plan_expected": non_conformity.status == NonConformityStatus.NOTIFIED,
            "plan_missing": non_conformity.plan_missing_after_deadline(today),
            "may_answer": may_answer,
            "may_mark": may_answer
            and current is not None
            and current.status == PlanStatus.APPROVED,
            "form": form or PlanForm(),
            "alert": alert,
        }
        return render(self.request, self.template_name, context, status=status)


class FilePlanView(MyNonConformityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        non_conformity = self.non_conformity(pk)
        form = PlanForm(request.POST)
        if not form.is_valid():
            return self.render(non_conformity, form=form, status=400)
        try:
            plan = services.file_plan(
                actor=self.principal,
                non_conformity=non_conformity,
                summary=form.cleaned_data["summary"],
                items=form.items(),
            )
        except GuichetError as exc:
            if exc.field in form.fields or exc.field == "items":
                form.add_error(None, f"{exc.message()} ({exc.code})")
                return self.render(non_conformity, form=form, status=exc.status)
            return self.render(non_conformity, form=form, alert=exc, status=exc.status)
        messages.success(
            request,
            _("Plan déposé (version %(version)s) : le Fournisseur est prévenu et l'examine.")
            % {"version": plan.version},
        )
        return redirect("compliance:nc-detail", pk=pk)


class CompleteItemView(MyNonConformityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, position: int) -> HttpResponse:
        plan = selectors.plan_for(self.principal, pk)
        try:
            services.complete_items(actor=self.principal, plan=plan, positions=[position])
        except GuichetError as exc:
            return self.render(plan.non_conformity, alert=exc, status=exc.status)
        messages.success(
            request, _("Action n°%(position)s marquée faite.") % {"position": position}
        )
        return redirect("compliance:nc-detail", pk=plan.non_conformity_id)
