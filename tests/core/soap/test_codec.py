"""Schema-driven decoding and encoding, on the echo contract's elements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree
from xmlschema import XMLSchemaValidationError

from guichet.core.errors import GuichetError
from guichet.core.soap import codec, contract
from tests.core.soap.echo_service import ECHO_NS, ECHO_WSDL

ELEMENTS = contract.load_document(str(ECHO_WSDL.resolve())).schema.maps.elements
REQUEST = ELEMENTS[f"{{{ECHO_NS}}}echoRequest"]
RESPONSE = ELEMENTS[f"{{{ECHO_NS}}}echoResponse"]


def request(inner: str) -> etree._Element:
    return etree.fromstring(f'<x:echoRequest xmlns:x="{ECHO_NS}">{inner}</x:echoRequest>')


def test_decode_gives_local_names_python_types_and_lists() -> None:
    element = request(
        "<x:text> a b </x:text><x:count>+7</x:count><x:day>2024-02-29</x:day>"
        "<x:at>2024-12-31T24:00:00Z</x:at><x:amount>0.10</x:amount>"
        '<x:item rank="3"><x:label>seul</x:label></x:item>'
    )
    assert codec.decode_element(REQUEST, element) == {
        "text": " a b ",
        "count": 7,
        "day": dt.date(2024, 2, 29),
        "at": dt.datetime(2025, 1, 1, 0, 0, tzinfo=dt.UTC),
        "amount": Decimal("0.10"),
        # A repeatable element is a list even with one occurrence.
        "item": [{"@rank": 3, "label": "seul"}],
    }


def test_decode_empty_string_and_naive_datetime() -> None:
    payload = codec.decode_element(
        REQUEST, request("<x:text/><x:count>1</x:count><x:at>2024-05-01T08:30:00.25</x:at>")
    )
    assert payload["at"] == dt.datetime(2024, 5, 1, 8, 30, 0, 250000)
    assert payload["text"] == ""
    assert "day" not in payload


@pytest.mark.parametrize(
    ("inner", "path", "reason_part"),
    [
        ("<x:text>a</x:text><x:count>1.5</x:count>", "/echoRequest/count", "1.5"),
        ("<x:text>a</x:text><x:count>99999999999</x:count>", "/echoRequest/count", ""),
        ("<x:text>a</x:text><x:count>1</x:count><x:day>2024-02-30</x:day>", "/echoRequest/day", ""),
        ("<x:count>1</x:count>", "/echoRequest", "text"),
        ("<x:text>a</x:text><x:count>1</x:count><x:bogus/>", "/echoRequest", "bogus"),
        (
            '<x:text>a</x:text><x:count>1</x:count><x:item rank="z"><x:label>l</x:label></x:item>',
            "/echoRequest/item",
            "z",
        ),
        (
            '<x:text>a</x:text><x:count>1</x:count><x:item rank="1"><x:label/></x:item>',
            "/echoRequest/item/label",
            "",
        ),
    ],
)
def test_decode_refusals_carry_reason_and_path(inner: str, path: str, reason_part: str) -> None:
    with pytest.raises(GuichetError) as caught:
        codec.decode_element(REQUEST, request(inner))
    error = caught.value
    assert error.code == "SOAP-SCHEMA"
    assert error.field == path
    message = error.message("fr")
    assert message.endswith(f"(chemin {path})")
    assert reason_part in message
    assert "{" not in message  # Clark names are cleaned up for humans


def test_decode_refuses_dates_python_cannot_hold() -> None:
    with pytest.raises(GuichetError) as caught:
        codec.decode_element(
            REQUEST, request("<x:text>a</x:text><x:count>1</x:count><x:day>12024-01-01</x:day>")
        )
    assert caught.value.code == "SOAP-SCHEMA"
    assert caught.value.field == "/echoRequest/day"


XSI = "http://www.w3.org/2001/XMLSchema-instance"


def test_decode_ignores_schema_location_hints_and_xsi_attributes() -> None:
    element = etree.fromstring(
        f'<x:echoRequest xmlns:x="{ECHO_NS}" xmlns:xsi="{XSI}" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'xsi:schemaLocation="{ECHO_NS} http://127.0.0.1:9/evil.xsd">'
        '<x:text xsi:type="xs:string">a</x:text><x:count>1</x:count></x:echoRequest>'
    )
    assert codec.decode_element(REQUEST, element) == {"text": "a", "count": 1}


@pytest.mark.parametrize("xsi", ['xsi:type="x:Nope"', 'xsi:type="xs:int"', 'xsi:nil="true"'])
def test_decode_bad_xsi_attributes_are_schema_errors(xsi: str) -> None:
    element = etree.fromstring(
        f'<x:echoRequest xmlns:x="{ECHO_NS}" xmlns:xsi="{XSI}" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f"<x:text {xsi}>a</x:text><x:count>1</x:count></x:echoRequest>"
    )
    with pytest.raises(GuichetError) as caught:
        codec.decode_element(REQUEST, element)
    assert caught.value.code == "SOAP-SCHEMA"
    assert caught.value.field.startswith("/echoRequest")


def test_encode_from_python_values() -> None:
    element = codec.encode_element(
        RESPONSE,
        {
            "text": "été",
            "count": 3,
            "day": dt.date(2024, 1, 2),
            "at": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
            "amount": Decimal("1.50"),
            "item": ({"@rank": 1, "label": "a"},),
            "caller": None,  # None = leave the optional element out
        },
    )
    ns = {"t": ECHO_NS}
    assert element.tag == f"{{{ECHO_NS}}}echoResponse"
    assert element.nsmap == {"tns": ECHO_NS}
    assert [etree.QName(child).localname for child in element] == [
        "text", "count", "day", "at", "amount", "item",
    ]  # fmt: skip
    assert element.findtext("t:day", namespaces=ns) == "2024-01-02"
    assert element.findtext("t:at", namespaces=ns) == "2024-01-02T03:04:05+00:00"
    assert element.findtext("t:amount", namespaces=ns) == "1.50"
    assert element.find("t:item", namespaces=ns).get("rank") == "1"
    # A decoded request can be sent back as is: the two directions are symmetric.
    decoded = codec.decode_element(RESPONSE, element)
    assert decoded["at"] == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert codec.encode_element(RESPONSE, decoded).findtext("t:text", namespaces=ns) == "été"


@pytest.mark.parametrize(
    "data",
    [
        {"text": "a"},  # count missing
        {"text": "a", "count": "douze"},
        {"text": "a", "count": 1, "extra": "x"},
        {"text": "a", "count": 1, "item": [{"@rank": 1, "label": ""}]},  # minLength 1
    ],
)
def test_encode_refuses_off_contract_data(data: dict) -> None:
    with pytest.raises(XMLSchemaValidationError):
        codec.encode_element(RESPONSE, data)


def test_strip_prefixes() -> None:
    assert codec.strip_prefixes("/e:a/{urn:x}b/c[2]/@ns1:d") == "/a/b/c[2]/@d"
