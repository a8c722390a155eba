"""Fixtures and helpers of the e-RDV SOAP tests (no test here): an operator subscribed to e-RDV
with the FTTH contract, a person who may book acting through a real API key, and a zeep client
generated from the WSDL /ws/rdv serves. Import the fixtures by name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import zeep.exceptions
from django.utils import timezone
from lxml import etree

from guichet.accounts.models import Role, User
from tests.accounts.credential_support import key_of
from tests.accounts.people_support import give_profile, subscribe
from tests.eligibility.test_soap_support import Caller, give_wholesale, soap_client
from tests.factories import make_person

__all__ = ["soap_client"]
PATH = "/ws/rdv"
INTEROP = "http://interop-fibre.fr"
G = "urn:guichet:errors"


def rdv_caller(admin: User, login: str) -> Caller:
    """A person of ``admin``'s operator who may book, with a key scoped to e-RDV."""
    operator = admin.operator
    subscribe(operator, "e-rdv")
    give_wholesale(operator, "ftth")
    person = make_person(login, operator, Role.MEMBER)
    give_profile(person, "RDV", ["e-rdv:read", "e-rdv:book"])
    key = key_of(admin, scopes=("e-rdv",))
    return Caller(key.token, login, operator.arcep_code)


@pytest.fixture
def soap_a(admin_a: User) -> Caller:
    return rdv_caller(admin_a, "si.rdv.a")


@pytest.fixture
def rdv(soap_client: Callable[..., Any], soap_a: Caller) -> Any:
    return soap_client(PATH, soap_a)


def entete(siren: str) -> dict[str, Any]:
    return {
        "versionWS": "5.0",
        "horodatageRequete": timezone.now().replace(microsecond=0),
        "sirenOC": siren,
        "sirenOI": "200000000",
    }


def call_full(client: Any, operation: str, siren: str, **payload: Any) -> Any:
    """One operation with the EnteteType header of ``siren``: zeep answers ``{header, body}``
    (the binding declares an output header)."""
    headers = {"EnteteType": entete(siren)}
    return getattr(client.service, operation)(**payload, _soapheaders=headers)


def call(client: Any, operation: str, siren: str, **payload: Any) -> Any:
    """The body of one operation's answer."""
    return call_full(client, operation, siren, **payload).body


def search(client: Any, siren: str, pto: str, first: date, last: date | None = None) -> Any:
    return call(
        client,
        "rechercheCreneauxLibres",
        siren,
        typeIntervention="E",
        natureProduit="FTTH_ACCES",
        segmentMarche="GP",
        technicalId=pto,
        codeInsee="79191",
        dateDebut=timezone.make_aware(
            timezone.datetime.combine(first, timezone.datetime.min.time())
        ),
        dateFin=timezone.make_aware(
            timezone.datetime.combine(
                last or first, timezone.datetime.max.time().replace(microsecond=0)
            )
        ),
    )


def reserve(client: Any, siren: str, id_creneau: str, **extra: Any) -> Any:
    return call(
        client,
        "reservationCreneau",
        siren,
        natureProduit="FTTH_ACCES",
        segmentMarche="GP",
        codeInsee="79191",
        idCreneau=id_creneau,
        **extra,
    )


def fault(call_: Callable[[], Any]) -> dict[str, Any]:
    """The g:error code and Interop's InfoErreurType of a fault zeep raised."""
    with pytest.raises(zeep.exceptions.Fault) as caught:
        call_()
    detail = caught.value.detail
    assert detail is not None
    info = detail.find(f"{{{INTEROP}}}InfoErreurType")
    return {
        "code": detail.findtext(f"{{{G}}}error/{{{G}}}code"),
        "field": detail.findtext(f"{{{G}}}error/{{{G}}}field"),
        "codeErreur": int(info.findtext("codeErreur")) if info is not None else None,
        "messageErreur": info.findtext("messageErreur") if info is not None else None,
        "xml": etree.tostring(detail),
    }
