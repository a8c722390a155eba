"""The Provider's billing pages beside the invoices: prices and their scheduling (BIL-01,
CTR-12), the accounting export, and the liability ledger (CTR-13) — with its operator view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from guichet.billing import exports, selectors, services
from guichet.billing.portal.common import ProviderAccess, csv_response
from guichet.billing.portal.forms import AccountingExportForm, ClaimForm, DecideForm, PriceForm
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.portal import paginate
from guichet.core.views import PrincipalMixin
from guichet.operators.selectors import operator_for, operators_for


def _service_choices() -> list[tuple[str, str]]:
    return [(service.code, service.name) for service in selectors.services()]


class PriceListView(ProviderAccess, View):
    """``back-office/facturation/tarifs/``: prices in force, scheduled and past, and the form."""

    template_name = "billing/price_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("format") == "csv":
            history = _price_history(request, self.principal)
            return csv_response(exports.prices_csv(history.iterator()), "prix.csv")
        return self.render(PriceForm(services=_service_choices()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PriceForm(request.POST, services=_service_choices())
        if form.is_valid():
            data = form.cleaned_data
            try:
                price = services.schedule_price(
                    actor=self.principal,
                    service=selectors.service_by_code(data["service"]),
                    kind=data["kind"],
                    amount=data["amount"],
                    effective_from=data["effective_from"],
                    label=data["label"],
                )
            except GuichetError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _(
                        "Prix programmé : %(service)s, à partir du %(date)s ; les opérateurs abonnés sont prévenus par courriel."
                    )
                    % {
                        "service": price.service.name,
                        "date": price.effective_from.strftime("%d/%m/%Y"),
                    },
                )
                return redirect("billing:bo-prices")
        return self.render(form, status=422)

    def render(self, form: PriceForm, status: int = 200) -> HttpResponse:
        today = timezone.localdate()
        history = _price_history(self.request, self.principal)
        context = {
            "form": form,
            "rows": selectors.current_prices(today),
            "today": today,
            "search": self.request.GET.get("q", "").strip(),
            "sort": self.request.GET.get("tri", ""),
            **paginate(self.request, history),
        }
        return render(self.request, self.template_name, context, status=status)


PRICE_SORTS = {
    "service": ("service__position", "kind", "-effective_from"),
    "-effective": ("-effective_from", "service__position", "kind"),
    "effective": ("effective_from", "service__position", "kind"),
}
CLAIM_SORTS = {
    "-date": ("-incident_date", "-id"),
    "date": ("incident_date", "id"),
    "-claimed": ("-amount_claimed", "-id"),
    "-retained": ("-amount_retained", "-id"),
}


def _price_history(request: HttpRequest, principal: Principal) -> Any:
    history = selectors.prices_for(principal)
    search = request.GET.get("q", "").strip()
    if search:
        history = history.filter(
            Q(service__name__icontains=search) | Q(service__code__icontains=search)
        )
    return history.order_by(*PRICE_SORTS.get(request.GET.get("tri", ""), PRICE_SORTS["service"]))


class PriceCancelView(ProviderAccess, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        price = selectors.price_for(self.principal, pk)
        services.cancel_price(actor=self.principal, price=price)
        messages.success(
            request, _("Changement de prix annulé ; les opérateurs abonnés sont prévenus.")
        )
        return redirect("billing:bo-prices")


class AccountingExportView(ProviderAccess, View):
    """``back-office/facturation/export-comptable``: one row per invoice line (and credit note)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AccountingExportForm(request.GET or None)
        if not form.is_valid():
            return render(
                request,
                "billing/accounting_export.html",
                {"form": form},
                status=400 if form.is_bound else 200,
            )
        first, last = form.cleaned_data["du"], form.cleaned_data["au"]
        lines = selectors.accounting_lines(self.principal, first=first, last=last)
        notes = selectors.accounting_credit_notes(self.principal, first=first, last=last)
        name = f"ecritures-{first:%Y%m%d}-{last:%Y%m%d}.csv"
        return csv_response(exports.accounting_csv(lines.iterator(), notes.iterator()), name)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("annee", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


class ClaimsMixin:
    template_name = "billing/claims.html"
    request: HttpRequest
    principal: Principal

    def context(self, **extra: Any) -> dict[str, Any]:
        year = _year(self.request)
        operator_id = None if self.principal.is_provider else self.principal.operator_id
        claims = selectors.claims_for(self.principal, operator_id=operator_id)
        search = self.request.GET.get("q", "").strip()
        if search:
            claims = claims.filter(incident_reference__icontains=search)
        claims = claims.order_by(
            *CLAIM_SORTS.get(self.request.GET.get("tri", ""), CLAIM_SORTS["-date"])
        )
        return {
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "ceilings": selectors.ceilings_for(self.principal, year=year, operator_id=operator_id),
            "incident_ceiling": selectors.INCIDENT_CEILING,
            "yearly_ceiling": selectors.YEARLY_CEILING,
            "provider_view": self.principal.is_provider,
            "search": search,
            "sort": self.request.GET.get("tri", ""),
            **paginate(self.request, claims),
            **extra,
        }


class OperatorClaimsView(PrincipalMixin, ClaimsMixin, View):
    """``administration/responsabilite/``: the operator reads its contract's ledger."""

    def allowed(self, principal: Principal) -> bool:
        return principal.is_operator and selectors.may_read_invoices(principal)

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("format") == "csv":
            return claims_csv_response(self.context()["page_obj"].paginator.object_list)
        return render(request, self.template_name, self.context())


class ProviderClaimsView(ProviderAccess, ClaimsMixin, View):
    """``back-office/facturation/responsabilite/``: record claims, decide what is retained."""

    def operators(self) -> list[tuple[int, str]]:
        return [
            (pk, f"{name} ({code})")
            for pk, name, code in operators_for(self.principal).values_list(
                "pk", "name", "arcep_code"
            )
        ]

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("format") == "csv":
            return claims_csv_response(self.context()["page_obj"].paginator.object_list)
        form = ClaimForm(operators=self.operators())
        return render(request, self.template_name, self.context(claim_form=form))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ClaimForm(request.POST, operators=self.operators())
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                claim = services.record_claim(
                    actor=self.principal,
                    operator=operator_for(self.principal, data.pop("operator")),
                    **data,
                )
            except GuichetError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _claim_message(claim))
                return redirect("billing:bo-claims")
        return render(request, self.template_name, self.context(claim_form=form), status=422)


