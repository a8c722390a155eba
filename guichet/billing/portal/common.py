"""Shared pieces of the billing pages: access, pagination, file answers."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse

from guichet.billing import selectors
from guichet.billing.errors import INVOICES_READ_FORBIDDEN
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.core.views import PrincipalMixin


class OperatorInvoicesAccess(PrincipalMixin):
    """``administration/factures/``: an operator's person with ``invoices:read`` or its administrator."""

    def allowed(self, principal: Principal) -> bool:
        if not principal.is_operator:
            return False
        if not selectors.may_read_invoices(principal):
            raise GuichetError(INVOICES_READ_FORBIDDEN)
        return True


class ProviderAccess(PrincipalMixin):
    """``back-office/facturation/``: the Provider's staff."""

    def allowed(self, principal: Principal) -> bool:
        return principal.is_provider


def file_response(
    content: bytes, filename: str, content_type: str, sha256: str = ""
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    if sha256:
        response["X-Content-SHA256"] = sha256
    return response


def csv_response(chunks: Iterator[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
