"""Loading a WSDL 1.1 contract (document/literal) once per file, and serving it back."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from lxml import etree
from xmlschema import XsdElement
from xmlschema.extras.wsdl import Wsdl11Document

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP11_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP_HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"


@dataclass(frozen=True)
class Operation:
    """One document/literal operation: the elements it reads and writes, and its SOAPAction."""

    name: str
    soap_action: str
    input_element: XsdElement
    output_element: XsdElement | None
    # Clark name → declaration of the header entries the binding declares for the input.
    input_headers: Mapping[str, XsdElement] = field(default_factory=dict)
    # Local name → declaration of the header entries the binding declares for the output.
    output_headers: Mapping[str, XsdElement] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    """The operations of one wsdl:service (through its SOAP 1.1 port), indexed for dispatch."""

    service_name: str
    port_name: str
    operations: Mapping[str, Operation]
    by_input: Mapping[str, Operation]


@functools.cache
def load_document(path: str) -> Wsdl11Document:
    """The parsed WSDL and its embedded/imported schemas, built once per file."""
    # allow="local": an xs:import may read files, never the network — a contract must
    # not depend on a third-party server (the same setting then applies to decoding).
    return Wsdl11Document(path, allow="local")


@functools.cache
def load_tree(path: str) -> etree._ElementTree:
    """The WSDL as an lxml tree, kept to serve it with a rewritten soap:address."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(path, parser=parser)


def clear_caches() -> None:
    """Forget every loaded contract (tests, or a reload after editing a WSDL)."""
    load_document.cache_clear()
    load_tree.cache_clear()


def resolve_endpoint(path: str, service_name: str, port_name: str | None = None) -> Endpoint:
    """Index the operations of ``service_name`` by name and by input element."""
    document = load_document(path)
    service = _find_by_local_name(document.services, service_name, "wsdl:service", path)
    ports = {
        name: port
        for name, port in service.ports.items()
        if port.soap_location is not None and (port_name is None or name == port_name)
    }
    if not ports:
        raise ImproperlyConfigured(
            f"{path}: no SOAP 1.1 port{f' {port_name!r}' if port_name else ''} "
            f"in service {service_name!r}"
        )
    name, port = next(iter(ports.items()))
    binding = port.binding
    if binding.soap_style == "rpc":
        raise ImproperlyConfigured(f"{path}: binding {binding.name} is rpc; only document")
    if binding.soap_transport not in (None, SOAP_HTTP_TRANSPORT):
        raise ImproperlyConfigured(f"{path}: transport {binding.soap_transport} is not HTTP")

    operations: dict[str, Operation] = {}
    by_input: dict[str, Operation] = {}
    for wsdl_operation in binding.operations.values():
        operation = _operation(wsdl_operation, path)
        if operation.input_element.name in by_input:
            # Dispatch is by the body's element: two operations cannot share one.
            raise ImproperlyConfigured(
                f"{path}: operations {by_input[operation.input_element.name].name!r} and "
                f"{operation.name!r} read the same element {operation.input_element.name}"
            )
        operations[operation.name] = operation
        by_input[operation.input_element.name] = operation
    return Endpoint(
        service_name=service_name, port_name=name, operations=operations, by_input=by_input
    )


def _operation(wsdl_operation: object, path: str) -> Operation:
    name = wsdl_operation.local_name  # type: ignore[attr-defined]
    if wsdl_operation.soap_style == "rpc":  # type: ignore[attr-defined]
        raise ImproperlyConfigured(f"{path}: operation {name!r} is rpc; only document")
    wsdl_input = wsdl_operation.input  # type: ignore[attr-defined]
    wsdl_output = wsdl_operation.output  # type: ignore[attr-defined]
    if wsdl_input is None:
        raise ImproperlyConfigured(f"{path}: operation {name!r} has no input")
    for message_ref in (wsdl_input, wsdl_output):
        soap_body = getattr(message_ref, "soap_body", None)
        if soap_body is not None and soap_body.use not in (None, "literal"):
            raise ImproperlyConfigured(f"{path}: operation {name!r} is not literal")
    headers = {
        header.part.name: header.part
        for header in wsdl_input.soap_headers
        if isinstance(header.part, XsdElement)
    }
    output_headers = {
        header.part.local_name: header.part
        for header in (wsdl_output.soap_headers if wsdl_output is not None else [])
        if isinstance(header.part, XsdElement)
    }
    return Operation(
        name=name,
        soap_action=wsdl_operation.soap_action or "",  # type: ignore[attr-defined]
        input_element=_body_element(wsdl_input, name, path),
        output_element=_body_element(wsdl_output, name, path) if wsdl_output else None,
        input_headers=headers,
        output_headers=output_headers,
    )


def _body_element(message_ref: object, operation: str, path: str) -> XsdElement:
    """The single element part carried in the body (document/literal, WS-I BP R2201)."""
    message = message_ref.message  # type: ignore[attr-defined]
    parts = dict(message.parts)
    soap_body = message_ref.soap_body  # type: ignore[attr-defined]
    wanted = soap_body.get("parts") if soap_body is not None else None
    if wanted:
        parts = {name: part for name, part in parts.items() if name in wanted.split()}
    # Parts sent as headers are not in the body.
    for header in message_ref.soap_headers:  # type: ignore[attr-defined]
        if header.message is message:
            parts.pop(header.get("part"), None)
    elements = [part for part in parts.values() if isinstance(part, XsdElement)]
    if len(elements) != 1 or len(parts) != 1:
        raise ImproperlyConfigured(
            f"{path}: operation {operation!r} must carry exactly one element part in its body"
        )
    return elements[0]


def _find_by_local_name(items: Mapping[str, object], name: str, kind: str, path: str) -> object:
    for qname, item in items.items():
        if etree.QName(qname).localname == name:
            return item
    raise ImproperlyConfigured(f"{path}: no {kind} named {name!r}")


def render_wsdl(path: str, service_name: str, location: str) -> bytes:
    """The WSDL with every SOAP 1.1 address of ``service_name`` set to ``location``."""
    tree = copy.deepcopy(load_tree(path))
    addresses = tree.getroot().xpath(
        "wsdl:service[@name=$name]/wsdl:port/soap:address",
        namespaces={"wsdl": WSDL_NS, "soap": WSDL_SOAP11_NS},
        name=service_name,
    )
    for address in addresses:
        address.set("location", location)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
