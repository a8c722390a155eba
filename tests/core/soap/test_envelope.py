"""Envelope reading and fault building, without HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from django.utils import translation
from lxml import etree

from guichet.core import errors as core_errors
from guichet.core.context import reset_request_id, set_request_id
from guichet.core.errors import GuichetError
from guichet.core.soap import envelope, faults
from guichet.core.soap import errors as soap_errors
from guichet.core.soap.parsing import parse_xml

ENV = envelope.SOAP11_ENV
ERRORS_XSD = Path(faults.__file__).with_name("schemas") / "guichet-errors.xsd"


def wrap(inner: str, namespace: str = ENV) -> etree._Element:
    return parse_xml(f'<s:Envelope xmlns:s="{namespace}">{inner}</s:Envelope>'.encode())


def envelope_error(root: etree._Element) -> GuichetError:
    with pytest.raises(GuichetError) as caught:
        envelope.parse_envelope(root)
    return caught.value


def test_parse_envelope_with_and_without_header() -> None:
    parsed = envelope.parse_envelope(wrap('<s:Body><x:op xmlns:x="urn:x"/></s:Body>'))
    assert parsed.header is None
    assert parsed.header_entries() == []
    assert parsed.body.tag == "{urn:x}op"

    parsed = envelope.parse_envelope(
        wrap('<s:Header><h xmlns="urn:h"/></s:Header><s:Body> <op xmlns="urn:x"/> </s:Body>')
    )
    assert [entry.tag for entry in parsed.header_entries()] == ["{urn:h}h"]
    assert parsed.body.tag == "{urn:x}op"


@pytest.mark.parametrize(
    ("inner", "detail"),
    [
        ("", "soap:Body absent"),
        ('<s:Header/><x xmlns="urn:x"/>', "soap:Body absent"),
        ("<s:Body/>", "soap:Body vide"),
        ("<s:Body><a/><b/></s:Body>", "un seul élément"),
        ("<s:Body><a/></s:Body><s:Body><a/></s:Body>", "en trop"),
    ],
)
def test_bad_envelopes(inner: str, detail: str) -> None:
    error = envelope_error(wrap(inner))
    assert error.code == "SOAP-ENVELOPE"
    assert detail in error.message("fr")
    assert faults.fault_code(error) == "Client"


def test_root_that_is_not_an_envelope() -> None:
    error = envelope_error(parse_xml(b"<Body/>"))
    assert error.code == "SOAP-ENVELOPE"


def test_soap12_namespace_is_a_version_mismatch() -> None:
    error = envelope_error(wrap("<s:Body><a/></s:Body>", envelope.SOAP12_ENV))
    assert error.code == "SOAP-ENVELOPE"
    assert faults.fault_code(error) == "VersionMismatch"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ("", False),
        ('s:mustUnderstand="0"', False),
        ('s:mustUnderstand="1"', True),
        (f's:mustUnderstand="1" s:actor="{envelope.SOAP11_NEXT_ACTOR}"', True),
        ('s:mustUnderstand="1" s:actor="urn:someone-else"', False),
        ('mustUnderstand="1"', False),  # unqualified: not the SOAP attribute
    ],
)
def test_must_understand(attributes: str, expected: bool) -> None:
    parsed = envelope.parse_envelope(
        wrap(f'<s:Header><h xmlns="urn:h" {attributes}/></s:Header><s:Body><a/></s:Body>')
    )
    assert envelope.must_understand(parsed.header_entries()[0]) is expected


def test_fault_document_shape_and_schema() -> None:
    token = set_request_id("req-12345678")
    try:
        error = GuichetError(soap_errors.SCHEMA_INVALID, field="/a/b", reason="nope", path="/a/b")
        root = faults.build_fault(error, "fr")
    finally:
        reset_request_id(token)
    assert root.tag == envelope.ENVELOPE
    fault = root.find(f"{{{ENV}}}Body/{{{ENV}}}Fault")
    assert [child.tag for child in fault] == ["faultcode", "faultstring", "detail"]
    assert fault.findtext("faultcode") == "soap:Client"
    # The prefix used in faultcode's QName value is bound to the envelope namespace.
    assert fault.find("faultcode").nsmap["soap"] == ENV
    assert fault.findtext("faultstring") == (
        "Le message n'est pas conforme au schéma : nope (chemin /a/b)"
    )
    assert fault.find("faultstring").get(faults.XML_LANG) == "fr"
    detail = fault.find("detail")[0]
    # The detail keeps the contract published for integrators.
    xmlschema.XMLSchema(ERRORS_XSD).validate(detail)
    assert xmlschema.XMLSchema(ERRORS_XSD).to_dict(detail, strip_namespaces=True) == {
        "code": "SOAP-SCHEMA",
        "message": "Le message n'est pas conforme au schéma : nope (chemin /a/b)",
        "field": "/a/b",
        "requestId": "req-12345678",
    }


def test_fault_code_follows_the_status() -> None:
    assert faults.fault_code(GuichetError(core_errors.PERMISSION_DENIED)) == "Client"
    assert faults.fault_code(GuichetError(core_errors.INTERNAL_ERROR, request_id="r")) == "Server"
    assert faults.fault_code(GuichetError(soap_errors.OPERATION_UNAVAILABLE, operation="x")) == (
        "Server"
    )


def test_fault_language_follows_the_active_language() -> None:
    error = GuichetError(core_errors.PERMISSION_DENIED)
    with translation.override("en"):
        fault = faults.build_fault(error).find(f".//{{{ENV}}}Fault")
    assert fault.find("faultstring").get(faults.XML_LANG) == "en"
    assert fault.findtext("faultstring") == "You do not have the rights needed for this action."
    with translation.override("de"):
        fault = faults.build_fault(error).find(f".//{{{ENV}}}Fault")
    assert fault.find("faultstring").get(faults.XML_LANG) == "fr"


def test_fault_response_is_http_500_text_xml() -> None:
    response = faults.fault_response(GuichetError(core_errors.NOT_AUTHENTICATED))
    assert response.status_code == 500
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
