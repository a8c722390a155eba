"""Provider back-office of contracts (``back-office/contrats/``): documents and versions,
signatures, wholesale contracts, order-form validation and activation, terminations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.views import ProviderRequiredMixin
from guichet.operators import selectors
from guichet.operators.models import SIGNED_KINDS, DocumentKind, OrderFormStatus
from guichet.operators.portal.contract_forms import (
    ActivateForm,
    ProviderSignatureForm,
    PublishForm,
    ReasonForm,
    WholesaleForm,
)
from guichet.operators.portal.contracts import download, form_page, paginate
from guichet.operators.selectors import contracts as cs
from guichet.operators.services import contracts as contract_services
from guichet.operators.services import orders, terminations, wholesale


def operator_choices(principal: Any) -> list[tuple[int, str]]:
    return [(o.pk, f"{o.name} ({o.arcep_code})") for o in selectors.operators_for(principal)]


class DocumentListView(ProviderRequiredMixin, TemplateView):
    """Les documents et leurs versions (CTR-04, CTR-09..11)."""

    template_name = "operators/contracts/backoffice_documents.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        kind = self.request.GET.get("document", "")
        search = self.request.GET.get("q", "")
        documents = cs.documents_for(self.principal, kind=kind, search=search)
        context.update(
            paginate(self.request, documents, f"document={kind}&q={search}"),
            kind=kind,
            search=search,
            kinds=DocumentKind.choices,
        )
        return context


class PublishView(ProviderRequiredMixin, View):
    """Publier une nouvelle version: à signer (CG, annexe 2) ou notifiée avec préavis."""

    def form(self, data: Any = None) -> PublishForm:
        return PublishForm(data, services=[(s.code, s.name) for s in cs.eservices()])

    def page(self, form: PublishForm, status: int = 200) -> HttpResponse:
        return form_page(
            self.request,
            form,
            title=_("Publier une nouvelle version"),
            submit=_("Publier et notifier"),
            back="contracts-bo:documents",
            status=status,
            intro=_(
                "Conditions Générales et annexe 2 : nouvelle version à signer par les Parties. "
                "Autres annexes : préavis d'un mois. Conditions Spécifiques : préavis fixé par la "
                "version en vigueur, notification par courriel aux souscripteurs."
            ),
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        code = data.pop("service", "")
        try:
            document = contract_services.publish_document(
                actor=self.principal,
                service=cs.eservice_by_code(code) if code else None,
                substantial=data.pop("substantial", False),
                **data,
            )
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.page(form, status=exc.status)
        messages.success(request, _("Version publiée : %(document)s.") % {"document": document})
        return redirect("contracts-bo:documents")


class SignatureListView(ProviderRequiredMixin, TemplateView):
    template_name = "operators/contracts/backoffice_signatures.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        operator = self.request.GET.get("operateur", "")
        signatures = cs.signatures_for(
            self.principal, operator_id=int(operator) if operator.isdigit() else None
        )
        context.update(
            paginate(self.request, signatures, f"operateur={operator}"),
            operator=operator,
            operators=operator_choices(self.principal),
        )
        return context


class ProviderSignView(ProviderRequiredMixin, View):
    """Signer pour le Fournisseur (ou le premier, en rendant le PDF de l'opérateur)."""

    def form(self, data: Any = None) -> ProviderSignatureForm:
        documents = [
            (d.pk, str(d)) for d in cs.documents_for(self.principal) if d.kind in SIGNED_KINDS
        ]
        initial = {
            "operator": self.request.GET.get("operateur"),
            "document": self.request.GET.get("document"),
        }
        return ProviderSignatureForm(
            data, operators=operator_choices(self.principal), documents=documents, initial=initial
        )

    def page(self, form: ProviderSignatureForm, status: int = 200) -> HttpResponse:
        return form_page(
            self.request,
            form,
            title=_("Signer pour le Fournisseur"),
            submit=_("Signer"),
            back="contracts-bo:signatures",
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(self.form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        data = dict(form.cleaned_data)
        try:
            contract_services.sign_document(
                actor=self.principal,
                operator=selectors.operator_for(self.principal, data.pop("operator")),
                document=cs.document_for(self.principal, data.pop("document")),
                **data,
            )
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.page(form, status=exc.status)
        messages.success(request, _("Signature du Fournisseur enregistrée."))
        return redirect("contracts-bo:signatures")


class SignaturePdfView(ProviderRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        signature = cs.signature_for(self.principal, pk)
        return download(
            bytes(signature.pdf), f"{signature.document.kind}-{signature.operator.arcep_code}.pdf"
        )


class WholesaleView(ProviderRequiredMixin, View):
    """Contrats d'offre de gros détenus par les opérateurs (CTR-05)."""

    template_name = "operators/contracts/backoffice_wholesale.html"

    def page(self, form: WholesaleForm, status: int = 200) -> HttpResponse:
        contracts = cs.wholesale_contracts_for(self.principal)
        context = {"form": form, **paginate(self.request, contracts)}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(WholesaleForm(operators=operator_choices(self.principal)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = WholesaleForm(request.POST, operators=operator_choices(self.principal))
        if not form.is_valid():
            return self.page(form, status=400)
        data = dict(form.cleaned_data)
        try:
            wholesale.register_wholesale_contract(
                actor=self.principal,
                operator=selectors.operator_for(self.principal, data.pop("operator")),
                **data,
            )
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.page(form, status=exc.status)
        messages.success(request, _("Contrat d'offre de gros enregistré."))
        return redirect("contracts-bo:wholesale")


class WholesaleEndView(ProviderRequiredMixin, View):
    """Enregistrer la fin d'un contrat d'offre de gros (aujourd'hui)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        contract = cs.wholesale_contracts_for(self.principal).filter(pk=pk).first()
        if contract is None:
            raise GuichetError(NOT_FOUND)
        try:
            wholesale.end_wholesale_contract(actor=self.principal, contract=contract)
        except GuichetError as exc:
            messages.error(request, f"{exc.message()} ({exc.code})")
        else:
            messages.success(request, _("Fin du contrat d'offre de gros enregistrée."))
        return redirect("contracts-bo:wholesale")


class OrderFormListView(ProviderRequiredMixin, TemplateView):
    template_name = "operators/contracts/order_form_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("statut", OrderFormStatus.RECEIVED)
        search = self.request.GET.get("q", "")
        forms = cs.order_forms_for(self.principal, status=status, search=search)
        context.update(
            paginate(self.request, forms, f"statut={status}&q={search}"),
            status=status,
            search=search,
            statuses=OrderFormStatus.choices,
            detail_url="contracts-bo:order-form-detail",
            backoffice=True,
        )
        return context


class OrderFormDetailView(ProviderRequiredMixin, View):
    """Valider, refuser ou activer un bon de commande reçu (CTR-05, CTR-06)."""

    template_name = "operators/contracts/backoffice_order_form.html"

    def page(
        self, order_form: Any, *, refuse: Any = None, activate: Any = None, status: int = 200
    ) -> HttpResponse:
        context = {
            "order_form": order_form,
            "refuse_form": refuse or ReasonForm(),
            "activate_form": activate or ActivateForm(),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(cs.order_form_for(self.principal, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order_form = cs.order_form_for(self.principal, pk)
        action = request.POST.get("action")
        form: Any
        if action == "refuse":
            form, key = ReasonForm(request.POST), "refuse"
            form.is_valid()
        elif action == "activate":
            form, key = ActivateForm(request.POST), "activate"
            if not form.is_valid():
                return self.page(order_form, activate=form, status=400)
        else:
            form, key = ActivateForm(), "activate"
        try:
            if action == "refuse":
                orders.refuse_order_form(
                    actor=self.principal,
                    order_form=order_form,
                    reason=form.cleaned_data.get("reason", ""),
                )
                done = _("Bon de commande refusé ; l'opérateur est prévenu.")
            elif action == "activate":
                subscription = orders.activate_order_form(
                    actor=self.principal,
                    order_form=order_form,
                    activated_on=form.cleaned_data.get("activated_on"),
                )
                done = _("e-service activé le %(date)s ; identifiants émis.") % {
                    "date": subscription.activated_on.strftime("%d/%m/%Y")
                }
            else:
                orders.validate_order_form(actor=self.principal, order_form=order_form)
                done = _("Bon de commande validé.")
        except GuichetError as exc:
            form.add_service_error(exc)
            return self.page(order_form, status=exc.status, **{key: form})
        messages.success(request, done)
        return redirect("contracts-bo:order-form-detail", pk=order_form.pk)


class OrderFormPdfView(ProviderRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order_form = cs.order_form_for(self.principal, pk)
        return download(bytes(order_form.pdf or b""), f"{order_form.number}.pdf")


class TerminationListView(ProviderRequiredMixin, TemplateView):
    """Résiliations et souscriptions en cours, avec résiliation par le Fournisseur."""

    template_name = "operators/contracts/backoffice_terminations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        search = self.request.GET.get("q", "")
        context.update(
            paginate(
                self.request,
                cs.subscriptions_for(self.principal, search=search, current_only=True),
                f"q={search}",
            ),
            notices=cs.terminations_for(self.principal)[:50],
            search=search,
        )
        return context


class ProviderTerminateView(ProviderRequiredMixin, View):
    """Le Fournisseur résilie un e-service (CTR-08) ou le Contrat d'un opérateur (CTR-07)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        subscription = cs.subscription_for(self.principal, pk)
        form = ReasonForm(request.POST)
        form.is_valid()
        reason = form.cleaned_data.get("reason", "")
        try:
            if request.POST.get("scope") == "contract":
                terminations.terminate_contract(
                    actor=self.principal, operator=subscription.operator, reason=reason
                )
            else:
                terminations.terminate_subscription(
                    actor=self.principal, subscription=subscription, reason=reason
                )
        except GuichetError as exc:
            messages.error(request, f"{exc.message()} ({exc.code})")
            return redirect("contracts-bo:terminations")
        messages.success(request, _("Résiliation enregistrée."))
        return redirect("contracts-bo:terminations")
