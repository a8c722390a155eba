"""The HTTP door: WSDL serving, dispatch, faults and the refusals that protect the parser."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from lxml import etree

from guichet.core.soap import parsing
from tests.core.soap.conftest import ENDPOINT, NS, envelope, fault_of
from tests.core.soap.echo_service import CALLS

pytestmark = pytest.mark.urls("tests.core.soap.urls")

WSDL_ADDRESS = "wsdl:service/wsdl:port/soap11:address"
WSDL_NS = {
    "wsdl": "http://schemas.xmlsoap.org/wsdl/",
    "soap11": "http://schemas.xmlsoap.org/wsdl/soap/",
}
ECHO = "<e:echoRequest><e:text>{text}</e:text><e:count>{count}</e:count></e:echoRequest>"
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:e="urn:guichet:test:echo"><soap:Body><e:echoRequest><e:text>&xxe;</e:text>'
    b"<e:count>1</e:count></e:echoRequest></soap:Body></soap:Envelope>"
)
LAUGHS_DTD = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "lol"}">' for n in range(10)
)
LAUGHS = (
    f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{LAUGHS_DTD}]>\n'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:e="urn:guichet:test:echo"><soap:Body><e:echoRequest><e:text>&lol9;</e:text>'
    "<e:count>1</e:count></e:echoRequest></soap:Body></soap:Envelope>"
).encode()


def answer_of(response: Any) -> etree._Element:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    body = root.find("soap:Body", NS)
    assert body is not None
    return body[0]


# WSDL -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["?wsdl", "?WSDL", "?wsdl="])
def test_get_wsdl_rewrites_the_address_to_the_request_host(client: Client, query: str) -> None:
    response = client.get(ENDPOINT + query, HTTP_HOST="localhost:8000")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    wsdl = etree.fromstring(response.content)
    addresses = wsdl.xpath(WSDL_ADDRESS + "/@location", namespaces=WSDL_NS)
    assert addresses == ["http://localhost:8000/ws/test/echo"]
    # The rest of the contract is served untouched.
    assert wsdl.get("targetNamespace") == "urn:guichet:test:echo"
    assert wsdl.xpath("count(wsdl:portType/wsdl:operation)", namespaces=WSDL_NS) == 3


def test_dot_wsdl_url_serves_the_same_contract_with_the_endpoint_address(client: Client) -> None:
    response = client.get(ENDPOINT + ".wsdl", secure=True, HTTP_HOST="localhost")
    assert response.status_code == 200
    wsdl = etree.fromstring(response.content)
    assert wsdl.xpath(WSDL_ADDRESS + "/@location", namespaces=WSDL_NS) == [
        "https://localhost/ws/test/echo"
    ]


def test_wsdl_cache_does_not_leak_one_host_into_another(client: Client) -> None:
    client.get(ENDPOINT + "?wsdl", HTTP_HOST="localhost")
    response = client.get(ENDPOINT + "?wsdl", HTTP_HOST="127.0.0.1:9000")
    wsdl = etree.fromstring(response.content)
    assert wsdl.xpath(WSDL_ADDRESS + "/@location", namespaces=WSDL_NS) == [
        "http://127.0.0.1:9000/ws/test/echo"
    ]


# Calls ------------------------------------------------------------------------


def test_echo_call(post_soap: Callable[..., Any]) -> None:
    response = post_soap(
        envelope(ECHO.format(text="salut", count="0012")), action="urn:guichet:test:echo#echo"
    )
    answer = answer_of(response)
    assert answer.tag == "{urn:guichet:test:echo}echoResponse"
    assert answer.findtext("e:text", namespaces=NS) == "salut"
    assert answer.findtext("e:count", namespaces=NS) == "12"
    assert CALLS[-1]["payload"] == {"text": "salut", "count": 12}


def test_soapaction_is_optional_and_body_decides(post_soap: Callable[..., Any]) -> None:
    response = post_soap(envelope(ECHO.format(text="a", count=1)), SOAPAction='""')
    assert answer_of(response).findtext("e:text", namespaces=NS) == "a"


def test_unknown_header_is_ignored_unless_must_understand(post_soap: Callable[..., Any]) -> None:
    optional = '<x:trace xmlns:x="urn:other">1</x:trace>'
    response = post_soap(envelope(ECHO.format(text="a", count=1), header=optional))
    assert response.status_code == 200
    assert CALLS[-1]["header"] == {}

    mandatory = '<x:trace xmlns:x="urn:other" soap:mustUnderstand="1">1</x:trace>'
    response = post_soap(envelope(ECHO.format(text="a", count=1), header=mandatory))
    fault = fault_of(response)
    assert response.status_code == 500
    assert fault["faultcode"] == "soap:MustUnderstand"
    assert fault["code"] == "SOAP-HEADER"
    assert "{urn:other}trace" in fault["faultstring"]


def test_declared_header_marked_must_understand_is_processed(
    post_soap: Callable[..., Any],
) -> None:
    header = (
        '<e:context soap:mustUnderstand="1" soap:actor=""><e:caller>OPEA</e:caller></e:context>'
    )
    response = post_soap(envelope(ECHO.format(text="a", count=1), header=header))
    assert answer_of(response).findtext("e:caller", namespaces=NS) == "OPEA"
    assert CALLS[-1]["header"] == {"context": {"caller": "OPEA"}}


def test_declared_header_is_validated(post_soap: Callable[..., Any]) -> None:
    bad_header = "<e:context><e:nobody>x</e:nobody></e:context>"
    response = post_soap(envelope(ECHO.format(text="a", count=1), header=bad_header))
    fault = fault_of(response)
    assert fault["code"] == "SOAP-SCHEMA"
    assert fault["field"].startswith("/context")
    assert CALLS == []


def test_one_handler_missing_is_a_server_fault(post_soap: Callable[..., Any]) -> None:
    response = post_soap(
        envelope("<e:failRequest><e:mode>x</e:mode></e:failRequest>"), path="/ws/test/partial"
    )
    fault = fault_of(response)
    assert (fault["faultcode"], fault["code"]) == ("soap:Server", "SOAP-UNAVAILABLE")
    assert fault["faultstring"] == "L'opération fail n'est pas encore disponible sur ce service."


def test_one_way_operation_answers_202_without_body(post_soap: Callable[..., Any]) -> None:
    response = post_soap(envelope("<e:notifyRequest><e:event>up</e:event></e:notifyRequest>"))
    assert response.status_code == 202
    assert response.content == b""
    assert CALLS[-1]["payload"] == {"event": "up"}


def test_head_wsdl(client: Client) -> None:
    response = client.head(ENDPOINT + "?wsdl")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"


# Faults -----------------------------------------------------------------------


def test_fault_shape_http_500_french_by_default(post_soap: Callable[..., Any]) -> None:
    response = post_soap(envelope("<e:failRequest><e:mode>refuse</e:mode></e:failRequest>"))
    assert response.status_code == 500
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    fault = fault_of(response)
    assert fault == {
        "faultcode": "soap:Client",
        "faultstring": "Écho refusé : mode refuse",
        "lang": "fr",
        "code": "TEST-SOAP-409",
        "message": "Écho refusé : mode refuse",
        "field": "mode",
    }
    # The request id is in the detail, the same as the response header.
    root = etree.fromstring(response.content)
    request_id = root.findtext(".//g:requestId", namespaces=NS)
    assert request_id and request_id == response["X-Request-ID"]


def test_client_faults_are_not_logged_as_server_errors(
    post_soap: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    post_soap(envelope("<e:failRequest><e:mode>refuse</e:mode></e:failRequest>"))
    django_errors = [r for r in caplog.records if r.name == "django.request"]
    assert django_errors == []
    assert any("TEST-SOAP-409" in r.getMessage() for r in caplog.records)
    caplog.clear()
    post_soap(envelope("<e:failRequest><e:mode>crash</e:mode></e:failRequest>"))
    assert [r.levelname for r in caplog.records if r.name == "django.request"] == ["ERROR"]


def test_fault_in_english_when_asked(post_soap: Callable[..., Any]) -> None:
    response = post_soap(
        envelope("<e:failRequest><e:mode>refuse</e:mode></e:failRequest>"),
        **{"Accept-Language": "en"},
    )
    fault = fault_of(response)
    assert (fault["lang"], fault["faultstring"]) == ("en", "Echo refused: mode refuse")


def test_unexpected_exception_gives_gen_500_and_no_internals(
    post_soap: Callable[..., Any],
) -> None:
    response = post_soap(envelope("<e:failRequest><e:mode>crash</e:mode></e:failRequest>"))
    assert response.status_code == 500
    fault = fault_of(response)
    assert (fault["faultcode"], fault["code"]) == ("soap:Server", "GEN-500")
    assert response["X-Request-ID"] in fault["faultstring"]
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.parametrize("mode", ["off-contract", "missing"])
def test_response_off_contract_is_a_server_fault(
    post_soap: Callable[..., Any], mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = post_soap(envelope(f"<e:failRequest><e:mode>{mode}</e:mode></e:failRequest>"))
    fault = fault_of(response)
    assert (fault["faultcode"], fault["code"]) == ("soap:Server", "SOAP-RESPONSE")
    assert "does not conform to the schema" in caplog.text


# Refusals ---------------------------------------------------------------------


def test_xxe_is_refused_and_never_expanded(post_soap: Callable[..., Any]) -> None:
    response = post_soap(XXE, action="urn:guichet:test:echo#echo")
    assert response.status_code == 500
    fault = fault_of(response)
    assert (fault["faultcode"], fault["code"]) == ("soap:Client", "SOAP-DTD")
    assert b"root:" not in response.content
    assert b"/bin/" not in response.content
    assert CALLS == []


def test_billion_laughs_is_refused_quickly(post_soap: Callable[..., Any]) -> None:
    started = time.perf_counter()
    response = post_soap(LAUGHS)
    elapsed = time.perf_counter() - started
    fault = fault_of(response)
    assert fault["code"] == "SOAP-DTD"
    assert elapsed < 1.0
    assert b"lollollol" not in response.content
    assert CALLS == []


def test_oversized_body_is_refused_before_parsing(
    post_soap: Callable[..., Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GUICHET_SOAP_MAX_BYTES = 300
    parsed: list[bytes] = []
    monkeypatch.setattr(parsing, "parse_xml", lambda data: parsed.append(data))
    body = envelope(ECHO.format(text="x" * 400, count=1))
    response = post_soap(body)
    fault = fault_of(response)
    assert response.status_code == 500
    assert (fault["faultcode"], fault["code"]) == ("soap:Client", "GEN-413")
    assert "300 octets" in fault["faultstring"]
    assert parsed == []


def test_announced_length_over_the_limit_is_refused_unread(
    post_soap: Callable[..., Any], settings: Any
) -> None:
    settings.GUICHET_SOAP_MAX_BYTES = 1000
    response = post_soap(envelope(ECHO.format(text="a", count=1)), CONTENT_LENGTH="1001")
    assert fault_of(response)["code"] == "GEN-413"


def test_django_upload_cap_lower_than_ours_is_also_gen_413(
    post_soap: Callable[..., Any], settings: Any
) -> None:
    settings.GUICHET_SOAP_MAX_BYTES = 10_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post_soap(envelope(ECHO.format(text="x" * 200, count=1)))
    fault = fault_of(response)
    assert fault["code"] == "GEN-413"
    assert CALLS == []


def test_body_at_the_limit_is_accepted(post_soap: Callable[..., Any], settings: Any) -> None:
    body = envelope(ECHO.format(text="x", count=1))
    settings.GUICHET_SOAP_MAX_BYTES = len(body)
    assert post_soap(body).status_code == 200


def test_malformed_xml(post_soap: Callable[..., Any]) -> None:
    response = post_soap(b"<soap:Envelope><oops></soap:Envelope>")
    fault = fault_of(response)
    assert fault["code"] == "SOAP-XML"
    assert fault["faultstring"].startswith("Le message n'est pas un document XML bien formé")


def test_not_an_envelope(post_soap: Callable[..., Any]) -> None:
    response = post_soap(b'<e:echoRequest xmlns:e="urn:guichet:test:echo"/>')
    assert fault_of(response)["code"] == "SOAP-ENVELOPE"


def test_soap12_envelope_is_a_version_mismatch(post_soap: Callable[..., Any]) -> None:
    body = envelope(ECHO.format(text="a", count=1)).replace(
        b"http://schemas.xmlsoap.org/soap/envelope/", b"http://www.w3.org/2003/05/soap-envelope"
    )
    fault = fault_of(post_soap(body))
    assert (fault["faultcode"], fault["code"]) == ("soap:VersionMismatch", "SOAP-ENVELOPE")


def test_unknown_operation(post_soap: Callable[..., Any]) -> None:
    response = post_soap(envelope("<e:deleteEverything/>"))
    fault = fault_of(response)
    assert (fault["faultcode"], fault["code"]) == ("soap:Client", "SOAP-OPERATION")
    assert "{urn:guichet:test:echo}deleteEverything" in fault["faultstring"]


def test_soapaction_contradicting_the_body(post_soap: Callable[..., Any]) -> None:
    response = post_soap(
        envelope(ECHO.format(text="a", count=1)), action="urn:guichet:test:echo#fail"
    )
    assert fault_of(response)["code"] == "SOAP-OPERATION"
    assert CALLS == []


def test_schema_invalid_request_names_the_field(post_soap: Callable[..., Any]) -> None:
    response = post_soap(envelope(ECHO.format(text="a", count="douze")))
    fault = fault_of(response)
    assert (fault["faultcode"], fault["code"]) == ("soap:Client", "SOAP-SCHEMA")
    assert fault["field"] == "/echoRequest/count"
    assert "douze" in fault["faultstring"]
    assert "(chemin /echoRequest/count)" in fault["faultstring"]
    assert CALLS == []


def test_schema_missing_required_element(post_soap: Callable[..., Any]) -> None:
    response = post_soap(envelope("<e:echoRequest><e:text>a</e:text></e:echoRequest>"))
    fault = fault_of(response)
    assert fault["code"] == "SOAP-SCHEMA"
    assert fault["field"] == "/echoRequest"
    assert "count" in fault["faultstring"]


def test_wrong_content_type(post_soap: Callable[..., Any]) -> None:
    body = envelope(ECHO.format(text="a", count=1))
    response = post_soap(body, content_type="application/soap+xml; charset=utf-8")
    fault = fault_of(response)
    assert fault["code"] == "GEN-415"
    assert "application/soap+xml" in fault["faultstring"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_get_a_405_fault(client: Client, method: str) -> None:
    response = client.generic(method, ENDPOINT)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    fault = fault_of(response)
    assert fault["code"] == "GEN-405"
    assert method in fault["faultstring"]


def test_get_without_wsdl_and_post_on_dot_wsdl_are_405(client: Client) -> None:
    assert fault_of(client.get(ENDPOINT))["code"] == "GEN-405"
    response = client.generic("POST", ENDPOINT + ".wsdl", b"<x/>", content_type="text/xml")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_no_csrf_token_needed(post_soap: Callable[..., Any]) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.generic(
        "POST", ENDPOINT, envelope(ECHO.format(text="a", count=1)), content_type="text/xml"
    )
    assert response.status_code == 200


# Authentication hook ------------------------------------------------------------


def test_authenticate_hook_refuses_before_parsing(
    post_soap: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[bytes] = []
    monkeypatch.setattr(parsing, "parse_xml", lambda data: parsed.append(data))
    response = post_soap(envelope(ECHO.format(text="a", count=1)), path="/ws/test/locked")
    fault = fault_of(response)
    assert (fault["faultcode"], fault["code"]) == ("soap:Client", "GEN-401")
    assert parsed == []


def test_authenticate_hook_lets_the_right_caller_in(post_soap: Callable[..., Any]) -> None:
    response = post_soap(
        envelope(ECHO.format(text="a", count=1)),
        path="/ws/test/locked",
        **{"X-Test-Key": "open-sesame"},
    )
    assert answer_of(response).findtext("e:text", namespaces=NS) == "a"


def test_wsdl_of_the_locked_service_stays_public(client: Client) -> None:
    response = client.get("/ws/test/locked?wsdl", HTTP_HOST="localhost")
    assert response.status_code == 200
    wsdl = etree.fromstring(response.content)
    assert wsdl.xpath(WSDL_ADDRESS + "/@location", namespaces=WSDL_NS) == [
        "http://localhost/ws/test/locked"
    ]