class DecideClaimView(ProviderAccess, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        claim = selectors.claim_for(self.principal, pk)
        form = DecideForm(request.POST)
        if form.is_valid():
            try:
                claim = services.decide_claim(
                    actor=self.principal,
                    claim=claim,
                    amount_retained=form.cleaned_data["amount_retained"],
                )
            except GuichetError as exc:
                messages.error(request, f"{exc.message()} ({exc.code})")
            else:
                messages.success(request, _claim_message(claim))
        return redirect("billing:bo-claims")


def claims_csv_response(claims: Any) -> HttpResponse:
    return csv_response(exports.claims_csv(claims.iterator()), "reclamations.csv")


def _claim_message(claim: Any) -> str:
    from guichet.billing.money import format_eur

    if claim.amount_retained is None:
        return _("Réclamation %(reference)s enregistrée.") % {"reference": claim.incident_reference}
    if claim.capped:
        return _(
            "Réclamation %(reference)s : %(proposed)s proposés, %(retained)s retenus après plafonnement (article 8)."
        ) % {
            "reference": claim.incident_reference,
            "proposed": format_eur(claim.amount_proposed),
            "retained": format_eur(claim.amount_retained),
        }
    return _("Réclamation %(reference)s : %(retained)s retenus.") % {
        "reference": claim.incident_reference,
        "retained": format_eur(claim.amount_retained),
    }
