"""A contract-first SOAP service: a WSDL file, a service name, and one handler per operation."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import import_string
from lxml import etree
from xmlschema import XMLSchemaValidationError

from guichet.core import errors as core_errors
from guichet.core.context import current_request_id
from guichet.core.errors import GuichetError
from guichet.core.soap import codec, contract, envelope, errors, parsing

logger = logging.getLogger("guichet.core.soap")

Payload = dict[str, Any]
Header = dict[str, Any]
Handler = Callable[[HttpRequest, Payload, Header | None], Mapping[str, Any] | None]


def system_authenticator() -> Callable[[HttpRequest], Any]:
    """The function named by ``GUICHET_SOAP_AUTHENTICATOR`` (core names no domain app)."""
    return import_string(settings.GUICHET_SOAP_AUTHENTICATOR)


class SoapService:
    """One WSDL-described service; subclass and override :meth:`authenticate` to require credentials.

    ``handlers`` maps an operation name of the WSDL to
    ``handler(request, payload: dict, header: dict | None) -> dict``. The payload is
    the decoded body element (see :func:`codec.decode_element`); ``header`` maps the
    local name of each header entry the binding declares to its decoded value, and is
    ``None`` when the envelope has no Header.
    """

    def __init__(
        self,
        *,
        wsdl: str | Path,
        service_name: str,
        handlers: Mapping[str, Handler],
        port_name: str | None = None,
    ) -> None:
        self.wsdl_path = str(Path(wsdl).resolve())
        self.service_name = service_name
        self.port_name = port_name
        self.handlers = dict(handlers)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.service_name} ({self.wsdl_path})>"

    @cached_property
    def endpoint(self) -> contract.Endpoint:
        """The WSDL's operations, loaded on first use; handlers must name real operations."""
        endpoint = contract.resolve_endpoint(self.wsdl_path, self.service_name, self.port_name)
        unknown = sorted(set(self.handlers) - set(endpoint.operations))
        if unknown:
            raise ImproperlyConfigured(
                f"{self!r}: handlers for operations absent from the WSDL: {', '.join(unknown)}"
            )
        return endpoint

    def check(self) -> None:
        """Load the contract now (start-up or tests) so a broken WSDL fails loudly."""
        _ = self.endpoint

    # Hooks -----------------------------------------------------------------------

    #: True on every service that serves data: the caller must present a system credential.
    requires_credentials = False

    def response_header(
        self, request: HttpRequest, operation: contract.Operation, header: Header | None
    ) -> Mapping[str, Mapping[str, Any]]:
        """Header entries of the answer, by the local name the binding declares for the output
        (none by default); each is encoded and validated like the body."""
        return {}

    def fault_details(self, error: GuichetError) -> list[etree._Element]:
        """Elements added to a fault's ``detail`` beside ``g:error`` (none by default): the
        contract's own fault element, for clients generated from it."""
        return []

    def authenticate(self, request: HttpRequest) -> None:
        """Check the caller before the body is even read; raise :class:`GuichetError` to refuse.

        A service with ``requires_credentials`` hands the request to the function named by
        ``GUICHET_SOAP_AUTHENTICATOR`` (API key or client certificate, the same check as the
        REST door); it sets ``request.user``/``request.auth`` for the handlers, raises the
        credential's own refusal, or answers None when no credential was presented.
        """
        if not self.requires_credentials:
            return
        if system_authenticator()(request) is None:
            raise GuichetError(core_errors.NOT_AUTHENTICATED)

    # Processing ------------------------------------------------------------------

    def wsdl(self, location: str) -> bytes:
        """The WSDL document, with its soap:address pointing at ``location``."""
        return contract.render_wsdl(self.wsdl_path, self.service_name, location)

    def find_operation(self, body: etree._Element, soap_action: str | None) -> contract.Operation:
        """The operation whose input element is the body's element (SOAPAction must agree)."""
        operation = self.endpoint.by_input.get(body.tag)
        if operation is None:
            raise GuichetError(errors.UNKNOWN_OPERATION, detail=f"élément {body.tag} non attendu")
        action = (soap_action or "").strip().strip('"')
        if action and operation.soap_action and action != operation.soap_action:
            # The body and the SOAPAction name two different things: refuse rather than guess.
            raise GuichetError(
                errors.UNKNOWN_OPERATION,
                detail=f"SOAPAction {action!r} ne correspond pas à l'élément {body.tag}",
            )
        return operation

    def decode_header(
        self, operation: contract.Operation, message: envelope.Envelope
    ) -> Header | None:
        """Decode the header entries the binding declares; refuse unknown mustUnderstand ones."""
        if message.header is None:
            return None
        header: Header = {}
        for entry in message.header_entries():
            declaration = operation.input_headers.get(entry.tag)
            if declaration is None:
                if envelope.must_understand(entry):
                    raise envelope.SoapMustUnderstand(
                        errors.HEADER_NOT_UNDERSTOOD, header=entry.tag
                    )
                continue
            # soap:mustUnderstand/actor/encodingStyle belong to SOAP, not to the
            # entry's schema type: validating them against it would refuse good calls.
            for name in [name for name in entry.attrib if name.startswith(envelope.SOAP_ATTR)]:
                del entry.attrib[name]
            header[etree.QName(entry).localname] = codec.decode_element(declaration, entry)
        return header

    def handle(self, request: HttpRequest, data: bytes, soap_action: str | None) -> bytes | None:
        """Run one request body through parse → dispatch → handler → encode; faults raise.

        Returns the response envelope, or ``None`` for a one-way operation.
        """
        message = envelope.parse_envelope(parsing.parse_xml(data))
        operation = self.find_operation(message.body, soap_action)
        header = self.decode_header(operation, message)
        payload = codec.decode_element(operation.input_element, message.body)
        handler = self.handlers.get(operation.name)
        if handler is None:
            raise GuichetError(errors.OPERATION_UNAVAILABLE, operation=operation.name)
        request.soap_operation = operation.name  # type: ignore[attr-defined]
        result = handler(request, payload, header)
        if operation.output_element is None:
            return None
        body = self.encode(operation, result)
        entries = [
            self.encode_header(operation, name, value)
            for name, value in self.response_header(request, operation, header).items()
        ]
        return envelope.serialize(envelope.build_envelope(body, entries))

    def encode_header(
        self, operation: contract.Operation, name: str, value: Mapping[str, Any]
    ) -> etree._Element:
        """One output header entry; an entry the binding does not declare is our bug."""
        declaration = operation.output_headers.get(name)
        if declaration is None:
            raise ImproperlyConfigured(f"{self!r}: {operation.name} declares no header {name}")
        try:
            return codec.encode_element(declaration, value)
        except XMLSchemaValidationError as exc:
            logger.error("SOAP %s.%s: header %s off-contract: %s", self.service_name,
                         operation.name, name, exc)  # fmt: skip
            raise GuichetError(errors.RESPONSE_INVALID, request_id=current_request_id()) from None

    def encode(
        self, operation: contract.Operation, result: Mapping[str, Any] | None
    ) -> etree._Element:
        """The output element for a handler's result; a result off-contract is our fault."""
        assert operation.output_element is not None
        try:
            return codec.encode_element(operation.output_element, result)
        except XMLSchemaValidationError as exc:
            logger.error(
                "SOAP %s.%s: response does not conform to the schema: %s",
                self.service_name,
                operation.name,
                exc,
            )
            raise GuichetError(errors.RESPONSE_INVALID, request_id=current_request_id()) from None
