"""Pages of the holder: password initialisation from the emailed link (IAM-03, IAM-04)
and the second login step of the « renforcé + second facteur » level."""

from __future__ import annotations

from typing import Any

import segno
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.accounts.models import OneTimeLink, User
from guichet.accounts.passwords import LEVEL_RULES, RECOMMENDED_LEVEL, requires_second_factor
from guichet.accounts.portal.identifiers_forms import CodeForm, InitialPasswordForm, LoginCodeForm
from guichet.accounts.services import identifier_security as security
from guichet.accounts.services.identifiers import link_for_token
from guichet.core.context import Principal, principal_for_user
from guichet.core.errors import GuichetError
from guichet.core.views import PrincipalMixin, render_error

ACTIVATION_SESSION_KEY = "guichet_activation_link"
TEMPLATES = "accounts/identifiers/"


def holder_principal(request: HttpRequest, user: User) -> Principal:
    """The holder acting before signing in (from the emailed link): journaled as themself."""
    return principal_for_user(
        user,
        channel=getattr(request, "channel", "portal"),
        ip=getattr(request, "client_ip", None),
        request_id=getattr(request, "request_id", "-"),
    )


def enrolment_context(device: TOTPDevice) -> dict[str, Any]:
    """What the enrolment page shows: the QR code as inline SVG, and the key to type."""
    uri = security.provisioning_uri(device)
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, omitsize=False)
    return {"qr_svg": svg, "secret": security.totp_secret(device), "device": device}


def no_store(response: HttpResponse) -> HttpResponse:
    """Pages carrying a secret or a token: never cached, never sent to another site as a
    referrer ("no-referrer" would make browsers send ``Origin: null`` and fail the CSRF check)."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def levels_context() -> dict[str, Any]:
    return {"level_rules": LEVEL_RULES, "recommended_level": RECOMMENDED_LEVEL}


class _LinkView(View):
    """A page reached from the emailed link: invalid, expired or spent links get the error page."""

    link: OneTimeLink

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.link = link_for_token(kwargs["token"])
        except GuichetError as exc:
            return no_store(render_error(request, exc.error, exc.message()))
        return no_store(super().dispatch(request, *args, **kwargs))


class ActivationView(_LinkView):
    """Choix du niveau de sécurité et du mot de passe (IAM-04)."""

    def render_form(self, form: InitialPasswordForm) -> HttpResponse:
        context = {"form": form, "person": self.link.user, **levels_context()}
        return render(self.request, TEMPLATES + "activate.html", context)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.render_form(InitialPasswordForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = InitialPasswordForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            device = security.set_initial_password(
                actor=holder_principal(request, self.link.user),
                token=token,
                password=form.cleaned_data["password1"],
                confirmation=form.cleaned_data["password2"],
                level=form.cleaned_data["level"],
            )
        except GuichetError as exc:
            form.add_guichet_error(exc)
            return self.render_form(form)
        if device is not None:
            request.session[ACTIVATION_SESSION_KEY] = self.link.pk
            return redirect("identifiers:activate_second_factor", token=token)
        context = {"person": self.link.user, "login_url": reverse("portal:login")}
        return render(request, TEMPLATES + "activate_done.html", context)


class ActivationSecondFactorView(_LinkView):
    """Enrôlement TOTP pendant l'activation: scan, first code, then the recovery codes."""

    def _device(self) -> TOTPDevice | None:
        if self.request.session.get(ACTIVATION_SESSION_KEY) != self.link.pk:
            return None
        return security.pending_enrolment(self.link.user)

    def render_form(self, device: TOTPDevice, form: CodeForm) -> HttpResponse:
        context = {
            "form": form,
            "person": self.link.user,
            "action": self.request.path,
            "step_title": "activation",
            **enrolment_context(device),
        }
        return render(self.request, TEMPLATES + "enrol.html", context)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        device = self._device()
        if device is None:
            return redirect("identifiers:activate", token=token)
        return self.render_form(device, CodeForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        device = self._device()
        if device is None:
            return redirect("identifiers:activate", token=token)
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render_form(device, form)
        try:
            codes = security.confirm_enrolment(
                actor=holder_principal(request, self.link.user),
                user=self.link.user,
                code=form.cleaned_data["code"],
                token=token,
            )
        except GuichetError as exc:
            form.add_guichet_error(exc)
            return self.render_form(device, form)
        request.session.pop(ACTIVATION_SESSION_KEY, None)
        context = {
            "codes": codes,
            "person": self.link.user,
            "activated": True,
            "continue_url": reverse("portal:login"),
        }
        return render(request, TEMPLATES + "recovery_codes.html", context)


@method_decorator(never_cache, name="dispatch")
class SecondFactorLoginView(PrincipalMixin, View):
    """Second étape de connexion: a TOTP code or a recovery code, then the page asked for."""

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return reverse("portal:home")

    def _already_done(self) -> bool:
        user = self.request.user
        return not requires_second_factor(user) or bool(user.is_verified())

    def render_form(self, form: LoginCodeForm) -> HttpResponse:
        context = {"form": form, "next": self._next()}
        return render(self.request, TEMPLATES + "second_factor.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        if self._already_done():
            return HttpResponseRedirect(self._next())
        return self.render_form(LoginCodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if self._already_done():
            return HttpResponseRedirect(self._next())
        form = LoginCodeForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            device = security.verify_second_factor(
                actor=self.principal, user=request.user, code=form.cleaned_data["code"]
            )
        except GuichetError as exc:
            form.add_guichet_error(exc)
            return self.render_form(form)
        otp_login(request, device)
        return HttpResponseRedirect(self._next())
