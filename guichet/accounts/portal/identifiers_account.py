"""« Ma sécurité »: level, password renewal, second factor and recovery codes (IAM-04, IAM-11)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from guichet.accounts.passwords import (
    password_expired,
    password_expires_at,
    requires_second_factor,
    rules_for,
)
from guichet.accounts.portal.identifiers import (
    TEMPLATES,
    enrolment_context,
    levels_context,
    no_store,
)
from guichet.accounts.portal.identifiers_forms import CodeForm, LevelChangeForm, PasswordChangeForm
from guichet.accounts.services import identifier_security as security
from guichet.core.errors import GuichetError
from guichet.core.views import PrincipalMixin


@method_decorator(never_cache, name="dispatch")
class SecurityView(PrincipalMixin, View):
    """Ma sécurité: the level and its rules, the password's expiry, the second factor."""

    def render_page(self, form: LevelChangeForm) -> HttpResponse:
        user = self.request.user
        rules = rules_for(user.security_level)
        context = {
            "person": user,
            "rules": rules,
            "level_label": user.get_security_level_display() or _("Standard (par défaut)"),
            "expires_at": password_expires_at(user),
            "expired": password_expired(user),
            "second_factor": requires_second_factor(user),
            "recovery_left": security.recovery_codes_left(user),
            "form": form,
            **levels_context(),
        }
        return render(self.request, TEMPLATES + "security.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(LevelChangeForm(initial={"level": request.user.security_level}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LevelChangeForm(request.POST)
        if not form.is_valid():
            return self.render_page(form)
        try:
            device = security.change_security_level(
                actor=self.principal,
                user=request.user,
                level=form.cleaned_data["level"],
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["password1"],
                confirmation=form.cleaned_data["password2"],
            )
        except GuichetError as exc:
            form.add_guichet_error(exc)
            return self.render_page(form)
        request.user.refresh_from_db()
        update_session_auth_hash(request, request.user)
        if device is not None:
            return redirect("identifiers:security_enrol")
        messages.success(request, _("Votre niveau de sécurité a été changé."))
        return redirect("identifiers:security")


@method_decorator(never_cache, name="dispatch")
class SecurityEnrolView(PrincipalMixin, View):
    """Enrôlement TOTP from « Ma sécurité » (towards « renforcé + second facteur »)."""

    def render_form(self, device: TOTPDevice, form: CodeForm) -> HttpResponse:
        context = {"form": form, "action": self.request.path, **enrolment_context(device)}
        return no_store(render(self.request, TEMPLATES + "enrol.html", context))

    def get(self, request: HttpRequest) -> HttpResponse:
        device = security.pending_enrolment(request.user)
        if device is None:
            return redirect("identifiers:security")
        return self.render_form(device, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        device = security.pending_enrolment(request.user)
        if device is None:
            return redirect("identifiers:security")
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.render_form(device, form)
        try:
            codes = security.confirm_enrolment(
                actor=self.principal, user=request.user, code=form.cleaned_data["code"]
            )
        except GuichetError as exc:
            form.add_guichet_error(exc)
            return self.render_form(device, form)
        # The code just given verifies this session: no second login step right now.
        device.refresh_from_db()
        otp_login(request, device)
        context = {"codes": codes, "continue_url": reverse("identifiers:security")}
        return no_store(render(request, TEMPLATES + "recovery_codes.html", context))


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(PrincipalMixin, View):
    """New recovery codes, shown once (POST only)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        codes = security.regenerate_recovery_codes(actor=self.principal, user=request.user)
        context = {"codes": codes, "continue_url": reverse("identifiers:security")}
        return no_store(render(request, TEMPLATES + "recovery_codes.html", context))


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(PrincipalMixin, View):
    """Changer mon mot de passe (renewal, IAM-11): current password, then the new one twice."""

    def render_form(self, form: PasswordChangeForm) -> HttpResponse:
        user = self.request.user
        context: dict[str, Any] = {
            "form": form,
            "rules": rules_for(user.security_level),
            "expires_at": password_expires_at(user),
            "expired": password_expired(user),
            "now": timezone.now(),
        }
        return render(self.request, TEMPLATES + "password_change.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(PasswordChangeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PasswordChangeForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            user = security.change_password(
                actor=self.principal,
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["password1"],
                confirmation=form.cleaned_data["password2"],
                keep_session=request.session.session_key,
            )
        except GuichetError as exc:
            form.add_guichet_error(exc)
            return self.render_form(form)
        update_session_auth_hash(request, user)
        messages.success(request, _("Votre mot de passe a été changé."))
        return redirect("identifiers:security")
