"""Read-only view of the journal for the Provider's superusers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from guichet.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "occurred_at",
        "person_login",
        "operator_code",
        "channel",
        "action",
        "object_type",
        "object_id",
        "ip",
    )
    list_filter = ("channel", "operator_code")
    search_fields = ("person_login", "action", "object_id", "request_id", "ip")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
