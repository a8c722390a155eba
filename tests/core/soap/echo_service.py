"""A test-only SOAP service over ``echo.wsdl``: echoes its input, or fails on demand."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.http import HttpRequest

from guichet.core import errors as core_errors
from guichet.core.errors import GuichetError, define
from guichet.core.soap import SoapService

ECHO_WSDL = Path(__file__).with_name("echo.wsdl")
ECHO_NS = "urn:guichet:test:echo"

ECHO_REFUSED = define(
    "TEST-SOAP-409",
    409,
    "Conflict",
    "Écho refusé : {why}",
    "Echo refused: {why}",
)

CALLS: list[dict[str, Any]] = []


def echo(request: HttpRequest, payload: dict[str, Any], header: dict[str, Any] | None) -> dict:
    CALLS.append({"payload": payload, "header": header})
    answer = dict(payload)
    if header and "context" in header:
        answer["caller"] = header["context"]["caller"]
    return answer


def fail(request: HttpRequest, payload: dict[str, Any], header: dict[str, Any] | None) -> dict:
    mode = payload["mode"]
    if mode == "refuse":
        raise GuichetError(ECHO_REFUSED, field="mode", why="mode refuse")
    if mode == "crash":
        raise RuntimeError("secret internal detail /srv/guichet/settings.py")
    if mode == "off-contract":
        return {"never": "x", "unexpected": 1}
    if mode == "missing":
        return {}
    return {"never": mode}


def notify(request: HttpRequest, payload: dict[str, Any], header: dict[str, Any] | None) -> None:
    CALLS.append({"payload": payload, "header": header})


def make_service(handlers: Mapping[str, Any] | None = None) -> SoapService:
    """A fresh service over the echo contract (tests may pass their own handlers)."""
    return SoapService(
        wsdl=ECHO_WSDL,
        service_name="EchoService",
        handlers={"echo": echo, "fail": fail, "notify": notify} if handlers is None else handlers,
    )


class LockedEchoService(SoapService):
    """The same contract, closed to callers without the test key (the authenticate hook)."""

    def authenticate(self, request: HttpRequest) -> None:
        if request.headers.get("X-Test-Key") != "open-sesame":
            raise GuichetError(core_errors.NOT_AUTHENTICATED)
        request.test_caller = "key-holder"  # type: ignore[attr-defined]


ECHO_SERVICE = make_service()
LOCKED_SERVICE = LockedEchoService(
    wsdl=ECHO_WSDL, service_name="EchoService", handlers={"echo": echo, "fail": fail}
)
# Only "echo" is implemented: "fail" exists in the WSDL but has no handler yet.
PARTIAL_SERVICE = make_service({"echo": echo})
