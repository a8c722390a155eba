"""Pages « Profils » (IAM-07): the Provider's templates and an operator's own profiles.

``administration/profils/``: an operator's administrator sees the templates (to assign)
and creates, changes and deletes its own profiles within the e-services it subscribes to.
``back-office/profils/``: the Provider's staff define the templates and see every profile.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from guichet.accounts import selectors
from guichet.accounts.errors.people import TEMPLATE_PROVIDER_ONLY
from guichet.accounts.models import Profile
from guichet.accounts.portal.people import TEMPLATES, PeopleAdminMixin
from guichet.accounts.portal.people_forms import ProfileForm
from guichet.accounts.rights import RIGHTS, available_areas, subscribed_services_of
from guichet.accounts.services import profiles as services
from guichet.core.errors import GuichetError
from guichet.operators.selectors import operators_for


def _home(principal: Any) -> str:
    return "people:backoffice-profiles" if principal.is_provider else "people:profiles"


class ProfileListView(PeopleAdminMixin, TemplateView):
    """Profils: templates first, then the operator's own (all operators' for the Provider)."""

    template_name = TEMPLATES + "profile_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        profiles = list(selectors.profiles_for(self.principal).order_by("operator__name", "name"))
        for profile in profiles:
            profile.right_labels = [str(RIGHTS[c].label) for c in profile.rights if c in RIGHTS]
            profile.editable = self.principal.is_provider or profile.operator_id is not None
        context["templates"] = [p for p in profiles if p.operator_id is None]
        context["own"] = [p for p in profiles if p.operator_id is not None]
        return context


class ProfileFormView(PeopleAdminMixin, FormView):
    template_name = TEMPLATES + "profile_form.html"
    form_class = ProfileForm
    profile: Profile | None = None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        available = None
        if self.principal.is_operator:
            available = available_areas(subscribed_services_of(self.principal.operator_id))
        kwargs.update(service_names=selectors.service_names(), available=available)
        if self.principal.is_provider and self.profile is None:
            kwargs["operators"] = operators_for(self.principal)
        if self.profile is not None:
            kwargs["initial"] = {
                "name": self.profile.name,
                "description": self.profile.description,
                "rights": list(self.profile.rights),
            }
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(profile=self.profile, home=_home(self.principal), **kwargs)

    def done(self, profile: Profile, text: str) -> HttpResponse:
        messages.success(self.request, text % {"name": profile.name})
        return redirect(_home(self.principal))


class ProfileCreateView(ProfileFormView):
    """Nouveau profil (a template when the Provider names no operator)."""

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            profile = services.create_profile(
                actor=self.principal,
                name=data["name"],
                description=data["description"],
                rights=data["rights"],
                operator=data.get("operator"),
            )
        except GuichetError as error:
            form.add_guichet_error(error)
            return self.form_invalid(form)
        return self.done(profile, _("Profil « %(name)s » créé."))


class ProfileEditView(ProfileFormView):
    """Modifier un profil: the people holding it get the new rights at once."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._load()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._load()
        return super().post(request, *args, **kwargs)

    def _load(self) -> None:
        self.profile = selectors.profile_for(self.principal, self.kwargs["pk"])
        if self.profile.operator_id is None and not self.principal.is_provider:
            raise GuichetError(TEMPLATE_PROVIDER_ONLY)

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        data = form.cleaned_data
        assert self.profile is not None
        try:
            profile = services.update_profile(
                actor=self.principal,
                profile=self.profile,
                name=data["name"],
                description=data["description"],
                rights=data["rights"],
            )
        except GuichetError as error:
            form.add_guichet_error(error)
            return self.form_invalid(form)
        return self.done(profile, _("Profil « %(name)s » enregistré."))


class ProfileDeleteView(PeopleAdminMixin, View):
    """Supprimer un profil que personne ne détient plus (confirmation first)."""

    def _render(self, profile: Profile, error: GuichetError | None = None) -> HttpResponse:
        context = {"profile": profile, "error": error, "home": _home(self.principal)}
        status = error.status if error is not None else 200
        return render(self.request, TEMPLATES + "profile_delete.html", context, status=status)

    def _load(self, pk: int) -> Profile:
        profile = selectors.profile_for(self.principal, pk)
        if profile.operator_id is None and not self.principal.is_provider:
            raise GuichetError(TEMPLATE_PROVIDER_ONLY)
        return profile

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(self._load(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        profile = self._load(pk)
        try:
            services.delete_profile(actor=self.principal, profile=profile)
        except GuichetError as error:
            return self._render(profile, error)
        messages.success(request, _("Profil « %(name)s » supprimé.") % {"name": profile.name})
        return redirect(_home(self.principal))
