"""Pages « Personnes » (IAM-07, IAM-10): an operator's administrator manages its people.

``administration/personnes/`` lists the operator's people (the Provider's staff see every
operator's, also at ``back-office/personnes/``), designates a new person (an identifier is
issued), edits names, email, role and profiles, deactivates and reactivates. Declaring a
loss and sending a new link are pages of the identifiers concern, linked from here.
Every page needs ``users:administer``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from guichet.accounts import selectors
from guichet.accounts.choices import IDENTIFIER_TRANSITIONS, DeactivationReason, IdentifierState
from guichet.accounts.models import User
from guichet.accounts.portal.people_forms import PeopleFilterForm, PersonForm
from guichet.accounts.rights import (
    ADMINISTER,
    area_of,
    available_areas,
    grouped_catalogue,
    rights_of,
    subscribed_services_of,
)
from guichet.accounts.services import people as services
from guichet.core.context import Principal
from guichet.core.errors import MISSING_RIGHT, GuichetError
from guichet.core.views import PrincipalMixin
from guichet.operators.selectors import operator_for, operators_for

TEMPLATES = "accounts/people/"
PAGE_SIZE = 25
# Sort keys of the list (``?sort=name`` or ``?sort=-name``) and the column they order.
SORTS = {
    "username": "username",
    "name": "last_name",
    "email": "email",
    "state": "state",
    "last_used": "last_used_at",
}


class PeopleAdminMixin(PrincipalMixin):
    """The Provider's staff, or a person holding ``users:administer`` (an operator's admin).

    ``provider_only`` views (the back-office paths) are the Provider's staff's alone.
    """

    provider_only = False

    def allowed(self, principal: Principal) -> bool:
        if principal.is_provider:
            return True
        if self.provider_only:
            return False
        if principal.has_right(ADMINISTER):
            return True
        raise GuichetError(MISSING_RIGHT, right=ADMINISTER)

    def provider_operators(self) -> QuerySet[Any] | None:
        return operators_for(self.principal) if self.principal.is_provider else None


def optional_url(name: str, *args: Any) -> str | None:
    """A page of another concern, when it is installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _query(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


class PersonListView(PeopleAdminMixin, TemplateView):
    """Personnes of the operator: filters, search, sort, pagination and the count of IAM-02."""

    template_name = TEMPLATES + "list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        principal, request = self.principal, self.request
        operators = self.provider_operators()
        form = PeopleFilterForm(
            request.GET or None, profiles=selectors.profiles_for(principal), operators=operators
        )
        people = selectors.administered_people_for(principal)
        operator = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["q"]:
                term = data["q"].strip()
                people = people.filter(
                    Q(username__icontains=term)
                    | Q(first_name__icontains=term)
                    | Q(last_name__icontains=term)
                    | Q(email__icontains=term)
                )
            if data["state"]:
                people = people.filter(state=data["state"])
            if data["role"]:
                people = people.filter(role=data["role"])
            if data["profile"]:
                people = people.filter(profiles=data["profile"])
            operator = data.get("operator")
            if operator is not None:
                people = people.filter(operator=operator)
        sort = request.GET.get("sort", "username")
        key = sort.removeprefix("-")
        if key not in SORTS:
            sort, key = "username", "username"
        descending = sort.startswith("-")
        people = people.order_by(("-" if descending else "") + SORTS[key], "username")
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        operator_id = (
            principal.operator_id if principal.is_operator else getattr(operator, "pk", None)
        )
        context.update(
            form=form,
            page=page,
            columns=self._columns(key, descending),
            page_query=_query(request, page=None),
            operator=operator,
            create_url=reverse("people:create")
            + (f"?operator={operator_id}" if principal.is_provider and operator_id else ""),
        )
        if operator_id is not None:
            context["used"] = selectors.identifiers_used(principal, operator_id)
            context["cap"] = selectors.identifier_cap()
        return context

    def _columns(self, current: str, descending: bool) -> list[dict[str, Any]]:
        labels = {
            "username": _("Identifiant"),
            "name": _("Nom"),
            "email": _("Courriel"),
            "state": _("État"),
            "last_used": _("Dernière utilisation"),
        }
        columns = []
        for key, label in labels.items():
            active = key == current
            target = f"-{key}" if active and not descending else key
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "aria_sort": ("descending" if descending else "ascending") if active else "",
                    "url": "?" + _query(self.request, sort=target, page=None),
                }
            )
        return columns


def rights_table(person: User) -> dict[str, Any]:
    """What the detail page shows: effective rights per area, and each profile's inert rights."""
    subscribed = subscribed_services_of(person.operator_id)
    areas = available_areas(subscribed)
    effective = rights_of(person, subscribed_services=subscribed)
    names = selectors.service_names()
    profiles = [
        {
            "profile": profile,
            "inert": [code for code in profile.rights if area_of(code) not in areas],
        }
        for profile in person.profiles.all()
    ]
    return {
        "groups": grouped_catalogue(names, codes=effective),
        "profiles": profiles,
        "subscribed": [names.get(code, code) for code in names if code in subscribed],
    }


