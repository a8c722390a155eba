"""Pages of the system credentials (Mode Intégré, SEC-01..03).

``administration/acces-systeme/``: an operator's administrator lists, creates and revokes
its API keys and client certificates. ``back-office/acces-systeme/``: the Provider's staff
see every operator's credentials and ask who is behind one. ``pki/ca.pem`` and
``pki/crl.pem`` are public: TLS clients and proxies need them.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import FormView, TemplateView

from guichet.accounts import credential_selectors as selectors
from guichet.accounts.portal import credential_forms as forms
from guichet.accounts.services import credentials as services
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.views import PrincipalMixin, ProviderRequiredMixin
from guichet.operators.selectors import operators_for

TEMPLATES = "accounts/credentials/"


def _with_state(credentials: Any) -> list[Any]:
    rows = list(credentials)
    for credential in rows:
        credential.state = selectors.state_of(credential)
        credential.state_label = selectors.STATE_LABELS[credential.state]
    return rows


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages that show a secret are never cached, by the browser or anything in between."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class ManageMixin(PrincipalMixin):
    """An operator's administrator for its own operator, or the Provider's staff for any."""

    def allowed(self, principal: Principal) -> bool:
        return services.may_manage(principal, principal.operator_id)

    def home(self) -> str:
        name = "credentials:backoffice" if self.principal.is_provider else "credentials:list"
        return reverse(name)


class CredentialListView(ManageMixin, TemplateView):
    """Accès système of the operator: keys and certificates with their state and last use."""

    template_name = TEMPLATES + "list.html"

    def allowed(self, principal: Principal) -> bool:
        return principal.is_operator and super().allowed(principal)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["api_keys"] = _with_state(selectors.api_keys_for(self.principal))
        context["certificates"] = _with_state(selectors.certificates_for(self.principal))
        return context


class BackofficeCredentialListView(ProviderRequiredMixin, TemplateView):
    """Every operator's credentials, with creator and last use; « qui est derrière ? » (SEC-03)."""

    template_name = TEMPLATES + "backoffice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        operators = operators_for(self.principal)
        operator_id = self.request.GET.get("operator", "")
        operator_id = int(operator_id) if operator_id.isdigit() else None
        identity_form = forms.IdentityForm(
            self.request.GET if "reference" in self.request.GET else None
        )
        identity = None
        if identity_form.is_valid():
            identity = selectors.identity_behind(
                self.principal, identity_form.cleaned_data["reference"]
            )
            if identity is not None:
                identity.credential.state_label = selectors.STATE_LABELS[identity.state]
        context.update(
            operators=operators,
            operator_id=operator_id,
            api_keys=_with_state(selectors.api_keys_for(self.principal, operator_id=operator_id)),
            certificates=_with_state(
                selectors.certificates_for(self.principal, operator_id=operator_id)
            ),
            identity_form=identity_form,
            identity=identity,
            searched=identity_form.is_bound,
            provider_view=True,
        )
        return context


class _CreateView(ManageMixin, FormView):
    template_name = TEMPLATES + "form.html"
    title = ""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["operators"] = operators_for(self.principal) if self.principal.is_provider else None
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        operator = self.request.GET.get("operator", "")
        return {"operator": int(operator)} if operator.isdigit() else {}

    def operator(self, form: forms.CredentialForm) -> Any:
        if self.principal.is_provider:
            return form.cleaned_data["operator"]
        return operators_for(self.principal).get(pk=self.principal.operator_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "title": self.title, "back": self.home()}

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return _no_store(self.create(form))
        except GuichetError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, f"{exc.message()} ({exc.code})")
            return self.form_invalid(form)

    def create(self, form: Any) -> HttpResponse:
        raise NotImplementedError


class ApiKeyCreateView(_CreateView):
    form_class = forms.ApiKeyForm
    title = gettext_lazy("Nouvelle clé d'API")

    def create(self, form: forms.ApiKeyForm) -> HttpResponse:
        new = services.create_api_key(
            actor=self.principal,
            operator=self.operator(form),
            expires_at=form.expires_at(),
            **form.common(),
        )
        context = {"key": new.key, "token": new.token, "back": self.home()}
        return render(self.request, TEMPLATES + "apikey_created.html", context, status=201)


class CertificateCreateView(_CreateView):
    form_class = forms.CertificateForm
    title = gettext_lazy("Nouveau certificat client")

    def create(self, form: forms.CertificateForm) -> HttpResponse:
        new = services.issue_certificate(
            actor=self.principal,
            operator=self.operator(form),
            csr_pem=form.csr_pem(),
            validity_days=form.cleaned_data["validity_days"],
            **form.common(),
        )
        context = {
            "certificate": new.certificate,
            "private_key_pem": new.private_key_pem,
            "pkcs12_b64": base64.b64encode(new.pkcs12).decode("ascii") if new.pkcs12 else "",
            "pkcs12_password": new.pkcs12_password,
            "back": self.home(),
        }
        return render(self.request, TEMPLATES + "certificate_issued.html", context, status=201)


class RevokeView(ManageMixin, FormView):
    """Confirmation, then revocation at once (and, for a certificate, a new CRL)."""

    template_name = TEMPLATES + "revoke.html"
    kind = "apikey"

    def get_form_class(self) -> type[Any]:
        return forms.RevokeForm if self.kind == "apikey" else forms.RevokeCertificateForm

    def credential(self) -> Any:
        if self.kind == "apikey":
            return selectors.api_key_for(self.principal, self.kwargs["pk"])
        return selectors.certificate_for(self.principal, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "credential": self.credential(), "kind": self.kind, "back": self.home()}

    def form_valid(self, form: Any) -> HttpResponse:
        credential = self.credential()
        try:
            services.revoke_credential(
                actor=self.principal, credential=credential, reason=form.cleaned_data["reason"]
            )
        except GuichetError as exc:
            form.add_error(None, f"{exc.message()} ({exc.code})")
            return self.form_invalid(form)
        messages.success(
            self.request, _("« %(label)s » est révoqué.") % {"label": credential.label}
        )
        return HttpResponseRedirect(self.home())


class CertificatePemView(PrincipalMixin, View):
    """The certificate itself (public data): people of its operator and the Provider."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        certificate = selectors.certificate_for(self.principal, pk)
        response = HttpResponse(certificate.pem, content_type="application/x-pem-file")
        filename = f"{certificate.operator.arcep_code}-{certificate.serial}.pem"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@cache_control(public=True, max_age=3600)
def ca_pem(request: HttpRequest) -> HttpResponse:
    """The CA certificate: operators' TLS clients and the proxy trust it."""
    response = HttpResponse(services.ca_certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="guichet-ca.pem"'
    return response


@cache_control(public=True, max_age=300)
def crl_pem(request: HttpRequest) -> HttpResponse:
    """The CRL, signed by the CA, always including the latest revocation."""
    response = HttpResponse(services.current_crl(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="guichet-crl.pem"'
    return response
