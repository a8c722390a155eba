"""People in the Django admin (Provider superusers)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from guichet.accounts.models import User


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "operator", "role", "is_active")
    list_filter = ("operator", "role", "is_active", "is_staff")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Rattachement"), {"fields": ("operator", "role", "phone")}),
    )

    # People are created and changed through services (identifiers, profiles, audit):
    # the admin only shows them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
