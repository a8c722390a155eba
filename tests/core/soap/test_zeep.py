"""A client generated from our own WSDL (zeep) works against the endpoint, faults included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import zeep.exceptions
from lxml import etree

from tests.core.soap.conftest import NS, DjangoTestClientAdapter
from tests.core.soap.echo_service import CALLS

pytestmark = pytest.mark.urls("tests.core.soap.urls")
WSDL_URL = "http://guichet.localhost:8443/ws/test/echo?wsdl"


@pytest.fixture
def echo_client(zeep_client: Callable[[str], Any], settings: Any) -> Any:
    settings.ALLOWED_HOSTS = ["guichet.localhost"]
    return zeep_client(WSDL_URL)


def test_wsdl_address_is_the_request_host(echo_client: Any) -> None:
    port = echo_client.wsdl.services["EchoService"].ports["EchoPort"]
    assert port.binding_options["address"] == "http://guichet.localhost:8443/ws/test/echo"


def test_echo_round_trip_decodes_every_type(
    echo_client: Any, zeep_adapter: DjangoTestClientAdapter
) -> None:
    at = dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    result = echo_client.service.echo(
        text="Bonjour à tous <&>",
        count=42,
        day=dt.date(2024, 2, 29),
        at=at,
        amount=Decimal("12.50"),
        item=[{"label": "premier", "rank": 1}, {"label": "second", "rank": 2}],
    )
    assert result.text == "Bonjour à tous <&>"
    assert result.count == 42
    assert result.day == dt.date(2024, 2, 29)
    assert result.at == at
    assert result.amount == Decimal("12.50")
    assert [(item.label, item.rank) for item in result.item] == [("premier", 1), ("second", 2)]
    assert result.caller is None
    # What the handler received: plain Python values, lists for repeatable elements.
    payload = CALLS[-1]["payload"]
    assert payload == {
        "text": "Bonjour à tous <&>",
        "count": 42,
        "day": dt.date(2024, 2, 29),
        "at": at,
        "amount": Decimal("12.50"),
        "item": [{"@rank": 1, "label": "premier"}, {"@rank": 2, "label": "second"}],
    }
    assert CALLS[-1]["header"] is None
    # zeep sent the SOAPAction declared in the WSDL, which the endpoint checked.
    sent = zeep_adapter.sent[-1]
    assert sent.headers["SOAPAction"] == '"urn:guichet:test:echo#echo"'


def test_echo_without_optional_values(echo_client: Any) -> None:
    result = echo_client.service.echo(text="seul", count=-7)
    assert (result.text, result.count, result.day, result.item) == ("seul", -7, None, [])


def test_declared_soap_header_reaches_the_handler(echo_client: Any) -> None:
    context = echo_client.get_element("{urn:guichet:test:echo}context")
    result = echo_client.service.echo(
        text="x", count=1, _soapheaders=[context(caller="OPEA-système")]
    )
    assert result.caller == "OPEA-système"
    assert CALLS[-1]["header"] == {"context": {"caller": "OPEA-système"}}


def test_guichet_error_becomes_a_client_fault_with_our_code(echo_client: Any) -> None:
    with pytest.raises(zeep.exceptions.Fault) as caught:
        echo_client.service.fail(mode="refuse")
    fault = caught.value
    assert fault.code.endswith("Client")
    assert fault.message == "Écho refusé : mode refuse"
    assert fault.detail.findtext("g:error/g:code", namespaces=NS) == "TEST-SOAP-409"
    assert fault.detail.findtext("g:error/g:field", namespaces=NS) == "mode"


def test_unexpected_exception_is_a_server_fault_without_traceback(
    echo_client: Any, zeep_adapter: DjangoTestClientAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(zeep.exceptions.Fault) as caught:
        echo_client.service.fail(mode="crash")
    fault = caught.value
    assert fault.code.endswith("Server")
    assert fault.detail.findtext("g:error/g:code", namespaces=NS) == "GEN-500"
    body = etree.tostring(fault.detail).decode()
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    # …but the log has it, for the support team.
    assert "secret internal detail" in caplog.text


def test_one_way_operation(echo_client: Any, zeep_adapter: DjangoTestClientAdapter) -> None:
    assert echo_client.service.notify(event="maintenance") is None
    assert CALLS[-1]["payload"] == {"event": "maintenance"}
    assert zeep_adapter.sent[-1].url == "http://guichet.localhost:8443/ws/test/echo"
