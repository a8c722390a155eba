"""SEC-07: security contact per operator; either side declares an incident, the other is emailed."""

from __future__ import annotations

import html as html_lib
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from guichet.accounts.models import Role, User
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.notifications.models import OutboundEmail
from guichet.operators.models import IncidentStatus, Operator, SecurityIncident
from tests.factories import make_operator, make_person

pytestmark = pytest.mark.django_db

NEW = "/securite/incidents/nouveau"
PROVIDER_SOC = "soc@fournisseur.example"
INCIDENT = {
    "title": "Poste infecté par un rançongiciel",
    "severity": "high",
    "occurred_at": "",
    "description": "Un poste de l'équipe commandes a chiffré ses fichiers.\nIsolé du réseau.",
}


@pytest.fixture(autouse=True)
def provider_address(settings: Any) -> None:
    settings.GUICHET_SECURITY_EMAIL = PROVIDER_SOC


@pytest.fixture
def operator_a(db: None) -> Operator:
    return make_operator("OPEA", name="Opérateur A", security_contact_email="soc@opea.example")


@pytest.fixture
def declarer_a(operator_a: Operator, monkeypatch: pytest.MonkeyPatch) -> User:
    """A member of operator A whose profile grants ``security:declare`` (not an administrator)."""
    person = make_person("securite.a", operator_a, Role.MEMBER)
    granted = {person.pk: frozenset({"security:declare"})}
    monkeypatch.setattr(
        User, "rights", lambda self: granted.get(self.pk, frozenset()), raising=False
    )
    return person


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def declare(user: User, **fields: Any) -> Any:
    return client_of(user).post(NEW, {**INCIDENT, **fields})


def text(response: Any) -> str:
    return html_lib.unescape(response.content.decode())


def emails(reason: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(reason=f"operators.security.{reason}").order_by("id"))


# Declaring -----------------------------------------------------------------------------


def test_sec_07_operator_admin_declares_and_the_provider_is_emailed(admin_a: User) -> None:
    response = declare(admin_a, occurred_at="26/11/2026 08:15")
    incident = SecurityIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/securite/incidents/{incident.pk}/"
    assert incident.operator == admin_a.operator and not incident.declared_by_provider
    assert incident.declared_by == "admin.a" and incident.status == IncidentStatus.OPEN
    assert timezone.localtime(incident.occurred_at).strftime("%d/%m/%Y %H:%M") == "26/11/2026 08:15"
    (email,) = emails("incident_declared")
    assert email.recipients == [PROVIDER_SOC] and email.operator_id == admin_a.operator_id
    assert email.subject == "[Incident de sécurité] Élevée — Poste infecté par un rançongiciel"
    assert "l'opérateur Opérateur A (OPEA) (admin.a)" in email.body
    assert f"/securite/incidents/{incident.pk}/" in email.body
    entry = AuditRecord.objects.get(action="operators.security_incident.declare")
    assert entry.person_login == "admin.a" and entry.after["notified"] == [PROVIDER_SOC]
    page = client_of(admin_a).get(response["Location"]).content.decode()
    assert "Poste infecté par un rançongiciel" in page and "Isolé du réseau." in page


def test_sec_07_provider_address_defaults_when_not_configured(settings: Any, admin_a: User) -> None:
    del settings.GUICHET_SECURITY_EMAIL
    declare(admin_a)
    assert emails("incident_declared")[0].recipients == ["securite@localhost"]


def test_sec_07_a_person_with_the_right_declares_others_may_not(
    declarer_a: User, reader_a: User
) -> None:
    assert declare(declarer_a).status_code == 302
    assert SecurityIncident.objects.get().declared_by == "securite.a"
    refused = declare(reader_a)
    assert refused.status_code == 403 and "SEC-050" in refused.content.decode()
    assert client_of(reader_a).get("/securite/incidents/").status_code == 403
    assert SecurityIncident.objects.count() == 1


def test_sec_07_provider_declares_for_an_operator_whose_contact_is_emailed(
    provider_staff: User, operator_a: Operator
) -> None:
    form = client_of(provider_staff).get(NEW, {"operateur": operator_a.pk}).content.decode()
    assert f'<option value="{operator_a.pk}" selected>' in form
    response = declare(provider_staff, operator=operator_a.pk, severity="critical")
    assert response.status_code == 302
    incident = SecurityIncident.objects.get()
    assert incident.declared_by_provider and incident.operator == operator_a
    (email,) = emails("incident_declared")
    assert email.recipients == ["soc@opea.example"]
    assert email.subject.startswith("[Incident de sécurité] Critique — ")
    assert "déclaré par le Fournisseur (agent.fournisseur)" in email.body


