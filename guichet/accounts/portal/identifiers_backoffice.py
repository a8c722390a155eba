"""Managing identifiers: issuance tracking for the Provider (IAM-03), a new link, and the
declaration of a loss or a fraud by the Provider or the operator's administrator (IAM-06)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from guichet.accounts import identifier_selectors as selectors
from guichet.accounts.portal.identifiers import TEMPLATES
from guichet.accounts.portal.identifiers_forms import DeclareLostForm, IssuanceFilterForm
from guichet.accounts.services import identifiers as services
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.views import PrincipalMixin, ProviderRequiredMixin
from guichet.operators.selectors import operators_for

PAGE_SIZE = 25


class IssuanceTrackingView(ProviderRequiredMixin, View):
    """Suivi des émissions d'identifiants: pending and late issuances, due dates, delays."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = IssuanceFilterForm(request.GET or None, operators=operators_for(self.principal))
        operator_id, late_only = None, False
        if form.is_bound and form.is_valid():
            operator_id = form.cleaned_data["operator"]
            late_only = form.cleaned_data["late"]
        now = timezone.now()
        rows = selectors.issuances_for(
            self.principal, operator_id=operator_id, late_only=late_only, now=now
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for person in page.object_list:
            person.lateness = selectors.lateness(person, now)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "now": now,
            "late_count": selectors.issuances_for(self.principal, late_only=True, now=now).count(),
        }
        return render(request, TEMPLATES + "tracking.html", context)


def _may_manage(principal: Principal, operator_id: int | None) -> None:
    if not services.may_manage(principal, operator_id):
        raise PermissionDenied


class ReissueLinkView(PrincipalMixin, View):
    """Renvoyer un lien d'initialisation (the previous one expired or was lost)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = selectors.managed_identifier_for(self.principal, pk)
        _may_manage(self.principal, person.operator_id)
        services.reissue_link(actor=self.principal, user=person)
        messages.success(
            request,
            _("Un nouveau lien a été envoyé à %(email)s pour l'identifiant %(login)s.")
            % {"email": person.email, "login": person.username},
        )
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("identifiers:tracking" if self.principal.is_provider else "portal:home")


class DeclareLostView(PrincipalMixin, View):
    """Déclarer la perte ou la fraude d'un identifiant: deactivated at once, a new one issued."""

    def render_form(self, person: Any, form: DeclareLostForm) -> HttpResponse:
        return render(
            self.request, TEMPLATES + "declare_lost.html", {"person": person, "form": form}
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = selectors.managed_identifier_for(self.principal, pk)
        _may_manage(self.principal, person.operator_id)
        return self.render_form(person, DeclareLostForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = selectors.managed_identifier_for(self.principal, pk)
        _may_manage(self.principal, person.operator_id)
        form = DeclareLostForm(request.POST)
        if not form.is_valid():
            return self.render_form(person, form)
        try:
            replacement = services.declare_lost(
                actor=self.principal,
                user=person,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except GuichetError as exc:
            form.add_guichet_error(exc)
            return self.render_form(person, form)
        person.refresh_from_db()
        context = {"person": person, "replacement": replacement}
        return render(request, TEMPLATES + "declare_lost_done.html", context)
