"""Hardened XML parsing of incoming SOAP messages (no DTD, no entities, no network, size-capped)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from lxml import etree

from guichet.core import errors as core_errors
from guichet.core.errors import GuichetError
from guichet.core.soap import errors

DEFAULT_MAX_BYTES = 1_048_576
_UNDECLARED_ENTITY = re.compile(r"Entity '[^']*' not defined")


def max_bytes() -> int:
    """The largest request body accepted, read at call time so tests and settings can change it."""
    return int(getattr(settings, "GUICHET_SOAP_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_size(length: int, limit: int | None = None) -> None:
    """Refuse (GEN-413) a body longer than the limit; called before any parsing."""
    limit = max_bytes() if limit is None else limit
    if length > limit:
        raise GuichetError(core_errors.PAYLOAD_TOO_LARGE, limit=limit)


def hardened_parser(target: Any = None) -> etree.XMLParser:
    """A parser that never loads a DTD, never expands an entity and never opens a URL."""
    # A new parser per message: lxml parser objects must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        # SOAP 1.1 §3 forbids processing instructions; dropping them is harmless.
        remove_pis=True,
        collect_ids=False,
        target=target,
    )


class _DoctypeFound(Exception):
    pass


class _PrologEnd(Exception):
    pass


class _PrologSniffer:
    """Parser target that stops at the DOCTYPE (refused) or at the first element (prolog clean)."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DoctypeFound

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        raise _PrologEnd

    def end(self, tag: str) -> None:  # pragma: no cover - never reached, start() stops first
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        return None


def has_doctype(data: bytes) -> bool:
    """Whether the prolog declares a DOCTYPE; only the prolog is read (SAX, stops early)."""
    # libxml2 reports the DOCTYPE before it reads the internal subset or tries the
    # external one: the refusal happens before any entity is even declared, in any
    # encoding the parser itself understands (a byte search would miss UTF-16).
    try:
        etree.fromstring(data, parser=hardened_parser(target=_PrologSniffer()))
    except _DoctypeFound:
        return True
    except (_PrologEnd, etree.XMLSyntaxError):
        return False
    return False


def parse_xml(data: bytes) -> etree._Element:
    """Parse a message with :func:`hardened_parser`; DOCTYPE or entities give SOAP-DTD."""
    if not data or not data.strip():
        raise GuichetError(errors.XML_MALFORMED, detail="message vide / empty message")
    if has_doctype(data):
        raise GuichetError(errors.DTD_REFUSED)
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        if _UNDECLARED_ENTITY.search(str(exc)):
            # A reference to an entity nobody declared is an entity attempt, not a typo.
            raise GuichetError(errors.DTD_REFUSED) from None
        raise GuichetError(errors.XML_MALFORMED, detail=_syntax_detail(exc)) from None
    # Belt and braces: the sniffer already refused these, the tree must agree.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise GuichetError(errors.DTD_REFUSED)
    if next(root.iter(etree.Entity), None) is not None:
        raise GuichetError(errors.DTD_REFUSED)
    return root


def _syntax_detail(exc: etree.XMLSyntaxError) -> str:
    """lxml's first error line (the message has no file name to hide)."""
    text = exc.msg or str(exc) or "?"
    return text.splitlines()[0][:300]
