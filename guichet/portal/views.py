"""The portal shell: login, logout, the operator dashboard and the back-office home."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from guichet.accounts import selectors as accounts_selectors
from guichet.accounts import services as accounts_services
from guichet.accounts import sessions
from guichet.audit.selectors import journal_for
from guichet.core.context import Channel, Principal
from guichet.core.principal import resolve_principal
from guichet.core.views import OperatorRequiredMixin, PrincipalMixin, ProviderRequiredMixin
from guichet.operators import selectors as operators_selectors
from guichet.portal.forms import LoginForm


class LoginView(auth_views.LoginView):
    """Connexion: every success and failure is journaled."""

    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_initial(self) -> dict[str, Any]:
        """After a lock, the login of the person who was there is filled in."""
        initial = super().get_initial()
        resume = sessions.pending(self.request.session)
        if resume is not None:
            initial["username"] = resume.login
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        resume = sessions.pending(self.request.session)
        if resume is not None:
            context["resume"] = resume
            context["resume_expired"] = resume.reason == sessions.EXPIRED
            context["idle_minutes"] = settings.GUICHET_SESSION_IDLE_MINUTES
            context["max_hours"] = settings.SESSION_COOKIE_AGE // 3600
        context["unlock_url"] = reverse("sessions:unlock-request")
        return context

    def form_valid(self, form: LoginForm) -> HttpResponse:
        response = super().form_valid(form)
        sessions.start(self.request.session, time.time())
        principal = resolve_principal(self.request)
        if principal is not None:
            accounts_services.record_login(actor=principal)
        return response

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        attempted = (form.data.get("username") or "").strip()
        if attempted:
            anonymous = Principal(
                person_id=None,
                login=attempted[:150],
                operator_id=None,
                channel=Channel.PORTAL,
                ip=getattr(self.request, "client_ip", None),
                request_id=getattr(self.request, "request_id", "-"),
            )
            accounts_services.record_failed_login(actor=anonymous, attempted_login=attempted)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """Déconnexion (POST only), journaled."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        principal = resolve_principal(request)
        if principal is not None:
            accounts_services.record_logout(actor=principal)
        return super().post(request, *args, **kwargs)


class HomeView(PrincipalMixin, TemplateView):
    """Sends each person to its home: the dashboard or the back-office."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseRedirect:
        return redirect("portal:backoffice" if self.principal.is_provider else "portal:dashboard")


class DashboardView(OperatorRequiredMixin, TemplateView):
    """Tableau de bord of an operator's person: the e-services its operator may use."""

    template_name = "portal/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["subscriptions"] = operators_selectors.active_subscriptions_for(self.principal)
        return context


class BackofficeView(ProviderRequiredMixin, TemplateView):
    """Accueil back-office of the Provider's staff."""

    template_name = "portal/backoffice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["operator_count"] = operators_selectors.operators_for(self.principal).count()
        context["people_count"] = accounts_selectors.people_for(self.principal).count()
        context["journal"] = journal_for(self.principal)[:10]
        context["admin_url"] = reverse("admin:index") if self.request.user.is_superuser else None
        return context
