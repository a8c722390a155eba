"""« Règles d'éligibilité » in the back-office (``back-office/regles-eligibilite/``): the
Provider's exclusion zones and temporary freezes — lists with search, filters, sort,
pagination and CSV export; create, change the end of a freeze, lift or delete. Every write
goes through :mod:`guichet.eligibility.services` (the REST door's too)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.core.portal import paginate
from guichet.core.views import ProviderRequiredMixin
from guichet.eligibility import selectors, services
from guichet.eligibility.choices import Offer, Scope
from guichet.eligibility.models import ExclusionZone, TemporaryFreeze
from guichet.eligibility.portal.rules_forms import (
    ExclusionZoneForm,
    FreezeEndForm,
    FreezeForm,
)

ZONE_SORTS = {
    "cible": ("scope", "value", "offer"),
    "-creee": ("-created_at", "-id"),
    "creee": ("created_at", "id"),
}
FREEZE_SORTS: dict[str, tuple[Any, ...]] = {
    "-debut": ("-starts_on", "scope", "value"),
    "debut": ("starts_on", "scope", "value"),
    "fin": (F("ends_on").asc(nulls_last=True), "starts_on"),
    "cible": ("scope", "value", "-starts_on"),
}
ZONE_SORT_LABELS = [
    ("cible", gettext_lazy("Portée et cible")),
    ("-creee", gettext_lazy("Création, la plus récente d'abord")),
    ("creee", gettext_lazy("Création, la plus ancienne d'abord")),
]
FREEZE_SORT_LABELS = [
    ("-debut", gettext_lazy("Début, le plus récent d'abord")),
    ("debut", gettext_lazy("Début, le plus ancien d'abord")),
    ("fin", gettext_lazy("Fin, la plus proche d'abord")),
    ("cible", gettext_lazy("Portée et cible")),
]
FREEZE_STATES = {
    "en-cours": gettext_lazy("En cours"),
    "prevu": gettext_lazy("Prévu"),
    "termine": gettext_lazy("Terminé"),
}


# --- Shared -----------------------------------------------------------------------------------


def _filtered(request: HttpRequest, rules: QuerySet[Any]) -> QuerySet[Any]:
    """Search (target, reason) and the scope and offer filters of both lists."""
    query = request.GET
    search = query.get("q", "").strip()
    if search:
        rules = rules.filter(Q(value__icontains=search) | Q(reason__icontains=search))
    if query.get("portee") in Scope.values:
        rules = rules.filter(scope=query["portee"])
    offer = query.get("offre")
    if offer == "toutes":
        rules = rules.filter(offer="")
    elif offer in Offer.values:
        rules = rules.filter(offer=offer)
    return rules


def _freeze_state(freeze: TemporaryFreeze, today: date) -> str:
    if freeze.starts_on > today:
        return "prevu"
    if freeze.ends_on is not None and freeze.ends_on < today:
        return "termine"
    return "en-cours"


def _may_lift(freeze: TemporaryFreeze, today: date) -> bool:
    """A current freeze that started before today can end yesterday (« lever maintenant »)."""
    return freeze.starts_on < today and (freeze.ends_on is None or freeze.ends_on >= today)


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {
        "search": request.GET.get("q", "").strip(),
        "scope": request.GET.get("portee", ""),
        "offer": request.GET.get("offre", ""),
        "sort": request.GET.get("tri", ""),
        "scopes": Scope.choices,
        "offers": Offer.choices,
    }


def _csv(filename: str, rows: Iterable[list[str]]) -> StreamingHttpResponse:
    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        yield "\ufeff"  # Excel reads UTF-8 with its BOM
        for row in rows:
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _offer_label(offer: str) -> str:
    return str(Offer(offer).label) if offer else _("Toutes les offres")


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _rule_label(rule: ExclusionZone | TemporaryFreeze) -> str:
    target = rule.value or str(Scope(rule.scope).label)
    return f"{target} — {_offer_label(rule.offer)}"


def _one(rules: QuerySet[Any], pk: int) -> Any:
    rule = rules.filter(pk=pk).first()
    if rule is None:
        raise GuichetError(NOT_FOUND)
    return rule


# --- Exclusion zones --------------------------------------------------------------------------


class ZoneListView(ProviderRequiredMixin, View):
    """``back-office/regles-eligibilite/``: the exclusion zones (the section's first page)."""

    template_name = "eligibility/rules/zones.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        zones = _filtered(request, selectors.exclusion_zones_for(self.principal))
        zones = zones.order_by(*ZONE_SORTS.get(request.GET.get("tri", ""), ZONE_SORTS["cible"]))
        if request.GET.get("format") == "csv":
            return _csv("zones-exclusion.csv", self.csv_rows(zones))
        context = {
            "tab": "zones",
            "sorts": ZONE_SORT_LABELS,
            **_filters(request),
            **paginate(request, zones),
        }
        return render(request, self.template_name, context)

    @staticmethod
    def csv_rows(zones: QuerySet[ExclusionZone]) -> Iterator[list[str]]:
        yield [_("Portée"), _("Cible"), _("Offre"), _("Motif"), _("Créée le")]
        for zone in zones.iterator():
            yield [
                str(zone.get_scope_display()),
                zone.value,
                _offer_label(zone.offer),
                zone.reason,
                _day(timezone.localtime(zone.created_at).date()),
            ]


class ZoneCreateView(ProviderRequiredMixin, View):
    template_name = "eligibility/rules/zone_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ExclusionZoneForm(), "tab": "zones"})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ExclusionZoneForm(request.POST)
        if form.is_valid():
            try:
                zone = services.create_exclusion_zone(actor=self.principal, **form.cleaned_data)
            except GuichetError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("Zone d'exclusion créée : %(rule)s. Elle s'applique dès maintenant.")
                    % {"rule": _rule_label(zone)},
                )
                return redirect("eligibility-rules:zones")
        context = {"form": form, "tab": "zones"}
        return render(request, self.template_name, context, status=422)


