"""Back-office (``back-office/audits/``): the Provider records audits and non-conformities,
notifies them, reviews plans, follows deadlines and, on default, suspends (SEC-09)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.compliance import selectors, services
from guichet.compliance.choices import AuditStatus, NonConformityStatus, PlanStatus
from guichet.compliance.models import NonConformity, SecurityAudit
from guichet.compliance.portal.common import YES_NO, int_or_none, paginate
from guichet.compliance.portal.forms import (
    AuditForm,
    NonConformityForm,
    RejectForm,
    SuspendForm,
)
from guichet.core.errors import GuichetError
from guichet.core.views import ProviderRequiredMixin
from guichet.operators.selectors import operator_for, operators_for


class AuditListView(ProviderRequiredMixin, TemplateView):
    """List with filters: operator, status, late (a plan missing or an action past due)."""

    template_name = "compliance/portal/backoffice_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        operator_id = int_or_none(query.get("operateur"))
        status = query.get("statut", "")
        late = YES_NO.get(query.get("retard", ""))
        audits = selectors.audits_for(
            self.principal,
            operator_id=operator_id,
            status=status if status in AuditStatus.values else "",
            late=late,
        )
        late_ids = set(selectors.audits_for(self.principal, late=True).values_list("pk", flat=True))
        context.update(
            paginate(self.request, audits),
            operators=operators_for(self.principal).order_by("name"),
            operator_id=operator_id,
            status=status,
            statuses=AuditStatus.choices,
            late=query.get("retard", ""),
            late_ids=late_ids,
        )
        return context


class AuditCreateView(ProviderRequiredMixin, View):
    template_name = "compliance/portal/audit_form.html"

    def form(self, data: Any = None) -> AuditForm:
        operators = [(o.pk, f"{o.name} ({o.arcep_code})") for o in operators_for(self.principal)]
        return AuditForm(
            data, operators=operators, initial={"operator": self.request.GET.get("operateur")}
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        operator = operator_for(self.principal, data["operator"]) if data["operator"] else None
        try:
            audit = services.record_audit(
                actor=self.principal,
                operator=operator,
                performed_on=data["performed_on"],
                scope=data["scope"],
                auditor=data["auditor"],
                auditor_kind=data["auditor_kind"],
                findings=data["findings"],
            )
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.render(form, status=exc.status)
        messages.success(request, _("Audit enregistré : ajoutez ses non-conformités."))
        return redirect("compliance:backoffice-detail", pk=audit.pk)

    def render(self, form: AuditForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form}, status=status)


class AuditDetailView(ProviderRequiredMixin, View):
    """The audit, its non-conformities and the form to add one."""

    template_name = "compliance/portal/backoffice_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(selectors.audit_for(self.principal, pk))

    def render(
        self,
        audit: SecurityAudit,
        *,
        form: NonConformityForm | None = None,
        alert: GuichetError | None = None,
        status: int = 200,
    ) -> HttpResponse:
        non_conformities = selectors.non_conformities_for(self.principal, audit_id=audit.pk)
        late_ids = set(
            selectors.non_conformities_for(
                self.principal, audit_id=audit.pk, late=True
            ).values_list("pk", flat=True)
        )
        context = {
            "audit": audit,
            "non_conformities": non_conformities,
            "late_ids": late_ids,
            "form": form or NonConformityForm(),
            "alert": alert,
            "open": audit.status == AuditStatus.OPEN,
        }
        return render(self.request, self.template_name, context, status=status)


class AddNonConformityView(AuditDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        audit = selectors.audit_for(self.principal, pk)
        form = NonConformityForm(request.POST)
        form.is_valid()
        try:
            non_conformity = services.add_non_conformity(
                actor=self.principal, audit=audit, **form.cleaned_data
            )
        except GuichetError as exc:
            if exc.field in form.fields:
                form.add_service_error(exc)
                return self.render(audit, form=form, status=exc.status)
            return self.render(audit, form=form, alert=exc, status=exc.status)
        messages.success(
            request,
            _(
                "Non-conformité n°%(number)s enregistrée ; notifiez-la pour ouvrir le délai de 10 jours."
            )
            % {"number": non_conformity.number},
        )
        return redirect("compliance:backoffice-detail", pk=audit.pk)


class CloseAuditView(AuditDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        audit = selectors.audit_for(self.principal, pk)
        try:
            services.close_audit(actor=self.principal, audit=audit)
        except GuichetError as exc:
            return self.render(audit, alert=exc, status=exc.status)
        messages.success(request, _("Audit clos."))
        return redirect("compliance:backoffice-detail", pk=audit.pk)


class NonConformityView(ProviderRequiredMixin, View):
    """One non-conformity: notify, review the plan, follow its actions, suspend on default."""

    template_name = "compliance/portal/backoffice_nc.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(self.non_conformity(pk))

    def non_conformity(self, pk: int) -> NonConformity:
        return selectors.non_conformity_for(self.principal, pk)

    def render(
        self,
        non_conformity: NonConformity,
        *,
        reject_form: RejectForm | None = None,
        suspend_form: SuspendForm | None = None,
        alert: GuichetError | None = None,
        status: int = 200,
    ) -> HttpResponse:
        plans = selectors.plans_for(self.principal, non_conformity_id=non_conformity.pk)
        current = plans.first()
        today = selectors.today()
        context = {
            "nc": non_conformity,
            "audit": non_conformity.audit,
            "operator": non_conformity.operator,
            "plans": plans,
            "current": current,
            "today": today,
            "late_items": [i for i in current.items.all() if i.is_late(today)]
            if current and current.status == PlanStatus.APPROVED
            else [],
            "all_done": current is not None and all(item.done_at for item in current.items.all()),
            "in_default": selectors.is_in_default(non_conformity, today),
            "plan_missing": non_conformity.plan_missing_after_deadline(today),
            "reject_form": reject_form or RejectForm(),
            "suspend_form": suspend_form or SuspendForm(),
            "alert": alert,
            "statuses": NonConformityStatus,
        }
        return render(self.request, self.template_name, context, status=status)

    def refused(self, pk: int, error: GuichetError, **forms: Any) -> HttpResponse:
        form = next(iter(forms.values()), None)
        if form is not None and error.field in form.fields:
            form.add_service_error(error)
            return self.render(self.non_conformity(pk), status=error.status, **forms)
        return self.render(self.non_conformity(pk), alert=error, status=error.status, **forms)


class NotifyView(NonConformityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            nc = services.notify_non_conformity(
                actor=self.principal, non_conformity=self.non_conformity(pk)
            )
        except GuichetError as exc:
            return self.refused(pk, exc)
        messages.success(
            request,
            _("Non-conformité notifiée : plan attendu au plus tard le %(due)s.")
            % {"due": nc.plan_due_on.strftime("%d/%m/%Y")},
        )
        return redirect("compliance:backoffice-nc", pk=pk)


class ApprovePlanView(NonConformityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
        plan = selectors.plan_for(self.principal, plan_pk)
        try:
            services.approve_plan(actor=self.principal, plan=plan)
        except GuichetError as exc:
            return self.refused(pk, exc)
        messages.success(request, _("Plan approuvé : ses échéances sont suivies."))
        return redirect("compliance:backoffice-nc", pk=plan.non_conformity_id)


class RejectPlanView(NonConformityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
        plan = selectors.plan_for(self.principal, plan_pk)
        form = RejectForm(request.POST)
        form.is_valid()
        try:
            services.reject_plan(
                actor=self.principal, plan=plan, reason=form.cleaned_data["reason"]
            )
        except GuichetError as exc:
            return self.refused(pk, exc, reject_form=form)
        messages.success(request, _("Plan rejeté : l'opérateur doit en déposer un nouveau."))
        return redirect("compliance:backoffice-nc", pk=plan.non_conformity_id)


class ResolveView(NonConformityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.resolve_non_conformity(
                actor=self.principal, non_conformity=self.non_conformity(pk)
            )
        except GuichetError as exc:
            return self.refused(pk, exc)
        messages.success(request, _("Non-conformité levée."))
        return redirect("compliance:backoffice-nc", pk=pk)


class SuspendView(NonConformityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = SuspendForm(request.POST)
        form.is_valid()
        try:
            services.suspend_for_non_conformity(
                actor=self.principal,
                non_conformity=self.non_conformity(pk),
                reason=form.cleaned_data["reason"],
            )
        except GuichetError as exc:
            return self.refused(pk, exc, suspend_form=form)
        messages.success(
            request,
            _("Accès de l'opérateur suspendu : ses sessions sont fermées, ses contacts prévenus."),
        )
        return redirect("compliance:backoffice-nc", pk=pk)
