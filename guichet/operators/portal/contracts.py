"""Operator pages of contracts (``administration/contrats/``): documents in force, signatures,
order forms, subscriptions and terminations. Views parse and render; services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.views import OperatorRequiredMixin
from guichet.operators import selectors
from guichet.operators.models import OrderFormStatus
from guichet.operators.portal.contract_forms import (
    AcceptOrderForm,
    OrderFormForm,
    ReasonForm,
    ScanForm,
    SignatureForm,
)
from guichet.operators.selectors import contracts as cs
from guichet.operators.services import contracts as contract_services
from guichet.operators.services import orders, terminations

PAGE_SIZE = 25
FORM_PAGE = "operators/contracts/form_page.html"


def download(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def paginate(request: HttpRequest, queryset: Any, query: str = "") -> dict[str, Any]:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_links": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "page_query": query,
    }


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    back: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {"form": form, "title": title, "submit": submit, "back": back, **extra}
    return render(request, FORM_PAGE, context, status=status)


class ContractsHomeView(OperatorRequiredMixin, TemplateView):
    """Les documents en vigueur pour l'opérateur, par rang (CTR-04), et ses contrats de gros."""

    template_name = "operators/contracts/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        operator = selectors.operator_for(self.principal, self.principal.operator_id)
        context.update(
            operator=operator,
            rows=cs.documents_in_force_for(self.principal, operator),
            wholesale=cs.wholesale_contracts_for(self.principal, current_only=True),
            is_admin=selectors.is_operator_admin(self.principal),
        )
        return context


class DocumentPdfView(OperatorRequiredMixin, View):
    """Le document rendu pour l'opérateur (aperçu, avant signature ou s'il est notifié)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = cs.document_for(self.principal, pk)
        operator = selectors.operator_for(self.principal, self.principal.operator_id)
        content = contract_services.render_document(
            document, operator, place=operator.head_office_city, on=document.effective_on
        )
        return download(content, f"{document.kind}-{document.pk}-{operator.arcep_code}.pdf")


class SignaturePdfView(OperatorRequiredMixin, View):
    """Le PDF signé, tel qu'il a été rendu et haché."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        signature = cs.signature_for(self.principal, pk)
        return download(
            bytes(signature.pdf), f"{signature.document.kind}-{signature.operator.arcep_code}.pdf"
        )


