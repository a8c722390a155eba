"""The hardened parser: DOCTYPE and entities refused in every form, never expanded or fetched."""

from __future__ import annotations

import time
from typing import Any

import pytest
from lxml import etree

from guichet.core.errors import GuichetError
from guichet.core.soap import parsing


def refusal(data: bytes) -> str:
    with pytest.raises(GuichetError) as caught:
        parsing.parse_xml(data)
    return caught.value.code


def test_plain_document_parses_and_loses_comments_and_pis() -> None:
    root = parsing.parse_xml(b'<?xml version="1.0"?><a><!-- c --><?pi x?>t&amp;&#233;<b/></a>')
    assert root.tag == "a"
    assert root.text == "t&é"
    assert [child.tag for child in root] == ["b"]


@pytest.mark.parametrize(
    "data",
    [
        # XXE in text, in an attribute, through a parameter entity, an external DTD.
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a b="&x;"/>',
        b'<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]><a/>',
        b'<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>',
        b'<!DOCTYPE a PUBLIC "-//X//Y" "file:///etc/passwd"><a/>',
        # Harmless-looking DOCTYPEs are refused too: SOAP 1.1 §3 forbids them.
        b"<!DOCTYPE a><a/>",
        b'<!DOCTYPE a [<!ENTITY x "internal">]><a>&x;</a>',
        # The same attack in UTF-16, where a byte search for "<!DOCTYPE" would fail.
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x SYSTEM '
        '"file:///etc/passwd">]><a>&x;</a>'.encode("utf-16"),
        # An entity nobody declared.
        b"<a>&x;</a>",
    ],
)
def test_doctype_and_entities_are_refused(data: bytes) -> None:
    assert refusal(data) == "SOAP-DTD"


def test_billion_laughs_is_refused_without_expansion() -> None:
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    data = f"<!DOCTYPE z [{entities}]><z>&l9;</z>".encode()
    started = time.perf_counter()
    assert refusal(data) == "SOAP-DTD"
    assert time.perf_counter() - started < 0.5


def test_external_dtd_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    # A resolver would be asked for the DTD if the parser tried to load it.
    asked: list[Any] = []

    class Spy(etree.Resolver):
        def resolve(self, url: str, pubid: str | None, context: Any) -> Any:
            asked.append(url)
            return self.resolve_string("spied", context)

    original = parsing.hardened_parser

    def spied(target: Any = None) -> etree.XMLParser:
        parser = original(target)
        parser.resolvers.add(Spy())
        return parser

    # Control: a careless parser does ask the resolver for the same document.
    careless = etree.XMLParser(load_dtd=True, resolve_entities=True)
    careless.resolvers.add(Spy())
    control = etree.fromstring(
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/hostname">]><a>&x;</a>', careless
    )
    assert asked == ["file:///etc/hostname"]
    assert control.text == "spied"
    asked.clear()

    monkeypatch.setattr(parsing, "hardened_parser", spied)
    assert refusal(b'<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>') == "SOAP-DTD"
    assert refusal(b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/hostname">]><a>&x;</a>') == (
        "SOAP-DTD"
    )
    assert asked == []


@pytest.mark.parametrize(
    "data", [b"", b"   ", b"<a>", b"<a></b>", b"<a>x & y</a>", b"not xml", b"<a/><b/>"]
)
def test_malformed_xml(data: bytes) -> None:
    assert refusal(data) == "SOAP-XML"


def test_malformed_detail_is_lxml_first_line() -> None:
    with pytest.raises(GuichetError) as caught:
        parsing.parse_xml(b"<a></b>")
    assert "mismatch" in caught.value.message("en")
    assert "\n" not in caught.value.message("en")


def test_cdata_mentioning_a_doctype_is_fine() -> None:
    root = parsing.parse_xml(b"<a><![CDATA[<!DOCTYPE html><p>&nbsp;</p>]]></a>")
    assert root.text == "<!DOCTYPE html><p>&nbsp;</p>"


def test_deep_nesting_is_capped() -> None:
    # huge_tree=False keeps libxml2's depth limit: no stack blow-up on the server.
    data = b"<a>" * 5000 + b"</a>" * 5000
    assert refusal(data) == "SOAP-XML"


def test_check_size_uses_the_setting_at_call_time(settings: Any) -> None:
    settings.GUICHET_SOAP_MAX_BYTES = 10
    parsing.check_size(10)
    with pytest.raises(GuichetError) as caught:
        parsing.check_size(11)
    assert caught.value.code == "GEN-413"
    assert (
        caught.value.message("fr") == "Le message dépasse la taille maximale acceptée (10 octets)."
    )
    del settings.GUICHET_SOAP_MAX_BYTES
    assert parsing.max_bytes() == 1_048_576
