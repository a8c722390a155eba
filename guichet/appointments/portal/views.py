"""e-RDV in the operator portal (``/rendez-vous/``): pick an address and an intervention type,
see the free slots week by week, hold one (``detail.py`` confirms, reschedules, cancels;
``lists.py`` is « Mes rendez-vous »), and the helpers those pages share. Views parse and
render; every rule is the services'."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from guichet.addresses.portal.forms import PlaceForm
from guichet.addresses.selectors import PlaceQuery, resolve
from guichet.addresses.translation import address_key, candidate_dict, query_for_key
from guichet.appointments import selectors, services
from guichet.appointments.choices import (
    RIGHT_BOOK,
    RIGHT_READ,
    AppointmentStatus,
    InterventionType,
)
from guichet.appointments.errors import HOLD_EXPIRED, PLACE_AMBIGUOUS, SLOT_UNAVAILABLE
from guichet.appointments.models import Appointment
from guichet.appointments.portal.forms import BookForm, TypeForm
from guichet.appointments.portal.week import parse_week, week_of
from guichet.appointments.schedule import slot_id
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.views import PrincipalMixin

S = AppointmentStatus
SEARCH = "appointments/portal/search.html"
SLOTS = "appointments/portal/slots.html"
# Headlines over the service's message for the refusals people meet most.
HEADLINES = {
    SLOT_UNAVAILABLE.code: gettext_lazy("Ce créneau n'est plus disponible."),
    HOLD_EXPIRED.code: gettext_lazy("La réservation a expiré."),
}


class RdvAccess(PrincipalMixin):
    """Operators' people; the services then check subscription, FTTH contract and right."""

    def allowed(self, principal: Principal) -> bool:
        return principal.is_operator


def refusal_for(principal: Principal) -> GuichetError | None:
    try:
        services.check_access(principal, RIGHT_READ)
    except GuichetError as exc:
        return exc
    return None


def headline(error: GuichetError | None) -> str:
    return str(HEADLINES.get(error.code, "")) if error else ""


def place_params(place: services.Place) -> dict[str, str]:
    """The query string naming a resolved place again: its PTO, else its address id."""
    label = str(place.address)
    if place.premises is not None and place.premises.pto_reference:
        return {"pto": place.premises.pto_reference, "q": label}
    return {"adresse": address_key(place.address), "q": label}


def query_of(form: PlaceForm) -> PlaceQuery:
    """The place a (valid) PlaceForm names; an address without public id by its label."""
    query, address_pk = form.place()
    if address_pk is not None:
        return PlaceQuery(text=form.cleaned_data.get("q") or "")
    return query


def appointment_query(appointment: Appointment) -> PlaceQuery:
    """The place of a booked appointment, to search it again (reschedule)."""
    if appointment.pto_reference:
        return PlaceQuery(pto=appointment.pto_reference)
    key = ((appointment.place or {}).get("address") or {}).get("id", "")
    query, address_pk = query_for_key(key) if key else (PlaceQuery(), None)
    if address_pk is not None or query.is_empty():
        return PlaceQuery(text=((appointment.place or {}).get("address") or {}).get("label", ""))
    return query


