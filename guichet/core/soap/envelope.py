"""SOAP 1.1 envelopes: reading the Header and Body of a request, wrapping an answer."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from guichet.core.errors import GuichetError
from guichet.core.soap import errors

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
SOAP11_NEXT_ACTOR = "http://schemas.xmlsoap.org/soap/actor/next"
ENVELOPE = f"{{{SOAP11_ENV}}}Envelope"
HEADER = f"{{{SOAP11_ENV}}}Header"
BODY = f"{{{SOAP11_ENV}}}Body"
FAULT = f"{{{SOAP11_ENV}}}Fault"
SOAP_ATTR = f"{{{SOAP11_ENV}}}"
MUST_UNDERSTAND = f"{{{SOAP11_ENV}}}mustUnderstand"
ACTOR = f"{{{SOAP11_ENV}}}actor"
NSMAP = {"soap": SOAP11_ENV}


class SoapVersionMismatch(GuichetError):
    """An envelope in another SOAP version's namespace (faultcode VersionMismatch)."""

    faultcode = "VersionMismatch"


class SoapMustUnderstand(GuichetError):
    """A mustUnderstand header we do not process (faultcode MustUnderstand)."""

    faultcode = "MustUnderstand"


@dataclass(frozen=True)
class Envelope:
    """A parsed SOAP 1.1 request: its header entries and the one element of its body."""

    header: etree._Element | None
    body: etree._Element

    def header_entries(self) -> list[etree._Element]:
        """The header's child elements (empty when there is no Header)."""
        if self.header is None:
            return []
        return [child for child in self.header if isinstance(child.tag, str)]


def parse_envelope(root: etree._Element) -> Envelope:
    """Check the SOAP 1.1 envelope shape and return its header and body element."""
    if not isinstance(root.tag, str) or etree.QName(root).localname != "Envelope":
        raise GuichetError(errors.NOT_AN_ENVELOPE, detail=f"racine {_name(root)}")
    if root.tag != ENVELOPE:
        # SOAP 1.1 §4.4: an envelope in another namespace is a version mismatch.
        raise SoapVersionMismatch(
            errors.NOT_AN_ENVELOPE, detail=f"espace de noms {etree.QName(root).namespace!r}"
        )
    children = [child for child in root if isinstance(child.tag, str)]
    header = None
    if children and children[0].tag == HEADER:
        header = children.pop(0)
    if not children or children[0].tag != BODY:
        raise GuichetError(errors.NOT_AN_ENVELOPE, detail="élément soap:Body absent")
    body = children[0]
    extra = [child for child in children[1:] if child.tag in (HEADER, BODY)]
    if extra:
        raise GuichetError(errors.NOT_AN_ENVELOPE, detail=f"élément {_name(extra[0])} en trop")
    entries = [child for child in body if isinstance(child.tag, str)]
    if not entries:
        raise GuichetError(errors.NOT_AN_ENVELOPE, detail="soap:Body vide")
    if len(entries) > 1:
        # Document/literal (WS-I BP R2201): exactly one element in the body.
        raise GuichetError(errors.NOT_AN_ENVELOPE, detail="soap:Body doit contenir un seul élément")
    return Envelope(header=header, body=entries[0])


def must_understand(entry: etree._Element) -> bool:
    """Whether a header entry addressed to us demands to be processed (SOAP 1.1 §4.2.3)."""
    actor = entry.get(ACTOR)
    if actor not in (None, "", SOAP11_NEXT_ACTOR):
        return False  # addressed to another node: not ours to refuse
    return (entry.get(MUST_UNDERSTAND) or "").strip() in ("1", "true")


def build_envelope(
    body_element: etree._Element | None = None, header_entries: list[etree._Element] | None = None
) -> etree._Element:
    """An empty SOAP 1.1 envelope, with ``body_element`` appended to its Body (and
    ``header_entries``, if any, in a Header)."""
    envelope = etree.Element(ENVELOPE, nsmap=NSMAP)
    if header_entries:
        header = etree.SubElement(envelope, HEADER)
        header.extend(header_entries)
    body = etree.SubElement(envelope, BODY)
    if body_element is not None:
        body.append(body_element)
    return envelope


def serialize(element: etree._Element) -> bytes:
    """UTF-8 bytes with an XML declaration, as sent on the wire."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def _name(element: etree._Element) -> str:
    return str(element.tag) if isinstance(element.tag, str) else "?"
