"""Fixtures: POSTing envelopes through Django's test client, and a zeep client wired to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from lxml import etree
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from guichet.core.soap.envelope import SOAP11_ENV
from tests.core.soap.echo_service import CALLS, ECHO_NS

ENDPOINT = "/ws/test/echo"
NS = {"soap": SOAP11_ENV, "g": "urn:guichet:errors", "e": ECHO_NS}


def envelope(body: str, header: str = "") -> bytes:
    """A SOAP 1.1 envelope around ``body`` (XML text using the ``e`` prefix)."""
    header_xml = f"<soap:Header>{header}</soap:Header>" if header else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP11_ENV}" xmlns:e="{ECHO_NS}">'
        f"{header_xml}<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def fault_of(response: Any) -> dict[str, str]:
    """faultcode, faultstring, its language and the g:error detail of a fault answer."""
    root = etree.fromstring(response.content)
    fault = root.find("soap:Body/soap:Fault", NS)
    assert fault is not None, response.content
    return {
        "faultcode": fault.findtext("faultcode"),
        "faultstring": fault.findtext("faultstring"),
        "lang": fault.find("faultstring").get("{http://www.w3.org/XML/1998/namespace}lang"),
        "code": fault.findtext("detail/g:error/g:code", namespaces=NS),
        "message": fault.findtext("detail/g:error/g:message", namespaces=NS),
        "field": fault.findtext("detail/g:error/g:field", namespaces=NS),
    }


@pytest.fixture(autouse=True)
def _forget_calls() -> None:
    CALLS.clear()


@pytest.fixture
def post_soap(client: Client) -> Callable[..., Any]:
    """POST raw bytes as ``text/xml`` to the echo endpoint (or ``path``)."""

    def post(
        data: bytes,
        *,
        path: str = ENDPOINT,
        action: str | None = None,
        content_type: str = "text/xml; charset=utf-8",
        **headers: str,
    ) -> Any:
        if action is not None:
            headers["SOAPAction"] = f'"{action}"'
        return client.generic("POST", path, data, content_type=content_type, headers=headers)

    return post


class DjangoTestClientAdapter(BaseAdapter):
    """A requests transport adapter answering from Django's test client (no live server)."""

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(request)
        url = urlsplit(request.url)
        target = url.path + (f"?{url.query}" if url.query else "")
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() not in {"content-type", "content-length", "host"}
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        django_response = self.client.generic(
            request.method,
            target,
            body,
            content_type=request.headers.get("Content-Type", ""),
            secure=url.scheme == "https",
            headers=headers,
            HTTP_HOST=url.netloc,
        )
        response = requests.Response()
        response.status_code = django_response.status_code
        response._content = django_response.content
        response.headers = CaseInsensitiveDict(dict(django_response.items()))
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def zeep_adapter(client: Client) -> DjangoTestClientAdapter:
    return DjangoTestClientAdapter(client)


@pytest.fixture
def zeep_client(zeep_adapter: DjangoTestClientAdapter) -> Callable[[str], Any]:
    """Build a zeep client from the WSDL our endpoint serves at ``wsdl_url``."""
    import zeep
    from zeep.transports import Transport

    def build(wsdl_url: str) -> Any:
        session = requests.Session()
        session.mount("http://", zeep_adapter)
        session.mount("https://", zeep_adapter)
        return zeep.Client(wsdl_url, transport=Transport(session=session))

    return build