def search_page(
    request: HttpRequest,
    principal: Principal,
    form: PlaceForm,
    type_form: TypeForm,
    *,
    error: GuichetError | None = None,
    candidates: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    refusal = refusal_for(principal)
    context = {
        "form": form,
        "type_form": type_form,
        "error": error,
        "headline": headline(error),
        "candidates": candidates or [],
        "refusal": refusal,
        "may_book": principal.has_right(RIGHT_BOOK),
        "reference_open": form.uses_reference() or bool(error and error.field),
        "upcoming": (
            []
            if refusal
            else list(
                selectors.appointments_for(principal, starts_from=timezone.localdate()).filter(
                    status__in=(S.HELD, S.CONFIRMED, S.RESCHEDULED)
                )[:5]
            )
        ),
    }
    problem = refusal or error
    return render(request, SEARCH, context, status=problem.status if problem else status)


class SearchView(RdvAccess, View):
    """``/rendez-vous/``: the address box with the intervention type (GET); a search (POST)
    redirects to the week of free slots, whose URL names the place found."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return search_page(request, self.principal, PlaceForm(), TypeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form, type_form = PlaceForm(request.POST), TypeForm(request.POST)
        if not form.is_valid():
            return search_page(request, self.principal, form, type_form, status=400)
        query = query_of(form)
        first = services.bookable_range()[0]
        try:
            found = services.search_free_slots(
                actor=self.principal,
                query=query,
                intervention_type=type_form.kind(),
                date_from=first,
                date_to=first,
            )
        except GuichetError as error:
            candidates = []
            if error.error is PLACE_AMBIGUOUS:
                candidates = [candidate_dict(c) for c in resolve(self.principal, query).candidates]
            return search_page(
                request, self.principal, form, type_form, error=error, candidates=candidates
            )
        params = {**place_params(found.place), "type": found.intervention_type}
        return redirect(reverse("appointments:slots") + "?" + urlencode(params))


def slots_context(
    principal: Principal,
    query: PlaceQuery,
    kind: str,
    week_value: str | None,
    *,
    current: services.FreeSlot | None = None,
) -> dict[str, Any]:
    """The week of free slots for the place and type (raises the services' refusals)."""
    first, last = services.bookable_range()
    monday = parse_week(week_value, first)
    found = services.search_free_slots(
        actor=principal,
        query=query,
        intervention_type=kind,
        date_from=monday,
        date_to=monday + timedelta(days=6),
    )
    return {
        "search": found,
        "place": found.place.as_json(),
        "type_label": InterventionType(found.intervention_type).label,
        "week": week_of(monday, found.slots, first=first, last=last, current=current),
        "current_slot": current.id if current else "",
        "first_day": first,
        "may_book": principal.has_right(RIGHT_BOOK),
    }


class SlotsView(RdvAccess, View):
    """``/rendez-vous/creneaux/?pto=…&type=…&semaine=…``: one week of free slots to book."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form, type_form = PlaceForm(request.GET), TypeForm(request.GET)
        if not form.is_valid() or not form.has_query():
            return redirect("appointments:search")
        return self.page(request, form, type_form, BookForm())

    def page(
        self,
        request: HttpRequest,
        form: PlaceForm,
        type_form: TypeForm,
        book: BookForm,
        *,
        error: GuichetError | None = None,
        week_value: str | None = None,
    ) -> HttpResponse:
        try:
            context = slots_context(
                self.principal,
                query_of(form),
                type_form.kind(),
                week_value or request.GET.get("semaine"),
            )
        except GuichetError as exc:
            return search_page(request, self.principal, form, type_form, error=exc)
        params = {k: v for k, v in form.cleaned_data.items() if k in ("q", "adresse", "pto") and v}
        params = {**params, "type": context["search"].intervention_type}
        context.update(
            book=book,
            error=error,
            headline=headline(error),
            hidden=params,
            week_query=urlencode(params),
            action=reverse("appointments:reserve"),
        )
        return render(request, SLOTS, context, status=error.status if error else 200)


class ReserveView(SlotsView):
    """``POST /rendez-vous/reserver``: hold the slot picked → the appointment, to confirm."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("appointments:search")

    def post(self, request: HttpRequest) -> HttpResponse:
        form, type_form, book = (
            PlaceForm(request.POST),
            TypeForm(request.POST),
            BookForm(request.POST),
        )
        if not form.is_valid() or not book.is_valid():
            return redirect("appointments:search")
        chosen = book.cleaned_data["creneau"]
        try:
            appointment = services.reserve(
                actor=self.principal,
                query=query_of(form),
                intervention_type=type_form.kind(),
                slot_id=chosen,
                external_id=book.cleaned_data["external_id"],
                comment=book.cleaned_data["comment"],
            )
        except GuichetError as error:
            if error.status == 403:
                raise
            return self.page(
                request, form, type_form, book, error=error, week_value=week_of_slot(chosen)
            )
        until = timezone.localtime(appointment.hold_expires_at)
        messages.success(
            request,
            _(
                "Créneau réservé : rendez-vous %(id)s. Confirmez-le avant %(time)s, sinon le "
                "créneau est libéré."
            )
            % {"id": appointment.id_rdv, "time": until.strftime("%H:%M")},
        )
        return redirect("appointments:detail", id_rdv=appointment.id_rdv)


def week_of_slot(value: str) -> str | None:
    """The ISO day of a slot id (to show its week again), or None."""
    text = (value or "").strip()
    if len(text) >= 8 and text[:8].isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:8]}"
    return None


def current_slot_id(appointment: Appointment) -> str:
    slot = appointment.slot
    return slot_id(slot.day, slot.template.starts_at, slot.template.ends_at)


def current_slot(appointment: Appointment) -> services.FreeSlot:
    """The appointment's own window, to show it (not selectable) in the week view."""
    return services.FreeSlot(
        current_slot_id(appointment), appointment.starts_at, appointment.ends_at, 0
    )


def when(appointment: Appointment) -> str:
    starts = timezone.localtime(appointment.starts_at)
    ends = timezone.localtime(appointment.ends_at)
    return _("%(day)s de %(start)s à %(end)s") % {
        "day": date_format(starts, "l j F Y"),
        "start": starts.strftime("%H:%M"),
        "end": ends.strftime("%H:%M"),
    }