class PersonDetailView(PeopleAdminMixin, TemplateView):
    """Fiche: identity, state, profiles and the effective rights of today (IAM-07/08)."""

    template_name = TEMPLATES + "detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = selectors.administered_person_for(self.principal, kwargs["pk"])
        is_self = person.pk == self.principal.person_id
        state = person.state
        lost = person.deactivation_reason in (DeactivationReason.LOST, DeactivationReason.FRAUD)
        context.update(
            person=person,
            rights=rights_table(person),
            can_edit=state != IdentifierState.DELETED,
            can_deactivate=not is_self
            and IdentifierState.DEACTIVATED in IDENTIFIER_TRANSITIONS[state],
            can_reactivate=state == IdentifierState.DEACTIVATED and not lost,
            loss_url=optional_url("identifiers:declare_lost", person.pk)
            if state in (IdentifierState.PENDING, IdentifierState.ACTIVE)
            else None,
            reissue_url=optional_url("identifiers:reissue", person.pk)
            if state == IdentifierState.PENDING
            else None,
            locked_out=selectors.is_locked_out(person),
        )
        return context


class PersonFormMixin(PeopleAdminMixin):
    template_name = TEMPLATES + "person_form.html"
    form_class = PersonForm

    def render_error(self, form: PersonForm, error: GuichetError) -> HttpResponse:
        form.add_guichet_error(error)
        return self.form_invalid(form)  # type: ignore[attr-defined]


class PersonCreateView(PersonFormMixin, FormView):
    """Désigner une personne: its identifier is issued and emailed with a single-use link."""

    def target_operator_id(self) -> int | None:
        if self.principal.is_operator:
            return self.principal.operator_id
        raw = self.request.POST.get("operator") or self.request.GET.get("operator")
        return int(raw) if raw and raw.isdigit() else None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        operator_id = self.target_operator_id()
        profiles = (
            selectors.assignable_profiles_for(self.principal, operator_id)
            if operator_id
            else selectors.profiles_for(self.principal).filter(operator__isnull=True)
        )
        kwargs.update(profiles=profiles, creating=True, operators=self.provider_operators())
        if operator_id and self.principal.is_provider:
            kwargs.setdefault("initial", {})["operator"] = operator_id
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        operator_id = self.target_operator_id()
        if operator_id is not None:
            context["used"] = selectors.identifiers_used(self.principal, operator_id)
            context["cap"] = selectors.identifier_cap()
        context["creating"] = True
        return context

    def form_valid(self, form: PersonForm) -> HttpResponse:
        data = form.cleaned_data
        operator = data.get("operator")
        if operator is None and self.principal.is_operator:
            operator = operator_for(self.principal, self.principal.operator_id)
        try:
            person = services.add_person(
                actor=self.principal,
                operator=operator,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
                profiles=data["profiles"],
            )
        except GuichetError as error:
            return self.render_error(form, error)
        messages.success(
            self.request,
            _(
                "Identifiant %(login)s émis : un courriel avec le lien pour définir le mot de passe part vers %(email)s."
            )
            % {"login": person.username, "email": person.email},
        )
        return redirect("people:detail", pk=person.pk)


class PersonEditView(PersonFormMixin, FormView):
    """Modifier une personne: names, email, role and profiles (each change journaled)."""

    @property
    def person(self) -> User:
        if not hasattr(self, "_person"):
            self._person = selectors.administered_person_for(self.principal, self.kwargs["pk"])
        return self._person

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        person = self.person
        kwargs.update(
            profiles=selectors.assignable_profiles_for(self.principal, person.operator_id),
            creating=False,
            initial={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "role": person.role,
                "profiles": list(person.profiles.all()),
            },
        )
        return kwargs

    def get_form(self, form_class: Any = None) -> PersonForm:
        form = super().get_form(form_class)
        if self.person.pk == self.principal.person_id:
            form.fields["role"].disabled = True
            form.fields["role"].help_text = _(
                "Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre administrateur."
            )
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(person=self.person, **kwargs)

    def form_valid(self, form: PersonForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.update_person(
                actor=self.principal,
                person=self.person,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                profiles=data["profiles"],
            )
        except GuichetError as error:
            return self.render_error(form, error)
        messages.success(
            self.request, _("Fiche de %(login)s enregistrée.") % {"login": self.person.username}
        )
        return redirect("people:detail", pk=self.person.pk)


class PersonStateView(PeopleAdminMixin, View):
    """Confirm, then deactivate or reactivate an identifier."""

    action = ""

    def _render(self, person: User, error: GuichetError | None = None) -> HttpResponse:
        context = {"person": person, "action": self.action, "error": error}
        status = error.status if error is not None else 200
        return render(self.request, TEMPLATES + "confirm_state.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(selectors.administered_person_for(self.principal, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = selectors.administered_person_for(self.principal, pk)
        change = (
            services.deactivate_person
            if self.action == "deactivate"
            else services.reactivate_person
        )
        try:
            change(actor=self.principal, person=person)
        except GuichetError as error:
            return self._render(person, error)
        text = (
            _("Identifiant %(login)s désactivé : ses sessions ont pris fin.")
            if self.action == "deactivate"
            else _("Identifiant %(login)s réactivé.")
        )
        messages.success(request, text % {"login": person.username})
        return redirect("people:detail", pk=person.pk)
