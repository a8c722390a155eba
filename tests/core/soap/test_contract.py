"""Loading WSDL contracts: operations found, caching per file, configuration mistakes loud."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

from guichet.core.errors import GuichetError
from guichet.core.soap import SoapService, contract
from tests.core.soap.echo_service import ECHO_NS, ECHO_WSDL, echo, make_service


def test_operations_of_the_echo_contract() -> None:
    endpoint = make_service().endpoint
    assert endpoint.port_name == "EchoPort"
    assert set(endpoint.operations) == {"echo", "fail", "notify"}
    assert endpoint.operations["notify"].output_element is None
    assert endpoint.operations["notify"].soap_action == ""
    echo_op = endpoint.operations["echo"]
    assert echo_op.soap_action == "urn:guichet:test:echo#echo"
    assert echo_op.input_element.name == f"{{{ECHO_NS}}}echoRequest"
    assert echo_op.output_element.name == f"{{{ECHO_NS}}}echoResponse"
    assert list(echo_op.input_headers) == [f"{{{ECHO_NS}}}context"]
    assert endpoint.by_input[f"{{{ECHO_NS}}}failRequest"].name == "fail"
    assert endpoint.operations["fail"].input_headers == {}


def test_document_is_loaded_once_per_file() -> None:
    contract.clear_caches()
    first, second = make_service(), make_service()
    assert first.endpoint is not second.endpoint
    assert contract.load_document.cache_info().misses == 1
    assert first.endpoint.operations["echo"].input_element is (
        second.endpoint.operations["echo"].input_element
    )


def test_find_operation_by_body_and_soapaction() -> None:
    service = make_service()
    body = etree.Element(f"{{{ECHO_NS}}}echoRequest")
    assert service.find_operation(body, None).name == "echo"
    assert service.find_operation(body, '"urn:guichet:test:echo#echo"').name == "echo"
    assert service.find_operation(body, '""').name == "echo"
    with pytest.raises(GuichetError) as caught:
        service.find_operation(body, "urn:guichet:test:echo#fail")
    assert caught.value.code == "SOAP-OPERATION"
    with pytest.raises(GuichetError) as caught:
        service.find_operation(etree.Element("{urn:other}echoRequest"), None)
    assert caught.value.code == "SOAP-OPERATION"


def test_handler_for_an_operation_absent_from_the_wsdl_is_refused() -> None:
    service = make_service({"echo": echo, "ecoh": echo})
    with pytest.raises(ImproperlyConfigured, match="ecoh"):
        service.check()


def test_unknown_service_name_is_refused() -> None:
    service = SoapService(wsdl=ECHO_WSDL, service_name="Nope", handlers={})
    with pytest.raises(ImproperlyConfigured, match="Nope"):
        service.check()


def test_rpc_style_is_refused(tmp_path: Path) -> None:
    rpc = tmp_path / "rpc.wsdl"
    rpc.write_text(
        ECHO_WSDL.read_text(encoding="utf-8").replace('style="document"', 'style="rpc"'),
        encoding="utf-8",
    )
    with pytest.raises(ImproperlyConfigured, match="rpc"):
        SoapService(wsdl=rpc, service_name="EchoService", handlers={}).check()


def test_render_wsdl_only_touches_the_address() -> None:
    path = str(ECHO_WSDL.resolve())
    served = etree.fromstring(contract.render_wsdl(path, "EchoService", "https://h/ws/x"))
    original = etree.parse(path).getroot()
    location = "wsdl:service/wsdl:port/soap:address/@location"
    ns = {"wsdl": contract.WSDL_NS, "soap": contract.WSDL_SOAP11_NS}
    assert served.xpath(location, namespaces=ns) == ["https://h/ws/x"]
    assert original.xpath(location, namespaces=ns) == ["http://localhost/ws/test/echo"]
    # The cached tree is not modified by serving.
    assert contract.load_tree(path).getroot().xpath(location, namespaces=ns) == [
        "http://localhost/ws/test/echo"
    ]
