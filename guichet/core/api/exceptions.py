"""Every REST error answers in the TMF630 shape ``{code, reason, message, status}``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from guichet.core import errors
from guichet.core.context import current_request_id
from guichet.core.errors import ErrorDef, GuichetError

log = logging.getLogger(__name__)


def error_body(
    error: ErrorDef, message: str, *, property_path: str | None = None
) -> dict[str, Any]:
    """The TMF630 ``Error`` resource for one of our codes."""
    body: dict[str, Any] = {
        "@type": "Error",
        "code": error.code,
        "reason": error.reason,
        "message": message,
        "status": str(error.status),
        "referenceError": f"/api/v1/errors/{error.code}",
    }
    if property_path:
        body["propertyPath"] = property_path
    return body


def _flatten(detail: Any, prefix: str = "") -> list[tuple[str, str]]:
    """DRF validation details as (field path, message) pairs."""
    if isinstance(detail, dict):
        pairs: list[tuple[str, str]] = []
        for key, value in detail.items():
            path = key if key == "non_field_errors" or not prefix else f"{prefix}.{key}"
            pairs.extend(_flatten(value, prefix if key == "non_field_errors" else path))
        return pairs
    if isinstance(detail, list):
        pairs = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            pairs.extend(_flatten(value, f"{prefix}[{index}]" if nested else prefix))
        return pairs
    return [(prefix, str(detail))]


def _translate(exc: Exception) -> tuple[ErrorDef, str, str | None]:
    if isinstance(exc, GuichetError):
        return exc.error, exc.message(), exc.field
    if isinstance(exc, drf.ValidationError | DjangoValidationError):
        detail = exc.detail if isinstance(exc, drf.ValidationError) else exc.messages
        pairs = _flatten(detail)
        text = "; ".join(f"{path} : {msg}" if path else msg for path, msg in pairs)
        first = next((path for path, _ in pairs if path), None)
        return errors.VALIDATION_FAILED, errors.VALIDATION_FAILED.message(detail=text), first
    if isinstance(exc, drf.ParseError):
        return errors.BAD_REQUEST, errors.BAD_REQUEST.message(detail=str(exc.detail)), None
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return errors.NOT_AUTHENTICATED, errors.NOT_AUTHENTICATED.message(), None
    if isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        if (
            getattr(exc, "detail", None) is not None
            and getattr(exc.detail, "code", "") == errors.READ_ONLY.code
        ):
            return errors.READ_ONLY, errors.READ_ONLY.message(), None
        return errors.PERMISSION_DENIED, errors.PERMISSION_DENIED.message(), None
    if isinstance(exc, drf.NotFound | Http404):
        return errors.NOT_FOUND, errors.NOT_FOUND.message(), None
    if isinstance(exc, drf.MethodNotAllowed):
        method = getattr(exc, "args", [""])[0] if exc.args else ""
        return errors.METHOD_NOT_ALLOWED, errors.METHOD_NOT_ALLOWED.message(method=method), None
    if isinstance(exc, drf.NotAcceptable):
        return errors.NOT_ACCEPTABLE, errors.NOT_ACCEPTABLE.message(), None
    if isinstance(exc, drf.UnsupportedMediaType):
        media_type = exc.args[0] if exc.args else ""
        return (
            errors.UNSUPPORTED_MEDIA_TYPE,
            errors.UNSUPPORTED_MEDIA_TYPE.message(media_type=media_type),
            None,
        )
    if isinstance(exc, drf.Throttled):
        return errors.THROTTLED, errors.THROTTLED.message(wait=exc.wait or 1), None
    log.exception("unexpected error in API view")
    return (
        errors.INTERNAL_ERROR,
        errors.INTERNAL_ERROR.message(request_id=current_request_id()),
        None,
    )


def tmf_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler: every exception becomes a TMF630 error body; the transaction rolls back."""
    error, message, path = _translate(exc)
    set_rollback()
    response = Response(error_body(error, message, property_path=path), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="guichet"'
    if isinstance(exc, drf.Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


def json_error(request: HttpRequest, error: ErrorDef, **params: Any) -> JsonResponse:
    """The same body for errors raised outside DRF (unknown URL, server error)."""
    return JsonResponse(error_body(error, error.message(**params)), status=error.status)
