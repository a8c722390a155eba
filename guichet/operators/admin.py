"""Operators in the Django admin (Provider superusers); changes go through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from guichet.core.context import Channel
from guichet.core.principal import resolve_principal
from guichet.operators import services
from guichet.operators.models import CONTACT_FIELDS, LEGAL_IDENTITY_FIELDS, Operator


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ("name", "arcep_code", "siren", "legal_form", "head_office_city")
    search_fields = ("name", "arcep_code", "siren")
    list_filter = ("legal_form",)
    fields = (*LEGAL_IDENTITY_FIELDS, *CONTACT_FIELDS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Operator, form: Any, change: bool) -> None:
        actor = resolve_principal(request)
        if actor is None or actor.channel != Channel.ADMIN:
            raise PermissionDenied
        values = (
            {name: form.cleaned_data[name] for name in form.changed_data}
            if change
            else {name: form.cleaned_data[name] for name in self.fields}
        )
        if change:
            services.update_operator(
                actor=actor, operator=Operator.objects.get(pk=obj.pk), **values
            )
        else:
            created = services.create_operator(actor=actor, **values)
            obj.pk = created.pk
