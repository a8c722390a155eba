"""TAO in the portal (``/tao/``) and the address autocomplete of the Eligibility and TAO pages.

Asking TAO is a POST (one use is counted when a structure is delivered), answered by a
redirect to the answer kept in the person's history: reloading it never asks again.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from guichet.addresses import translation
from guichet.addresses.portal.forms import PlaceForm
from guichet.addresses.portal.present import present
from guichet.addresses.selectors import FOUND, suggest
from guichet.core.context import Principal
from guichet.core.errors import MISSING_RIGHT, GuichetError
from guichet.core.views import PrincipalMixin
from guichet.eligibility import history_selectors
from guichet.eligibility.services.history import remember_tao

TEMPLATE = "addresses/tao.html"
# Who may ask for suggestions: a person of an e-service that names a place (rights come with
# the subscription): eligibility, TAO, e-RDV.
SEARCH_RIGHTS = ("eligibilite-ftte:read", "tao:read", "e-rdv:read")
SUGGESTIONS = 8


class PortalAccess(PrincipalMixin):
    """Operators' people (the service then checks subscription, contract and right) and the
    Provider's staff."""

    def allowed(self, principal: Principal) -> bool:
        return principal.is_operator or principal.is_provider


def _page(
    request: HttpRequest,
    principal: Principal,
    form: PlaceForm,
    *,
    result: dict[str, Any] | None = None,
    entry: Any = None,
    error: GuichetError | None = None,
    status: int = 200,
) -> HttpResponse:
    refusal = None
    try:
        translation.check_access(principal)
    except GuichetError as exc:
        refusal = exc
    context = {
        "form": form,
        "result": result,
        "entry": entry,
        "error": error,
        "refusal": refusal,
        "history": [] if refusal else history_selectors.my_tao_consultations(principal),
        "may_eligibility": principal.has_right("eligibilite-ftte:read"),
        "reference_open": form.uses_reference() or bool(error and error.field),
    }
    problem = refusal or error
    return render(request, TEMPLATE, context, status=problem.status if problem else status)


class TaoView(PortalAccess, View):
    """The TAO page (GET) and a question (POST → the answer kept in the history)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _page(request, self.principal, PlaceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PlaceForm(request.POST)
        if not form.is_valid():
            return _page(request, self.principal, form, status=400)
        query, address_pk = form.place()
        try:
            answer = translation.translate(actor=self.principal, query=query, address_pk=address_pk)
        except GuichetError as error:
            return _page(request, self.principal, form, error=error)
        data = translation.as_answer(answer)
        found = answer.status == FOUND and answer.address is not None
        entry = remember_tao(
            actor=self.principal,
            label=str(answer.address) if found else form.label(),
            # Re-asking a found address names it by its id: the same address, whatever was typed.
            query=(
                {"adresse": translation.address_key(answer.address)}
                if found and answer.address is not None
                else {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
            ),
            answer=data,
        )
        if entry is None:  # not a person (never through the portal): show it at once
            return _page(request, self.principal, PlaceForm(), result=present(data))
        # Straight to the answer: the page opens on it, the search box above.
        return redirect(reverse("addresses:tao-answer", args=[entry.pk]) + "#result")


class TaoAnswerView(PortalAccess, View):
    """A TAO answer of the person's history, re-opened as it was given (no new use)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = history_selectors.my_tao_consultation(self.principal, pk)
        initial = {} if entry.resolution == FOUND else {"q": entry.label}
        return _page(
            request,
            self.principal,
            PlaceForm(initial=initial),
            result=present(entry.answer),
            entry=entry,
        )


class SuggestionsView(PortalAccess, View):
    """Autocomplete (``/adresses/suggestions?q=…``): JSON, not journaled nor billed.

    A street comes without a number until one is typed: picking it completes the text;
    picking an address names it by its id (``adresse``).
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        principal = self.principal
        if not any(principal.has_right(code) for code in SEARCH_RIGHTS):
            error = GuichetError(MISSING_RIGHT, right=" / ".join(SEARCH_RIGHTS))
            return JsonResponse(
                {"code": error.code, "message": error.message(), "suggestions": []},
                status=error.status,
            )
        text = (request.GET.get("q") or "")[:200]
        suggestions = []
        for candidate in suggest(principal, text, limit=SUGGESTIONS):
            address = candidate.address
            street = candidate.matched_by == "street"
            suggestions.append(
                {
                    "id": "" if street else translation.address_key(address),
                    "label": (
                        f"{address.street_name}, {address.postcode} {address.commune_name}"
                        if street
                        else str(address)
                    ),
                    "kind": "street" if street else "address",
                    "score": candidate.score,
                }
            )
        response = JsonResponse({"query": text, "suggestions": suggestions})
        response["Cache-Control"] = "private, max-age=60"
        return response
