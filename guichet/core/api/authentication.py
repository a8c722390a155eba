"""REST authentication shared by every API view."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


class PortalSessionAuthentication(SessionAuthentication):
    """The portal's session, usable by the portal's own scripts.

    Declaring an ``authenticate_header`` makes DRF answer 401 (not 403) to an
    anonymous call, as TMF630 expects. System credentials (API keys, client
    certificates) are added beside it by the identifiers issue.
    """

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="guichet"'