def test_sec_07_provider_refused_when_the_operator_has_no_security_contact(
    provider_staff: User, operator_b: Operator
) -> None:
    response = declare(provider_staff, operator=operator_b.pk)
    html = text(response)
    assert response.status_code == 422
    assert "SEC-052" in html and "n'a pas de courriel de contact sécurité" in html
    assert not SecurityIncident.objects.exists() and not OutboundEmail.objects.exists()
    no_operator = declare(provider_staff)
    assert no_operator.status_code == 422 and "SEC-055" in no_operator.content.decode()


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"title": "  "}, "l'objet est obligatoire"),
        ({"description": ""}, "la description est obligatoire"),
        ({"severity": ""}, "choisissez une gravité"),
        ({"occurred_at": "01/01/2099 10:00"}, "la date de survenue est dans le futur"),
    ],
)
def test_sec_07_incomplete_declarations_are_refused(
    admin_a: User, fields: dict[str, str], field_error: str
) -> None:
    response = declare(admin_a, **fields)
    html = text(response)
    assert response.status_code == 422 and "SEC-051" in html and field_error in html
    assert not SecurityIncident.objects.exists() and not OutboundEmail.objects.exists()


# Following and closing -----------------------------------------------------------------


def test_sec_07_each_operator_sees_only_its_incidents(
    admin_a: User, admin_b: User, provider_staff: User
) -> None:
    declare(admin_a)
    incident = SecurityIncident.objects.get()
    assert INCIDENT["title"] in client_of(admin_a).get("/securite/incidents/").content.decode()
    assert (
        INCIDENT["title"] in client_of(provider_staff).get("/securite/incidents/").content.decode()
    )
    other = client_of(admin_b)
    assert INCIDENT["title"] not in other.get("/securite/incidents/").content.decode()
    assert other.get(f"/securite/incidents/{incident.pk}/").status_code == 404
    assert other.post(f"/securite/incidents/{incident.pk}/clore").status_code == 404


def test_sec_07_the_declaring_operator_closes_and_the_provider_is_told(admin_a: User) -> None:
    declare(admin_a)
    incident = SecurityIncident.objects.get()
    client = client_of(admin_a)
    assert "Clore l'incident" in client.get(f"/securite/incidents/{incident.pk}/").content.decode()
    response = client.post(f"/securite/incidents/{incident.pk}/clore")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED and incident.closed_at is not None
    (closed,) = emails("incident_closed")
    assert closed.recipients == [PROVIDER_SOC] and "par admin.a" in closed.body
    again = client.post(f"/securite/incidents/{incident.pk}/clore")
    assert again.status_code == 409 and "SEC-053" in again.content.decode()
    entry = AuditRecord.objects.get(action="operators.security_incident.close")
    assert entry.before == {"status": "open", "closed_at": None}
    assert (
        client.get("/securite/incidents/", {"statut": "open"})
        .content.decode()
        .count(INCIDENT["title"])
        == 0
    )


def test_sec_07_only_the_provider_closes_what_it_declared(
    provider_staff: User, admin_a: User, operator_a: Operator
) -> None:
    declare(provider_staff, operator=operator_a.pk)
    incident = SecurityIncident.objects.get()
    operator_side = client_of(admin_a)
    assert (
        "Clore l'incident"
        not in operator_side.get(f"/securite/incidents/{incident.pk}/").content.decode()
    )
    refused = operator_side.post(f"/securite/incidents/{incident.pk}/clore")
    assert refused.status_code == 403 and "SEC-054" in refused.content.decode()
    assert (
        client_of(provider_staff).post(f"/securite/incidents/{incident.pk}/clore").status_code
        == 302
    )
    (closed,) = emails("incident_closed")
    assert closed.recipients == ["soc@opea.example"]


# Security contact (Annex 2 §4, §7) -----------------------------------------------------


def test_sec_07_operator_admin_keeps_its_security_contact_and_the_provider_is_told(
    admin_a: User, reader_a: User, provider_staff: User, operator_b: Operator
) -> None:
    client = client_of(admin_a)
    page = client.get("/securite/contact/").content.decode()
    assert 'value="soc@opea.example"' in page
    response = client.post(
        "/securite/contact/",
        {
            "security_contact_name": "Centre de sécurité",
            "security_contact_email": "cert@opea.example",
            "security_contact_phone": "05 49 00 00 09",
        },
    )
    assert response.status_code == 302
    operator = Operator.objects.get(pk=admin_a.operator_id)
    assert operator.security_contact_email == "cert@opea.example"
    update = AuditRecord.objects.get(action="operators.operator.update", object_id=str(operator.pk))
    assert update.after["security_contact_email"] == "cert@opea.example"
    (told,) = emails("contact_changed")
    assert told.recipients == [PROVIDER_SOC] and "cert@opea.example" in told.body
    assert "soc@opea.example" in told.body  # the former contact, for the record
    invalid = client.post("/securite/contact/", {"security_contact_name": "x"})
    assert invalid.status_code == 400
    assert client_of(reader_a).get("/securite/contact/").status_code == 403
    # The Provider's next declaration goes to the new contact.
    declare(provider_staff, operator=operator.pk)
    assert emails("incident_declared")[-1].recipients == ["cert@opea.example"]
    assert verify()[1] == []


def test_sec_07_incident_dates_cannot_be_in_the_future_even_by_seconds(admin_a: User) -> None:
    soon = timezone.localtime() + timedelta(hours=2)
    response = declare(admin_a, occurred_at=soon.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 422