class SignDocumentView(OperatorRequiredMixin, View):
    """Signer une version pour l'opérateur (CTR-02, CTR-03)."""

    def page(self, form: SignatureForm, document: Any, status: int = 200) -> HttpResponse:
        return form_page(
            self.request,
            form,
            title=_("Signer : %(document)s") % {"document": document},
            submit=_("Signer"),
            back="contracts:home",
            status=status,
            intro=_(
                "La signature porte sur cette version exacte. Le contrat prend effet à la date de "
                "la dernière signature des deux Parties."
            ),
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = cs.document_for(self.principal, pk)
        return self.page(SignatureForm(), document)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        document = cs.document_for(self.principal, pk)
        form = SignatureForm(request.POST)
        if not form.is_valid():
            return self.page(form, document, status=400)
        operator = selectors.operator_for(self.principal, self.principal.operator_id)
        try:
            contract_services.sign_document(
                actor=self.principal, operator=operator, document=document, **form.cleaned_data
            )
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.page(form, document, status=exc.status)
        messages.success(request, _("Signature enregistrée."))
        return redirect("contracts:home")


class OrderFormListView(OperatorRequiredMixin, TemplateView):
    template_name = "operators/contracts/order_form_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("statut", "")
        forms = cs.order_forms_for(self.principal, status=status)
        query = f"statut={status}" if status in OrderFormStatus.values else ""
        context.update(
            paginate(self.request, forms, query), status=status, statuses=OrderFormStatus.choices
        )
        context["detail_url"] = "contracts:order-form-detail"
        return context


class OrderFormCreateView(OperatorRequiredMixin, View):
    """Remplir un bon de commande (CTR-05)."""

    def form(self, data: Any = None) -> OrderFormForm:
        choices = [(s.code, s.name) for s in cs.eservices()]
        return OrderFormForm(
            data, services=choices, initial={"service": self.request.GET.get("service")}
        )

    def page(self, form: OrderFormForm, status: int = 200) -> HttpResponse:
        return form_page(
            self.request,
            form,
            title=_("Nouveau bon de commande"),
            submit=_("Enregistrer le bon de commande"),
            back="contracts:order-form-list",
            status=status,
            intro=_(
                "Le bon de commande est ensuite accepté électroniquement par une personne habilitée, "
                "ou déposé signé et scanné."
            ),
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            order_form = orders.create_order_form(
                actor=self.principal,
                service=cs.eservice_by_code(form.cleaned_data["service"]),
                designated_persons=form.cleaned_data["designated_persons"],
                comment=form.cleaned_data["comment"],
            )
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.page(form, status=exc.status)
        messages.success(request, _("Bon de commande enregistré : relisez-le puis signez-le."))
        return redirect("contracts:order-form-detail", pk=order_form.pk)


class OrderFormDetailView(OperatorRequiredMixin, View):
    """Un bon de commande: relire, accepter électroniquement, déposer un scan, abandonner."""

    template_name = "operators/contracts/order_form_detail.html"

    def page(
        self, order_form: Any, *, accept: Any = None, scan: Any = None, status: int = 200
    ) -> HttpResponse:
        context = {
            "order_form": order_form,
            "accept_form": accept or AcceptOrderForm(),
            "scan_form": scan or ScanForm(),
            "is_admin": selectors.is_operator_admin(self.principal),
            "general": contract_services.general_conditions_in_force(order_form.operator_id),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(cs.order_form_for(self.principal, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order_form = cs.order_form_for(self.principal, pk)
        action = request.POST.get("action")
        if action == "cancel":
            orders.cancel_order_form(actor=self.principal, order_form=order_form)
            messages.success(request, _("Bon de commande abandonné."))
            return redirect("contracts:order-form-list")
        if action == "scan":
            return self.upload_scan(order_form)
        form = AcceptOrderForm(request.POST)
        if not form.is_valid():
            return self.page(order_form, accept=form, status=400)
        try:
            orders.sign_order_form(
                actor=self.principal,
                order_form=order_form,
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_capacity=form.cleaned_data["signatory_capacity"],
            )
        except GuichetError as exc:
            if exc.status == 403:
                raise
            form.add_service_error(exc)
            return self.page(order_form, accept=form, status=exc.status)
        return self.signed(order_form)

    def upload_scan(self, order_form: Any) -> HttpResponse:
        form = ScanForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.page(order_form, scan=form, status=400)
        upload = form.cleaned_data["scan"]
        try:
            orders.upload_signed_scan(
                actor=self.principal,
                order_form=order_form,
                content=upload.read(orders.MAX_SCAN_BYTES + 1) if upload else b"",
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_capacity=form.cleaned_data["signatory_capacity"],
            )
        except GuichetError as exc:
            if exc.status == 403:
                raise
            form.add_service_error(exc)
            return self.page(order_form, scan=form, status=exc.status)
        return self.signed(order_form)

    def signed(self, order_form: Any) -> HttpResponse:
        messages.success(self.request, _("Bon de commande signé et transmis au Fournisseur."))
        return redirect("contracts:order-form-detail", pk=order_form.pk)


class OrderFormPdfView(OperatorRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order_form = cs.order_form_for(self.principal, pk)
        if not order_form.pdf:
            raise GuichetError(NOT_FOUND)
        return download(bytes(order_form.pdf), f"{order_form.number}.pdf")


class SubscriptionListView(OperatorRequiredMixin, TemplateView):
    template_name = "operators/contracts/subscription_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        search = self.request.GET.get("q", "")
        ordering = self.request.GET.get("tri", "")
        subscriptions = cs.subscriptions_for(self.principal, search=search, ordering=ordering)
        context.update(paginate(self.request, subscriptions, f"q={search}&tri={ordering}"))
        exported = set(
            cs.data_exports_for(self.principal)
            .filter(destroyed_at__isnull=True)
            .values_list("subscription_id", flat=True)
        )
        substantial = {
            s.pk
            for s in context["page_obj"]
            if s.ends_on is None and cs.pending_substantial_change(s.service)
        }
        context.update(
            search=search,
            ordering=ordering,
            exported=exported,
            substantial=substantial,
            is_admin=selectors.is_operator_admin(self.principal),
        )
        return context


class TerminateSubscriptionView(OperatorRequiredMixin, View):
    """Résilier un e-service (CTR-08), ou sans pénalité après modification substantielle (CTR-11)."""

    def page(
        self, form: ReasonForm, subscription: Any, substantial: bool, status: int = 200
    ) -> HttpResponse:
        if substantial:
            change = cs.pending_substantial_change(subscription.service)
            intro = _(
                "Modification substantielle notifiée : la résiliation est sans pénalité et prend "
                "effet le %(date)s, jour de son entrée en vigueur."
            ) % {"date": change.effective_on.strftime("%d/%m/%Y") if change else "—"}
        else:
            specific = cs.current_document("specific", subscription.service)
            months = specific.termination_notice_months if specific else 0
            intro = _(
                "Préavis des Conditions Spécifiques : %(months)s mois. Pendant la durée minimale "
                "d'engagement, les abonnements restent dus jusqu'à son terme (article 9)."
            ) % {"months": months}
        return form_page(
            self.request,
            form,
            title=_("Résilier l'e-service %(service)s") % {"service": subscription.service.name},
            submit=_("Confirmer la résiliation"),
            back="contracts:subscription-list",
            status=status,
            intro=intro,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        subscription = cs.subscription_for(self.principal, pk)
        return self.page(ReasonForm(), subscription, "sans-penalite" in request.path)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subscription = cs.subscription_for(self.principal, pk)
        substantial = "sans-penalite" in request.path
        form = ReasonForm(request.POST)
        form.is_valid()
        try:
            if substantial:
                notice = terminations.terminate_for_substantial_change(
                    actor=self.principal, subscription=subscription
                )
            else:
                notice = terminations.terminate_subscription(
                    actor=self.principal,
                    subscription=subscription,
                    reason=form.cleaned_data.get("reason", ""),
                )
        except GuichetError as exc:
            if exc.status == 403:
                raise
            form.add_service_error(exc)
            return self.page(form, subscription, substantial, status=exc.status)
        messages.success(
            request,
            _("Résiliation enregistrée : effective le %(date)s.")
            % {"date": notice.effective_on.strftime("%d/%m/%Y")},
        )
        return redirect("contracts:subscription-list")


class TerminateContractView(OperatorRequiredMixin, View):
    """Résilier le Contrat (CTR-07): 3 mois de préavis, tous les e-services."""

    def page(self, form: ReasonForm, status: int = 200) -> HttpResponse:
        return form_page(
            self.request,
            form,
            title=_("Résilier le Contrat e-services"),
            submit=_("Confirmer la résiliation du Contrat"),
            back="contracts:home",
            status=status,
            intro=_(
                "Préavis de trois mois (article 9) : la résiliation du Contrat entraîne celle de "
                "l'ensemble des e-services."
            ),
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(ReasonForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReasonForm(request.POST)
        form.is_valid()
        operator = selectors.operator_for(self.principal, self.principal.operator_id)
        try:
            notices = terminations.terminate_contract(
                actor=self.principal, operator=operator, reason=form.cleaned_data.get("reason", "")
            )
        except GuichetError as exc:
            if exc.status == 403:
                raise
            form.add_service_error(exc)
            return self.page(form, status=exc.status)
        messages.success(
            request,
            _("Résiliation du Contrat enregistrée : effective le %(date)s.")
            % {"date": notices[0].effective_on.strftime("%d/%m/%Y")},
        )
        return redirect("contracts:home")


class DataExportView(OperatorRequiredMixin, View):
    """L'archive des données d'un e-service terminé (CTR-14)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        subscription = cs.subscription_for(self.principal, pk)
        export = cs.data_exports_for(self.principal).filter(subscription=subscription).first()
        if export is None:
            raise GuichetError(NOT_FOUND)
        content = terminations.archive_of(cs.data_export_for(self.principal, export.pk))
        name = f"donnees-{subscription.operator.arcep_code}-{subscription.service.code}.zip"
        return download(content, name, "application/zip")