class ZoneDeleteView(ProviderRequiredMixin, View):
    """Lift a zone (POST from the list, behind a confirmation)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        zone = _one(selectors.exclusion_zones_for(self.principal), pk)
        label = _rule_label(zone)
        services.delete_exclusion_zone(actor=self.principal, zone=zone)
        messages.success(request, _("Zone d'exclusion levée : %(rule)s.") % {"rule": label})
        return redirect("eligibility-rules:zones")


# --- Temporary freezes ------------------------------------------------------------------------


def _freezes_in_state(freezes: QuerySet[TemporaryFreeze], state: str) -> QuerySet[Any]:
    today = timezone.localdate()
    if state == "prevu":
        return freezes.filter(starts_on__gt=today)
    if state == "termine":
        return freezes.filter(ends_on__lt=today)
    if state == "en-cours":
        return freezes.filter(starts_on__lte=today).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )
    return freezes


class FreezeListView(ProviderRequiredMixin, View):
    """``back-office/regles-eligibilite/gels/``: past, current and planned freezes."""

    template_name = "eligibility/rules/freezes.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("etat", "")
        freezes = _filtered(request, selectors.freezes_for(self.principal))
        freezes = _freezes_in_state(freezes, state)
        sort = FREEZE_SORTS.get(request.GET.get("tri", ""), FREEZE_SORTS["-debut"])
        freezes = freezes.order_by(*sort)
        today = timezone.localdate()
        if request.GET.get("format") == "csv":
            return _csv("gels-eligibilite.csv", self.csv_rows(freezes, today))
        context = {
            "tab": "freezes",
            "sorts": FREEZE_SORT_LABELS,
            "state": state,
            "states": list(FREEZE_STATES.items()),
            **_filters(request),
            **paginate(request, freezes),
        }
        context["rows"] = [
            {
                "freeze": freeze,
                "state": _freeze_state(freeze, today),
                "state_label": FREEZE_STATES[_freeze_state(freeze, today)],
                "may_lift": _may_lift(freeze, today),
            }
            for freeze in context["page_obj"]
        ]
        return render(request, self.template_name, context)

    @staticmethod
    def csv_rows(freezes: QuerySet[TemporaryFreeze], today: date) -> Iterator[list[str]]:
        yield [_("Portée"), _("Cible"), _("Offre"), _("Du"), _("Au"), _("État"), _("Motif")]
        for freeze in freezes.iterator():
            yield [
                str(freeze.get_scope_display()),
                freeze.value,
                _offer_label(freeze.offer),
                _day(freeze.starts_on),
                _day(freeze.ends_on),
                str(FREEZE_STATES[_freeze_state(freeze, today)]),
                freeze.reason,
            ]


class FreezeCreateView(ProviderRequiredMixin, View):
    template_name = "eligibility/rules/freeze_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = FreezeForm(initial={"starts_on": timezone.localdate()})
        return render(request, self.template_name, {"form": form, "tab": "freezes"})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FreezeForm(request.POST)
        if form.is_valid():
            try:
                freeze = services.create_freeze(actor=self.principal, **form.cleaned_data)
            except GuichetError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("Gel créé : %(rule)s, du %(start)s %(end)s.")
                    % {
                        "rule": _rule_label(freeze),
                        "start": _day(freeze.starts_on),
                        "end": _("au %(day)s inclus") % {"day": _day(freeze.ends_on)}
                        if freeze.ends_on
                        else _("jusqu'à sa levée"),
                    },
                )
                return redirect("eligibility-rules:freezes")
        context = {"form": form, "tab": "freezes"}
        return render(request, self.template_name, context, status=422)


class FreezeEditView(ProviderRequiredMixin, View):
    """Change the end of a freeze (the only change the service allows), or lift/delete it."""

    template_name = "eligibility/rules/freeze_edit.html"

    def freeze(self, pk: int) -> TemporaryFreeze:
        return _one(selectors.freezes_for(self.principal), pk)

    def render(self, freeze: TemporaryFreeze, form: FreezeEndForm, status: int = 200) -> Any:
        today = timezone.localdate()
        context = {
            "freeze": freeze,
            "form": form,
            "tab": "freezes",
            "state_label": FREEZE_STATES[_freeze_state(freeze, today)],
            "may_lift": _may_lift(freeze, today),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        freeze = self.freeze(pk)
        return self.render(freeze, FreezeEndForm(initial={"ends_on": freeze.ends_on}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        freeze = self.freeze(pk)
        form = FreezeEndForm(request.POST)
        if form.is_valid():
            try:
                services.change_freeze_end(
                    actor=self.principal, freeze=freeze, ends_on=form.cleaned_data["ends_on"]
                )
            except GuichetError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request, _("Fin du gel modifiée : %(rule)s.") % {"rule": _rule_label(freeze)}
                )
                return redirect("eligibility-rules:freezes")
        freeze.refresh_from_db()
        return self.render(freeze, form, status=422)


class FreezeLiftView(ProviderRequiredMixin, View):
    """Lift a current freeze now: it ends yesterday, so today is no longer frozen."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        freeze = _one(selectors.freezes_for(self.principal), pk)
        try:
            services.change_freeze_end(
                actor=self.principal,
                freeze=freeze,
                ends_on=timezone.localdate() - timedelta(days=1),
            )
        except GuichetError as exc:
            messages.error(
                request,
                _("Ce gel commence aujourd'hui : supprimez-le plutôt. %(detail)s")
                % {"detail": f"{exc.message()} ({exc.code})"},
            )
            return redirect("eligibility-rules:freeze", pk=freeze.pk)
        messages.success(request, _("Gel levé : %(rule)s.") % {"rule": _rule_label(freeze)})
        return redirect("eligibility-rules:freezes")


class FreezeDeleteView(ProviderRequiredMixin, View):
    """Delete a freeze entered by mistake."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        freeze = _one(selectors.freezes_for(self.principal), pk)
        label = _rule_label(freeze)
        services.delete_freeze(actor=self.principal, freeze=freeze)
        messages.success(request, _("Gel supprimé : %(rule)s.") % {"rule": label})
        return redirect("eligibility-rules:freezes")
