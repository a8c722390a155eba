"""Fixtures and helpers of the SOAP door tests (eligibilite and tao): no test here.

An operator (OPEA) subscribed to Éligibilité FTTE and TAO, holding the FTTH and FTTE
wholesale contracts, one person acting through a real API key, a small inventory, and a
zeep client generated from the WSDL our endpoint serves. Import the fixtures by name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests
from django.test import Client
from django.utils import timezone
from lxml import etree

from guichet.accounts.models import Role, User
from guichet.core.soap.envelope import SOAP11_ENV
from guichet.network.choices import ImportKind, ImportStatus, LineState
from guichet.network.models import Building, ImportJob, Line
from guichet.operators.models import Operator
from guichet.operators.services import wholesale
from tests.accounts.credential_support import AGENT_ADDRESS, key_of
from tests.accounts.people_support import give_profile, subscribe
from tests.core.soap.conftest import DjangoTestClientAdapter
from tests.factories import SYSTEM, make_person
from tests.network.factories import make_building, make_pm

HOST = "http://testserver"
ELIGIBILITE_NS = "urn:guichet:eligibilite:1.0"
TAO_NS = "urn:guichet:tao:1.0"
NS = {"soap": SOAP11_ENV, "g": "urn:guichet:errors", "e": ELIGIBILITE_NS, "t": TAO_NS}
EXTRACTED_AT = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


@dataclass
class Caller:
    """How one person of an operator calls: the key, the login, the operator code."""

    token: str
    login: str
    operator_code: str

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-On-Behalf-Of": self.login}


def give_wholesale(operator: Operator, *offers: str) -> None:
    for offer in offers:
        wholesale.register_wholesale_contract(
            actor=SYSTEM, operator=operator, offer=offer, signed_on=date(2025, 1, 2)
        )


def system_caller(
    admin: User,
    login: str,
    *,
    services: tuple[str, ...] = ("eligibilite-ftte", "tao"),
    wholesale: tuple[str, ...] = ("ftth", "ftte"),
) -> Caller:
    """A person of ``admin``'s operator with the rights of ``services`` and a key for them."""
    operator = admin.operator
    subscribe(operator, *services)
    give_wholesale(operator, *wholesale)
    person = make_person(login, operator, Role.MEMBER)
    give_profile(person, "SI", [f"{code}:read" for code in services])
    key = key_of(admin, scopes=services or ("eligibilite-ftte",))
    return Caller(key.token, login, operator.arcep_code)


def inventory_loaded(at: datetime = EXTRACTED_AT) -> ImportJob:
    """A finished inventory load: its end is the data's extraction date (GEN-03)."""
    return ImportJob.objects.create(
        kind=ImportKind.GENERATED,
        status=ImportStatus.SUCCEEDED,
        source_name="ipe.csv",
        started_at=at,
        finished_at=at,
    )


def live_line(building: Building, operator: Operator, index: int = 0, ref: str = "") -> Line:
    premises = list(building.premises.order_by("pk"))[index]
    return Line.objects.create(
        reference=ref or f"LGN-{operator.arcep_code}-{premises.pk:05d}",
        operator=operator,
        premises=premises,
        state=LineState.ACTIVE,
        nd=None,
    )


@pytest.fixture
def caller_a(admin_a: User) -> Caller:
    """OPEA subscribed to both services, holding both contracts, calling with a real key."""
    return system_caller(admin_a, "si.a")


@pytest.fixture
def block(db: None) -> Building:
    """A deployed building of 3 dwellings (staircase A), PM open since 2025-04-15."""
    inventory_loaded()
    pm = make_pm("DSNU-PM-00042", first_provision_on=date(2025, 1, 15))
    return make_building(pm, premises=3, cabling_on=date(2025, 2, 1))


def entete(operator_code: str = "OPEA", request_id: str | None = None) -> dict[str, Any]:
    return {
        "VersionWS": "1.0",
        "HorodatageRequete": timezone.now().replace(microsecond=0),
        "OperateurCommercial": {"Nom": "Opérateur A", "Identifiant": operator_code},
        "IdentifiantRequete": request_id or str(uuid.uuid4()),
    }


@pytest.fixture
def soap_client() -> Callable[..., Any]:
    """A zeep client built from ``<path>?wsdl``, calling with ``caller``'s key (or none)."""
    import zeep
    from zeep.transports import Transport

    def build(path: str, caller: Caller | None = None, address: str = AGENT_ADDRESS) -> Any:
        session = requests.Session()
        adapter = DjangoTestClientAdapter(Client(REMOTE_ADDR=address))
        session.mount("http://", adapter)
        if caller is not None:
            session.headers.update(caller.headers())
        client = zeep.Client(f"{HOST}{path}?wsdl", transport=Transport(session=session))
        client.adapter = adapter  # type: ignore[attr-defined]
        return client

    return build


@pytest.fixture
def post_xml() -> Callable[..., Any]:
    """POST raw bytes to a SOAP endpoint as ``caller`` (``text/xml``)."""

    def post(path: str, data: bytes, caller: Caller | None = None, **headers: str) -> Any:
        if caller is not None:
            headers = {**caller.headers(), **headers}
        return Client(REMOTE_ADDR=AGENT_ADDRESS).generic(
            "POST", path, data, content_type="text/xml; charset=utf-8", headers=headers
        )

    return post


def fault_of(response: Any) -> dict[str, str | None]:
    """faultcode and the g:error detail of a fault answer (which must be a 500, never a trace)."""
    assert response.status_code == 500, response.content
    assert b"Traceback" not in response.content
    root = etree.fromstring(response.content)
    fault = root.find("soap:Body/soap:Fault", NS)
    assert fault is not None, response.content
    return {
        "faultcode": fault.findtext("faultcode"),
        "code": fault.findtext("detail/g:error/g:code", namespaces=NS),
        "field": fault.findtext("detail/g:error/g:field", namespaces=NS),
        "message": fault.findtext("detail/g:error/g:message", namespaces=NS),
    }


def envelope(body: str, namespace: str = ELIGIBILITE_NS) -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP11_ENV}" xmlns:e="{namespace}">'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def entete_xml(operator_code: str = "OPEA") -> str:
    return (
        "<e:Entete><e:VersionWS>1.0</e:VersionWS>"
        "<e:HorodatageRequete>2026-11-27T10:00:00+01:00</e:HorodatageRequete>"
        f"<e:OperateurCommercial><e:Identifiant>{operator_code}</e:Identifiant>"
        "</e:OperateurCommercial>"
        f"<e:IdentifiantRequete>{uuid.uuid4()}</e:IdentifiantRequete></e:Entete>"
    )
