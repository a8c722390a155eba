"""SOAP 1.1 faults carrying the platform's stable error codes in their detail."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from lxml import etree

from guichet.core.context import current_request_id
from guichet.core.errors import GuichetError
from guichet.core.soap.envelope import FAULT, build_envelope, serialize

ERRORS_NS = "urn:guichet:errors"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT_TYPE = "text/xml; charset=utf-8"


def fault_language(language: str | None = None) -> str:
    """French unless English was asked for (the request's activated language)."""
    language = (language or get_language() or "fr").lower()
    return "en" if language.startswith("en") else "fr"


def fault_code(error: GuichetError) -> str:
    """``Client`` for the caller's mistakes (4xx), ``Server`` for ours (5xx), or a SOAP-defined one."""
    specific = getattr(error, "faultcode", None)
    if specific:
        return specific
    return "Server" if error.status >= 500 else "Client"


def build_fault(
    error: GuichetError,
    language: str | None = None,
    extra_detail: list[etree._Element] | None = None,
) -> etree._Element:
    """The whole envelope of a fault; ``detail`` holds ``g:error`` (see schemas/guichet-errors.xsd)."""
    language = fault_language(language)
    message = error.message(language)
    fault = etree.Element(FAULT)
    # faultcode/faultstring/detail are unqualified (SOAP 1.1 §4.4); the value of
    # faultcode is a QName in the envelope namespace, bound to "soap" by the envelope.
    etree.SubElement(fault, "faultcode").text = f"soap:{fault_code(error)}"
    faultstring = etree.SubElement(fault, "faultstring")
    faultstring.text = message
    faultstring.set(XML_LANG, language)
    detail = etree.SubElement(fault, "detail")
    detail.extend(extra_detail or [])
    entry = etree.SubElement(detail, f"{{{ERRORS_NS}}}error", nsmap={"g": ERRORS_NS})
    etree.SubElement(entry, f"{{{ERRORS_NS}}}code").text = error.code
    etree.SubElement(entry, f"{{{ERRORS_NS}}}message").text = message
    if error.field:
        etree.SubElement(entry, f"{{{ERRORS_NS}}}field").text = error.field
    etree.SubElement(entry, f"{{{ERRORS_NS}}}requestId").text = current_request_id()
    return build_envelope(fault)


def fault_response(
    error: GuichetError,
    *,
    status: int = 500,
    language: str | None = None,
    extra_detail: list[etree._Element] | None = None,
) -> HttpResponse:
    """An HTTP answer carrying a fault: 500 as SOAP 1.1 §6.2 and WS-I BP R1126 require."""
    response = HttpResponse(
        serialize(build_fault(error, language, extra_detail)),
        status=status,
        content_type=CONTENT_TYPE,
    )
    if error.status < 500:
        # SOAP forces HTTP 500 on the caller's mistakes too; without this Django would
        # log each one as a server error (and mail the admins). The view logs them.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
