"""API keys through the real REST door (SEC-01..03, SEC-08, IAM-05, IAM-09)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from guichet.accounts.api.authentication import authenticate_system_request
from guichet.accounts.choices import CredentialAccess, IdentifierState
from guichet.accounts.models import ApiKey, Role, User
from guichet.accounts.services import credentials as services
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.core.errors import GuichetError
from guichet.operators import services as operators_services
from guichet.operators.models import Operator
from tests.accounts.credential_support import *  # noqa: F403
from tests.accounts.credential_support import AGENT_ADDRESS, as_person, key_of
from tests.api_checks import assert_tmf_error
from tests.core.soap.conftest import envelope, fault_of
from tests.factories import SYSTEM, make_person

pytestmark = pytest.mark.django_db
PROBE = "/api/v1/test/eligibility"


def operator_url(operator: Operator) -> str:
    return f"/api/v1/operators/{operator.pk}"


def refusals(code: str) -> Any:
    return AuditRecord.objects.filter(action="accounts.credential.refused", after__code=code)


# SEC-01: the key ------------------------------------------------------------------


def test_sec_01_key_shown_once_and_only_its_hash_stored(admin_a: User, api_as: Any) -> None:
    client = api_as(admin_a)
    response = client.post(
        "/api/v1/api-keys",
        {
            "label": "SI commandes",
            "access": "read_write",
            "scopes": ["e-rdv"],
            "allowed_networks": ["198.51.100.0/28", "2001:db8::1"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    match = re.fullmatch(r"(gk_[a-z0-9]{8})\.([A-Za-z0-9_-]{43})", body["key"])
    assert match and body["prefix"] == match.group(1)
    key = ApiKey.objects.get(pk=body["id"])
    assert key.secret_hash == hashlib.sha256(match.group(2).encode()).hexdigest()
    assert match.group(2) not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    assert key.allowed_networks == ["198.51.100.0/28", "2001:db8::1"]
    assert key.created_by == admin_a.username
    assert timedelta(days=364) < key.expires_at - timezone.now() <= timedelta(days=365)
    # Never again: not in the detail, not in the list, not in the journal.
    detail = client.get(f"/api/v1/api-keys/{key.pk}").json()
    assert "key" not in detail and "secret_hash" not in detail
    assert match.group(2) not in client.get("/api/v1/api-keys").content.decode()
    entry = AuditRecord.objects.get(action="accounts.apikey.create", object_id=str(key.pk))
    assert "secret_hash" not in entry.after and match.group(2) not in str(entry.after)


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_01_key_authenticates_a_call_on_behalf_of_a_person(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    new = key_of(admin_a)
    response = system_api(token=new.token, on_behalf_of="agent.a").get(PROBE)
    assert response.status_code == 200, response.content
    other_header = system_api(on_behalf_of="agent.a")
    other_header.credentials(
        HTTP_X_API_KEY=new.token, REMOTE_ADDR=AGENT_ADDRESS, HTTP_X_ON_BEHALF_OF="agent.a"
    )
    assert other_header.get(PROBE).json() == response.json()
    assert response.json() == {
        "login": "agent.a",
        "operator": "OPEA",
        "credential": f"apikey:{new.key.prefix}",
        "channel": "rest",
        "can_write": True,
        "rights": ["e-rdv:book", "e-rdv:read", "eligibilite-ftte:read"],
    }


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_01_wrong_secret_or_unknown_key_is_401(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    new = key_of(admin_a)
    wrong = new.key.prefix + "." + "x" * 43
    response = system_api(token=wrong, on_behalf_of="agent.a").get(PROBE)
    assert_tmf_error(response, 401, "SEC-020")
    assert response["WWW-Authenticate"] == 'Bearer realm="guichet"'
    assert refusals("SEC-020").get().credential == f"apikey:{new.key.prefix}"
    for token in ("gk_zzzzzzzz." + "x" * 43, "gk_short.secret", "gk_"):
        assert_tmf_error(system_api(token=token, on_behalf_of="agent.a").get(PROBE), 401, "SEC-020")
    assert refusals("SEC-020").count() == 1  # unknown keys name no credential to journal
    # A bearer token that is not ours is simply not an API key: anonymous.
    anonymous = system_api(on_behalf_of="agent.a")
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer eyJhbGciOi")
    assert_tmf_error(anonymous.get(PROBE), 401, "GEN-401")


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_01_revoked_and_expired_keys_are_401(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    revoked, expired = key_of(admin_a, label="ancienne"), key_of(admin_a, label="expirée")
    services.revoke_credential(actor=as_person(admin_a), credential=revoked.key, reason="remplacée")
    # A year and a day later for this one (only the clock moved).
    ApiKey.objects.filter(pk=expired.key.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = system_api(token=revoked.token, on_behalf_of="agent.a").get(PROBE)
    assert_tmf_error(response, 401, "SEC-021")
    response = system_api(token=expired.token, on_behalf_of="agent.a").get(PROBE)
    assert_tmf_error(response, 401, "SEC-022")
    assert refusals("SEC-021").count() == refusals("SEC-022").count() == 1


def test_sec_01_read_only_key_cannot_write(
    admin_a: User, operator_a: Operator, system_api: Any
) -> None:
    reading = key_of(admin_a, access=CredentialAccess.READ)
    client = system_api(token=reading.token, on_behalf_of=admin_a.username)
    assert client.get(operator_url(operator_a)).status_code == 200
    response = client.patch(operator_url(operator_a), {"billing_contact_name": "X"}, format="json")
    assert_tmf_error(response, 403, "GEN-403-RO")


def test_sec_01_read_write_key_does_not_lift_a_read_only_person(
    admin_a: User, reader_a: User, operator_a: Operator, system_api: Any
) -> None:
    client = system_api(token=key_of(admin_a).token, on_behalf_of=reader_a.username)
    response = client.patch(operator_url(operator_a), {"billing_contact_name": "X"}, format="json")
    assert_tmf_error(response, 403, "GEN-403-RO")


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_01_scopes_limit_the_person_rights(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    only_rdv = key_of(admin_a, scopes=("e-rdv",))
    response = system_api(token=only_rdv.token, on_behalf_of="agent.a").get(PROBE)
    body = assert_tmf_error(response, 403, "GEN-403-RIGHT")
    assert "eligibilite-ftte:read" in body["message"]
    # The key opens nothing the person lacks: admin.a holds no eligibility right.
    both = key_of(admin_a)
    response = system_api(token=both.token, on_behalf_of=admin_a.username).get(PROBE)
    assert_tmf_error(response, 403, "GEN-403-RIGHT")
    response = system_api(token=both.token, on_behalf_of="agent.a").get(PROBE)
    assert response.status_code == 200


def test_sec_01_a_system_credential_never_manages_credentials(
    admin_a: User, system_api: Any
) -> None:
    client = system_api(token=key_of(admin_a).token, on_behalf_of=admin_a.username)
    assert_tmf_error(client.get("/api/v1/api-keys"), 403, "SEC-011")
    payload = {"label": "x", "scopes": ["e-rdv"], "allowed_networks": ["192.0.2.1"]}
    assert_tmf_error(client.post("/api/v1/api-keys", payload, format="json"), 403, "SEC-011")


# SEC-02: the declared access point -------------------------------------------------


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_02_call_from_an_undeclared_address_is_refused_and_journaled(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    new = key_of(admin_a, networks=("198.51.100.0/28", "2001:db8::/64"))
    response = system_api(token=new.token, on_behalf_of="agent.a", address="203.0.113.9").get(
        PROBE, HTTP_X_REQUEST_ID="req-sec-02-0001"
    )
    body = assert_tmf_error(response, 403, "SEC-023")
    assert "203.0.113.9" in body["message"]
    entry = refusals("SEC-023").get()
    assert entry.ip == "203.0.113.9"
    assert entry.credential == f"apikey:{new.key.prefix}"
    assert entry.operator_code == "OPEA" and entry.channel == "rest"
    assert entry.request_id == "req-sec-02-0001"
    assert entry.after["on_behalf_of"] == "agent.a"
    for address in ("198.51.100.15", "2001:db8::42"):
        response = system_api(token=new.token, on_behalf_of="agent.a", address=address).get(PROBE)
        assert response.status_code == 200, (address, response.content)
    assert verify()[1] == []


def test_sec_02_a_credential_declares_at_least_one_network(admin_a: User, api_as: Any) -> None:
    client = api_as(admin_a)
    base = {"label": "SI", "scopes": ["e-rdv"]}
    cases = [
        ([], "SEC-013"),
        (["0.0.0.0/0"], "SEC-014"),
        (["::/0"], "SEC-014"),
        (["intranet"], "SEC-014"),
    ]
    for networks, code in cases:
        response = client.post(
            "/api/v1/api-keys", {**base, "allowed_networks": networks}, format="json"
        )
        body = assert_tmf_error(response, 422, code)
        assert body["propertyPath"] == "allowed_networks"
    response = client.post(
        "/api/v1/api-keys",
        {**base, "scopes": ["inconnu"], "allowed_networks": ["192.0.2.1"]},
        format="json",
    )
    assert_tmf_error(response, 422, "SEC-015")
    assert not ApiKey.objects.exists()


# SEC-03 / IAM-09: on behalf of a person ----------------------------------------------


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_03_a_call_without_on_behalf_of_is_refused(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    new = key_of(admin_a)
    assert_tmf_error(system_api(token=new.token).get(PROBE), 400, "SEC-024")
    assert_tmf_error(system_api(token=new.token, on_behalf_of=" ").get(PROBE), 400, "SEC-024")
    assert refusals("SEC-024").count() == 2


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_03_on_behalf_of_must_be_an_active_identifier_of_the_same_operator(
    admin_a: User, admin_b: User, person_a: User, system_api: Any
) -> None:
    new = key_of(admin_a)
    pending = make_person("en.attente.a", admin_a.operator, Role.MEMBER)
    gone = make_person("parti.a", admin_a.operator, Role.MEMBER)
    User.objects.filter(pk=pending.pk).update(state=IdentifierState.PENDING)
    User.objects.filter(pk=gone.pk).update(state=IdentifierState.DEACTIVATED)
    for login in (admin_b.username, "inconnu", pending.username, gone.username, "AGENT.A"):
        response = system_api(token=new.token, on_behalf_of=login).get(PROBE)
        body = assert_tmf_error(response, 403, "SEC-025")
        assert login in body["message"]
    assert refusals("SEC-025").count() == 5


def test_iam_09_journal_records_the_person_and_the_credential(
    admin_a: User, operator_a: Operator, system_api: Any
) -> None:
    new = key_of(admin_a)
    client = system_api(token=new.token, on_behalf_of=admin_a.username)
    response = client.patch(
        operator_url(operator_a),
        {"security_contact_email": "soc@opea.example"},
        format="json",
        HTTP_X_REQUEST_ID="req-iam-09-0001",
    )
    assert response.status_code == 200, response.content
    entry = AuditRecord.objects.get(action="operators.operator.update")
    assert (entry.person_id, entry.person_login) == (admin_a.pk, "admin.a")
    assert entry.credential == f"apikey:{new.key.prefix}"
    assert (entry.operator_code, entry.channel, entry.ip) == ("OPEA", "rest", AGENT_ADDRESS)
    assert entry.request_id == "req-iam-09-0001"
    use = AuditRecord.objects.get(action="accounts.credential.use")  # like a login, once
    assert (use.person_login, use.credential) == ("admin.a", entry.credential)
    # Use of the credential, and of the identifier (IAM-05: API use counts as use).
    new.key.refresh_from_db()
    admin_a.refresh_from_db()
    assert new.key.last_used_at is not None and admin_a.last_used_at is not None
    assert verify()[1] == []


@pytest.mark.urls("tests.accounts.credential_urls")
def test_iam_05_an_api_call_on_behalf_of_a_person_is_a_use_of_its_identifier(
    admin_a: User, person_a: User, system_api: Any
) -> None:
    long_ago = timezone.now() - timedelta(days=170)
    # A dormant-looking identifier, already warned of its coming deactivation.
    User.objects.filter(pk=person_a.pk).update(last_used_at=long_ago, dormancy_warned_at=long_ago)
    new = key_of(admin_a)
    assert system_api(token=new.token, on_behalf_of="agent.a").get(PROBE).status_code == 200
    person_a.refresh_from_db()
    assert timezone.now() - person_a.last_used_at < timedelta(minutes=1)
    assert person_a.dormancy_warned_at is None
    # Refused calls are not a use.
    User.objects.filter(pk=person_a.pk).update(last_used_at=long_ago)
    system_api(token=new.token, on_behalf_of="agent.a", address="203.0.113.1").get(PROBE)
    person_a.refresh_from_db()
    assert person_a.last_used_at == long_ago


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_08_a_suspended_operator_key_is_refused(
    admin_a: User,
    person_a: User,
    operator_a: Operator,
    system_api: Any,
) -> None:
    new = key_of(admin_a)
    operators_services.suspend_operator(actor=SYSTEM, operator=operator_a, reason="Incident")
    response = system_api(token=new.token, on_behalf_of="agent.a").get(PROBE)
    assert_tmf_error(response, 403, "SEC-008")
    assert refusals("SEC-008").get().credential == f"apikey:{new.key.prefix}"
    operator_a.refresh_from_db()
    operators_services.lift_suspension(actor=SYSTEM, operator=operator_a, note="Résolu")
    assert system_api(token=new.token, on_behalf_of="agent.a").get(PROBE).status_code == 200


# The SOAP door's hook ------------------------------------------------------------------


def test_sec_01_soap_door_authenticates_with_the_same_function(
    admin_a: User, person_a: User
) -> None:
    new = key_of(admin_a)

    def soap_request(**meta: str) -> Any:
        request = RequestFactory().post(
            "/ws/eligibilite", data=b"<x/>", content_type="text/xml", **meta
        )
        request.channel = "soap"
        request.client_ip = meta.get("REMOTE_ADDR")
        request.request_id = "req-soap-0001"
        return request

    principal = authenticate_system_request(
        soap_request(
            HTTP_AUTHORIZATION=f"Bearer {new.token}",
            HTTP_X_ON_BEHALF_OF="agent.a",
            REMOTE_ADDR=AGENT_ADDRESS,
        )
    )
    assert principal is not None
    assert (principal.login, principal.operator_code, principal.channel) == (
        "agent.a",
        "OPEA",
        "soap",
    )
    assert principal.credential == f"apikey:{new.key.prefix}" and principal.can_write
    assert principal.has_right("e-rdv:book") and not principal.has_right("users:administer")
    assert authenticate_system_request(soap_request(REMOTE_ADDR=AGENT_ADDRESS)) is None
    with pytest.raises(GuichetError) as refused:
        authenticate_system_request(
            soap_request(
                HTTP_X_API_KEY=new.token, REMOTE_ADDR="203.0.113.1", HTTP_X_ON_BEHALF_OF="agent.a"
            )
        )
    assert refused.value.code == "SEC-023"
    assert refusals("SEC-023").get().channel == "soap"


@pytest.mark.urls("tests.accounts.credential_urls")
def test_sec_08_the_soap_door_refuses_what_the_rest_door_refuses(
    admin_a: User, person_a: User, operator_a: Operator
) -> None:
    new = key_of(admin_a)
    body = envelope("<e:echoRequest><e:text>?</e:text><e:count>1</e:count></e:echoRequest>")

    def call(address: str = AGENT_ADDRESS, **headers: str) -> Any:
        return Client(REMOTE_ADDR=address).generic(
            "POST", "/ws/test/credentials", body, content_type="text/xml", headers=headers
        )

    answered = call(Authorization=f"Bearer {new.token}", **{"X-On-Behalf-Of": "agent.a"})
    assert answered.status_code == 200
    assert b"agent.a@OPEA" in answered.content
    use = AuditRecord.objects.filter(action="accounts.credential.use").last()
    assert use is not None and use.channel == "soap" and use.person_login == "agent.a"

    assert fault_of(call())["code"] == "GEN-401"
    elsewhere = call("203.0.113.9", Authorization=f"Bearer {new.token}")
    assert fault_of(elsewhere)["code"] == "SEC-023"
    operators_services.suspend_operator(actor=SYSTEM, operator=operator_a, reason="Incident")
    suspended = call(Authorization=f"Bearer {new.token}", **{"X-On-Behalf-Of": "agent.a"})
    assert suspended.status_code == 500  # SOAP 1.1: every fault travels as a 500 (WS-I BP)
    assert fault_of(suspended)["code"] == "SEC-008"
    assert refusals("SEC-008").get().channel == "soap"
