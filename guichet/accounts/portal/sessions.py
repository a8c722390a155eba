"""Login lockouts and login history in the portal (IAM-11).

* ``lockout_response`` is django-axes' lockout page (``AXES_LOCKOUT_CALLABLE``): French,
  with the way out (an unlock link by email, or the operator's administrator);
* ``connexion/deblocage/``: ask for an unlock link; ``connexion/deblocage/<token>/``:
  use it (confirmed by a button, so that mail scanners opening the link unlock nothing);
* ``compte/connexions/``: the person's own login history;
  ``administration/personnes/<pk>/connexions/``: a person's, for its administrator;
  ``administration/personnes/<pk>/debloquer/``: the administrator unlocks it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from guichet.accounts import selectors
from guichet.accounts.errors.sessions import LOGIN_LOCKED_OUT
from guichet.accounts.services import sessions as services
from guichet.core.api.exceptions import json_error
from guichet.core.context import Channel, Principal
from guichet.core.errors import GuichetError
from guichet.core.middleware import API_PREFIXES
from guichet.core.views import PrincipalMixin

TEMPLATES = "accounts/sessions/"
PAGE_SIZE = 50


def anonymous_actor(request: HttpRequest, login: str) -> Principal:
    """Someone not logged in, named by the login it typed (journal only)."""
    return Principal(
        person_id=None,
        login=login[:150] or "anonyme",
        operator_id=None,
        channel=Channel.PORTAL,
        ip=getattr(request, "client_ip", None),
        request_id=getattr(request, "request_id", "-"),
    )


def lockout_parameters() -> dict[str, int]:
    return {
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes refused a login: journal it and show the way out (HTTP 429)."""
    login = str((credentials or {}).get("username") or request.POST.get("username") or "")
    services.record_attempt(
        actor=anonymous_actor(request, login),
        attempted_login=login,
        action=services.LOCKED_OUT,
    )
    if request.path.startswith(API_PREFIXES):
        return json_error(request, LOGIN_LOCKED_OUT, **lockout_parameters())
    context = {
        "error": LOGIN_LOCKED_OUT,
        "message": LOGIN_LOCKED_OUT.message(**lockout_parameters()),
        "login": login,
    }
    return render(request, TEMPLATES + "locked_out.html", context, status=LOGIN_LOCKED_OUT.status)


class UnlockRequestView(View):
    """Ask for an unlock link: the same answer whether the login exists or not."""

    def get(self, request: HttpRequest) -> HttpResponse:
        login = request.GET.get("identifiant", "")[:150]
        return render(request, TEMPLATES + "unlock_request.html", {"login": login})

    def post(self, request: HttpRequest) -> HttpResponse:
        login = request.POST.get("username", "").strip()[:150]
        if not login:
            context = {"login": "", "missing": True}
            return render(request, TEMPLATES + "unlock_request.html", context, status=400)
        services.request_unlock_link(actor=anonymous_actor(request, login), login=login)
        return render(request, TEMPLATES + "unlock_sent.html", {"login": login})


class UnlockView(View):
    """The link of the email: a button confirms, then the identifier is unlocked."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            link = services.unlock_link_for_token(token)
        except GuichetError as error:
            return self.refused(request, error)
        return render(request, TEMPLATES + "unlock_confirm.html", {"login": link.user.username})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            person = services.unlock_with_link(
                actor=anonymous_actor(request, "lien-de-deblocage"), token=token
            )
        except GuichetError as error:
            return self.refused(request, error)
        messages.success(
            request,
            _("Identifiant %(login)s débloqué : vous pouvez vous connecter.")
            % {"login": person.username},
        )
        return redirect("portal:login")

    def refused(self, request: HttpRequest, error: GuichetError) -> HttpResponse:
        context = {"error": error.error, "message": error.message()}
        return render(request, TEMPLATES + "unlock_refused.html", context, status=error.status)


class LoginHistoryView(PrincipalMixin, TemplateView):
    """Connexions: successes, failures, lockouts, locks and logouts, newest first."""

    template_name = TEMPLATES + "history.html"
    own = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pk = self.principal.person_id if self.own else kwargs["pk"]
        person = selectors.history_person_for(self.principal, pk)
        events = selectors.login_history_for(self.principal, person)
        page = Paginator(events, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            person=person,
            own=self.own,
            page=page,
            rows=[
                (event, selectors.LOGIN_HISTORY_ACTIONS.get(event.action, event.action))
                for event in page.object_list
            ],
            locked_out=selectors.is_locked_out(person),
            failed_attempts=selectors.failed_attempts(person),
            failure_limit=settings.AXES_FAILURE_LIMIT,
        )
        return context


class PersonUnlockView(PrincipalMixin, View):
    """An administrator unlocks one of its people (POST from the person's page)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = selectors.history_person_for(self.principal, pk)
        try:
            services.unlock_identifier(actor=self.principal, person=person)
        except GuichetError as error:
            messages.error(request, f"{error.message()} ({error.code})")
        else:
            messages.success(
                request, _("Identifiant %(login)s débloqué.") % {"login": person.username}
            )
        return redirect("sessions:person-history", pk=person.pk)
