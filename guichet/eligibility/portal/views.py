"""Eligibility in the portal (``/eligibilite/``): one search box, the answer per offer in plain
French, the person's last questions. Asking is a POST (it stores a qualification and counts
one use), answered by a redirect to the stored answer: reloading it never asks again."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from guichet.addresses.portal.forms import PlaceForm
from guichet.addresses.selectors import PlaceQuery
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.views import PrincipalMixin
from guichet.eligibility import answers, history_selectors, selectors, services
from guichet.eligibility.portal.present import present, summary

TEMPLATE = "eligibility/search.html"


class EligibilityAccess(PrincipalMixin):
    """Operators' people (the service then checks subscription, contract and right) and the
    Provider's staff."""

    def allowed(self, principal: Principal) -> bool:
        return principal.is_operator or principal.is_provider


def _history(principal: Principal) -> list[dict[str, Any]]:
    rows = []
    for qualification in history_selectors.my_qualifications(principal):
        answer = present(answers.as_answer(qualification))
        rows.append({"answer": answer, "summary": summary(answer)})
    return rows


def _page(
    request: HttpRequest,
    principal: Principal,
    form: PlaceForm,
    *,
    result: dict[str, Any] | None = None,
    error: GuichetError | None = None,
    status: int = 200,
) -> HttpResponse:
    refusal = None
    try:
        services.check_access(principal)
    except GuichetError as exc:
        refusal = exc
    context = {
        "form": form,
        "result": result,
        "error": error,
        "refusal": refusal,
        "history": [] if refusal else _history(principal),
        "may_tao": principal.has_right("tao:read"),
        "reference_open": form.uses_reference() or bool(error and error.field),
    }
    problem = refusal or error
    status = problem.status if problem else status
    return render(request, TEMPLATE, context, status=status)


class SearchView(EligibilityAccess, View):
    """The search page (GET) and a question (POST → the stored answer)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _page(request, self.principal, PlaceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PlaceForm(request.POST)
        if not form.is_valid():
            return _page(request, self.principal, form, status=400)
        # An empty box is left to the service: its refusal (ADR-001) is the same everywhere.
        query, address_pk = form.place()
        if address_pk is not None:
            # An address without hexaclé nor BAN id: its label names it for the search.
            query = PlaceQuery(text=form.cleaned_data.get("q") or "")
        try:
            qualification = services.qualify(actor=self.principal, query=query)
        except GuichetError as error:
            return _page(request, self.principal, form, error=error)
        # Straight to the answer: the page opens on it, the search box above.
        return redirect(reverse("eligibility:qualification", args=[qualification.pk]) + "#result")


class QualificationView(EligibilityAccess, View):
    """A stored answer, re-opened from the history (no new use)."""

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        qualification = selectors.qualification_for(self.principal, pk)
        result = present(answers.as_answer(qualification))
        initial = {"q": result["label"]} if result["resolution"] != "found" else {}
        return _page(request, self.principal, PlaceForm(initial=initial), result=result)
