"""REST permissions: authenticated principal, read-only principals refused writes."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from guichet.core import errors
from guichet.core.errors import GuichetError
from guichet.core.principal import resolve_principal


class IsAuthenticatedPrincipal(BasePermission):
    """A resolved principal is required; writes need a principal allowed to write."""

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        if principal is None:
            return False
        if principal.suspended:
            raise GuichetError(errors.ACCESS_SUSPENDED)
        if request.method not in SAFE_METHODS and not principal.can_write:
            self.message = errors.READ_ONLY.message()
            self.code = errors.READ_ONLY.code
            return False
        return True


class ProviderOnly(BasePermission):
    """Only the Provider's staff (back-office resources)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        return principal is not None and principal.is_provider


class RequireRight(BasePermission):
    """``permission_classes = [IsAuthenticatedPrincipal, RequireRight.of("e-rdv:book")]`` (IAM-07)."""

    right: str = ""

    @classmethod
    def of(cls, right: str) -> type[RequireRight]:
        return type(
            f"Require_{right.replace(':', '_').replace('-', '_')}", (cls,), {"right": right}
        )

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = resolve_principal(request)
        if principal is None:
            return False
        if not principal.has_right(self.right):
            raise GuichetError(errors.MISSING_RIGHT, right=self.right)
        return True
