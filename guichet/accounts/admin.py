"""People in the Django admin (Provider superusers): shown only, changed through services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from guichet.accounts.models import User
from guichet.core.admin_site import ReadOnlyAdminMixin


@admin.register(User)
class PersonAdmin(ReadOnlyAdminMixin, UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "operator", "role", "is_active")
    list_filter = ("operator", "role", "is_active", "is_staff")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Rattachement"), {"fields": ("operator", "role", "phone")}),
    )
