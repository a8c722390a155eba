"""SEC-09 through the portal: audits, notification and the plan deadline (annexe 2 §5:
« 10 jours à compter de la notification », calendar days), plans filed, rejected,
refiled, approved, tracked; lateness flagged by the real task; suspension on default."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from guichet.accounts.models import Role, User
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.compliance.models import NonConformity, RemediationPlan
from guichet.compliance.tasks import audit_deadlines
from guichet.notifications.models import OutboundEmail
from guichet.operators.models import Operator, Suspension
from tests.compliance.conftest import browser, frozen
from tests.compliance.support import add_non_conformity, file_plan, notify, record_audit
from tests.factories import make_person

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 12, 18)  # the 10 days cross Christmas and two Sundays: still calendar days
DUE = date(2026, 12, 28)


def emails(reason: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(reason=f"compliance.{reason}").order_by("id"))


@pytest.fixture
def notified(provider_staff: User, operator_a: Operator, admin_a: User) -> NonConformity:
    with frozen(FRIDAY):
        staff = browser(provider_staff)
        nc = add_non_conformity(staff, record_audit(staff, operator_a))
        assert notify(staff, nc).status_code == 302
    nc.refresh_from_db()
    return nc


def test_sec_09_provider_records_an_audit_and_notifies_the_operator(
    provider_staff: User, operator_a: Operator, admin_a: User, reader_a: User
) -> None:
    with frozen(FRIDAY):
        staff, operator = browser(provider_staff), browser(admin_a)
        refused = staff.post("/back-office/audits/nouveau", {"operator": operator_a.pk})
        assert refused.status_code == 422 and "SEC-091" in refused.content.decode()
        audit = record_audit(staff, operator_a)
        nc = add_non_conformity(staff, audit)
        assert (nc.number, nc.status, nc.operator) == (1, "draft", operator_a)
        # Not yet notified: the operator does not see it.
        assert operator.get(f"/securite/audits/non-conformites/{nc.pk}/").status_code == 404
        response = notify(staff, nc)
        assert response.status_code == 302
        nc.refresh_from_db()
        assert nc.status == "notified" and nc.plan_due_on == DUE
        (email,) = emails("notified")
        assert email.recipients == ["soc@opea.example", "admin.a@example.test"]
        assert "28/12/2026" in email.subject and "10 jours" in email.body
        assert "Annexe 2 §3" in email.body
        page = operator.get(f"/securite/audits/non-conformites/{nc.pk}/").content.decode()
        assert "28/12/2026" in page and "Déposer le plan" in page
        again = notify(staff, nc)
        assert again.status_code == 409 and "SEC-094" in again.content.decode()
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "compliance.audit.create",
        "compliance.non_conformity.create",
        "compliance.non_conformity.notify",
    } <= actions
    assert verify()[1] == []


def test_sec_09_no_security_contact_no_notification(
    provider_staff: User, operator_b: Operator
) -> None:
    with frozen(FRIDAY):
        staff = browser(provider_staff)
        nc = add_non_conformity(staff, record_audit(staff, operator_b))
        response = notify(staff, nc)
    assert response.status_code == 422 and "SEC-093" in response.content.decode()
    nc.refresh_from_db()
    assert nc.status == "draft" and not emails("notified")


def test_sec_09_deadline_reminder_and_lateness_by_the_real_task(
    notified: NonConformity, settings: object
) -> None:
    assert audit_deadlines.name == "guichet.compliance.tasks.audit_deadlines"
    from django.conf import settings as conf

    assert conf.CELERY_BEAT_SCHEDULE["compliance-audit-deadlines"]["task"] == audit_deadlines.name
    with frozen(DUE - timedelta(days=4)):
        assert audit_deadlines() == {"reminded": 0, "plans_late": 0, "items_late": 0}
    with frozen(DUE - timedelta(days=3)):
        assert audit_deadlines()["reminded"] == 1
    with frozen(DUE - timedelta(days=2)):
        assert audit_deadlines()["reminded"] == 0  # once
    (reminder,) = emails("plan_reminder")
    assert "soc@opea.example" in reminder.recipients and "3 jours" in reminder.body
    with frozen(DUE, hour=23):
        assert audit_deadlines()["plans_late"] == 0  # the last day is still on time
    with frozen(DUE + timedelta(days=1)):
        assert audit_deadlines()["plans_late"] == 1
        assert audit_deadlines()["plans_late"] == 0  # flagged once
    (to_operator,) = emails("plan_late")
    (to_provider,) = emails("plan_late_provider")
    assert to_operator.recipients == ["soc@opea.example", "admin.a@example.test"]
    assert to_provider.recipients == ["securite@localhost"]
    notified.refresh_from_db()
    assert notified.plan_late_flagged_at is not None
    entry = AuditRecord.objects.get(action="compliance.non_conformity.plan_late")
    assert entry.person_login == "audit-deadlines" and entry.after["days_late"] == 1


def test_sec_09_late_filter_of_the_back_office(
    notified: NonConformity, provider_staff: User
) -> None:
    with frozen(DUE + timedelta(days=2)):
        staff = browser(provider_staff)
        late = staff.get("/back-office/audits/?retard=oui").content.decode()
        on_time = staff.get("/back-office/audits/?retard=non").content.decode()
        mine = staff.get(f"/back-office/audits/?operateur={notified.operator_id}")
        closed = staff.get("/back-office/audits/?statut=closed").content.decode()
    link = f'href="/back-office/audits/{notified.audit_id}/"'
    assert link in late and link not in on_time
    assert link in mine.content.decode() and "Aucun audit" in closed


def test_sec_09_plan_filed_rejected_refiled_approved_and_tracked(
    notified: NonConformity, provider_staff: User, admin_a: User
) -> None:
    nc_page = f"/back-office/audits/non-conformites/{notified.pk}/"
    day = FRIDAY + timedelta(days=2)
    with frozen(day):
        staff, operator = browser(provider_staff), browser(admin_a)
        empty = file_plan(operator, notified)
        assert empty.status_code == 422 and "SEC-096" in empty.content.decode()
        past = file_plan(operator, notified, ("Renouveler", "RSSI", day - timedelta(days=1)))
        assert past.status_code == 422 and "échéance est passée" in past.content.decode()
        response = file_plan(
            operator, notified, ("Politique de mots de passe", "RSSI", date(2027, 1, 15))
        )
        assert response.status_code == 302
        plan = RemediationPlan.objects.get()
        assert (plan.version, plan.status, plan.filed_by) == (1, "submitted", "admin.a")
        (filed,) = emails("plan_filed")
        assert filed.recipients == ["securite@localhost"] and "Politique" in filed.body
        assert "Approuver le plan" in staff.get(nc_page).content.decode()

        reject = f"{nc_page}plans/{plan.pk}/rejeter"
        no_reason = staff.post(reject, {"reason": " "})
        assert no_reason.status_code == 422 and "SEC-097" in no_reason.content.decode()
        assert (
            staff.post(reject, {"reason": "Délai trop long, et l'antivirus ?"}).status_code == 302
        )
    plan.refresh_from_db()
    notified.refresh_from_db()
    assert plan.status == "rejected" and notified.status == "notified"
    (rejected,) = emails("plan_rejected")
    assert "l'antivirus" in rejected.body

    with frozen(day + timedelta(days=1)):
        staff, operator = browser(provider_staff), browser(admin_a)
        response = file_plan(
            operator,
            notified,
            ("Politique de mots de passe", "RSSI", date(2026, 12, 31)),
            ("Antivirus sur tous les postes", "DSI", date(2027, 1, 8)),
        )
        assert response.status_code == 302
        v2 = RemediationPlan.objects.get(version=2)
        assert staff.post(f"{nc_page}plans/{v2.pk}/approuver").status_code == 302
        again = staff.post(f"{nc_page}plans/{v2.pk}/approuver")
        assert again.status_code == 409 and "SEC-094" in again.content.decode()
    v2.refresh_from_db()
    notified.refresh_from_db()
    assert v2.status == "approved" and notified.status == "plan_approved"
    assert emails("plan_approved")

    # Items tracked: one done in time, the other late, flagged once by the task to both sides.
    with frozen(date(2026, 12, 30)):
        staff, operator = browser(provider_staff), browser(admin_a)
        done = operator.post(f"/securite/audits/plans/{v2.pk}/actions/1/faite")
        assert done.status_code == 302
        twice = operator.post(f"/securite/audits/plans/{v2.pk}/actions/1/faite")
        assert twice.status_code == 409 and "SEC-099" in twice.content.decode()
        resolve = staff.post(f"{nc_page}lever")
        assert resolve.status_code == 409 and "SEC-099" in resolve.content.decode()
    with frozen(date(2027, 1, 9)):
        assert audit_deadlines() == {"reminded": 0, "plans_late": 0, "items_late": 1}
        assert audit_deadlines()["items_late"] == 0
        operator = browser(admin_a)
        page = operator.get(f"/securite/audits/non-conformites/{notified.pk}/").content.decode()
        assert "En retard" in page and "Faite" in page
    (late,) = emails("items_late")
    (late_provider,) = emails("items_late_provider")
    assert "Antivirus" in late.body and "Antivirus" in late_provider.body
    with frozen(date(2027, 1, 10)):
        staff, operator = browser(provider_staff), browser(admin_a)
        assert operator.post(f"/securite/audits/plans/{v2.pk}/actions/2/faite").status_code == 302
        assert staff.post(f"{nc_page}lever").status_code == 302
        notified.refresh_from_db()
        assert notified.status == "resolved"
        assert staff.post(f"/back-office/audits/{notified.audit_id}/clore").status_code == 302
    notified.audit.refresh_from_db()
    assert notified.audit.status == "closed"
    progress = AuditRecord.objects.filter(action="compliance.remediation_plan.progress")
    assert [e.after["items"][0]["late"] for e in progress.order_by("id")] == [False, True]
    assert verify()[1] == []


def test_sec_09_who_may_file_a_plan(notified: NonConformity, operator_a: Operator) -> None:
    member = make_person("membre.a", operator_a, Role.MEMBER)
    with frozen(FRIDAY + timedelta(days=1)):
        client = browser(member)
        assert client.get("/securite/audits/").status_code == 403
        response = file_plan(client, notified, ("x", "y", date(2027, 1, 5)))
    assert response.status_code == 403 and "SEC-095" in response.content.decode()
    assert not RemediationPlan.objects.exists()


def test_sec_09_another_operator_gets_404(notified: NonConformity, admin_b: User) -> None:
    with frozen(FRIDAY + timedelta(days=1)):
        other = browser(admin_b)
        listing = other.get("/securite/audits/")
        assert listing.status_code == 200 and "Aucun audit" in listing.content.decode()
        assert other.get(f"/securite/audits/{notified.audit_id}/").status_code == 404
        assert other.get(f"/securite/audits/non-conformites/{notified.pk}/").status_code == 404
        response = file_plan(other, notified, ("x", "y", date(2027, 1, 5)))
        assert response.status_code == 404 and "GEN-404" in response.content.decode()
        # The back-office is the Provider's.
        assert other.get("/back-office/audits/").status_code == 403
        notify_url = f"/back-office/audits/non-conformites/{notified.pk}/notifier"
        assert other.post(notify_url).status_code == 403


def test_sec_09_suspension_from_the_audit_screen_ends_the_operator_session(
    notified: NonConformity, provider_staff: User, admin_a: User
) -> None:
    url = f"/back-office/audits/non-conformites/{notified.pk}/suspendre"
    with frozen(DUE):
        early = browser(provider_staff).post(url, {"reason": ""})
    assert early.status_code == 409 and "SEC-098" in early.content.decode()
    assert not Suspension.objects.exists()
    with frozen(DUE + timedelta(days=1)):
        staff, operator = browser(provider_staff), browser(admin_a)
        page = staff.get(f"/back-office/audits/non-conformites/{notified.pk}/").content.decode()
        assert "Plan de remise en conformité non déposé" in page
        assert "résiliation" in page and f'action="{url}"' in page
        assert operator.get("/securite/audits/").status_code == 200
        response = staff.post(url, {"reason": "Relances sans réponse."})
        assert response.status_code == 302
        # The open session is over at once; any session still alive is refused (SEC-008).
        refused = operator.get("/securite/audits/")
        assert refused.status_code == 302 and refused["Location"].startswith("/connexion/")
        other_session = browser(admin_a).get("/securite/audits/")
        assert other_session.status_code == 403 and "SEC-008" in other_session.content.decode()
        again = staff.post(url, {"reason": ""})
        assert again.status_code == 409 and "SEC-042" in again.content.decode()
    suspension = Suspension.objects.get()
    assert f"Audit de sécurité du 02/11/2026 (n°{notified.audit_id})" in suspension.reason
    assert "non-conformité n°1" in suspension.reason
    assert "Relances sans réponse." in suspension.reason
    notified.refresh_from_db()
    assert notified.suspension == suspension
    assert AuditRecord.objects.filter(action="operators.operator.suspend").count() == 1
    entry = AuditRecord.objects.get(action="compliance.non_conformity.suspend")
    assert entry.after["suspension_id"] == suspension.pk
