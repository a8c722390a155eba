"""The Django admin, open to the Provider's superusers only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class GuichetAdminSite(admin.AdminSite):
    site_header = _("Guichet — administration du Fournisseur")
    site_title = _("Guichet")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_superuser and getattr(user, "operator_id", None) is None
        )


class GuichetAdminConfig(AdminConfig):
    default_site = "guichet.core.admin_site.GuichetAdminSite"


class ReadOnlyAdminMixin:
    """An admin page that only shows: changes go through services (one write path)."""

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
