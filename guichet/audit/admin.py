"""Read-only view of the journal for the Provider's superusers."""

from __future__ import annotations

from django.contrib import admin

from guichet.audit.models import AuditRecord
from guichet.core.admin_site import ReadOnlyAdminMixin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
