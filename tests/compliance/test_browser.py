"""SEC-09 in a real browser (Playwright, Debian Chromium, axe-core): the Provider records an
audit and notifies a non-conformity, the operator's administrator files a remediation plan,
the Provider approves it; every page passes axe-core (GEN-06)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from guichet.compliance.models import NonConformity, RemediationPlan
from guichet.notifications.models import OutboundEmail
from guichet.portal.demo import DEMO_OPERATOR_ADMINS, DEMO_PROVIDER_STAFF, load_demo
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.portal.conftest import browser, page  # noqa: F401  (fixtures)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FGTT = DEMO_OPERATOR_ADMINS["FGTT"]
STAFF = DEMO_PROVIDER_STAFF


@pytest.fixture
def staff_page(browser: Browser, live_server: Any) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(5_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def assert_accessible(page: Page) -> None:  # noqa: F811
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"axe-core on {page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"axe-core (undecided) on {page.url}:\n" + describe_violations(
        incomplete
    )


def test_sec_09_provider_notifies_operator_files_a_plan_provider_approves(
    page: Page,  # noqa: F811
    staff_page: Page,
) -> None:
    load_demo(network=False)
    operator_errors, staff_errors = watch_server_errors(page), watch_server_errors(staff_page)
    today = timezone.localdate()

    # The Provider records the audit of FGTT.
    log_in(staff_page, STAFF.login, STAFF.password)
    staff_page.goto("/back-office/audits/")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Audits de sécurité")
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name="Enregistrer un audit").click()
    staff_page.get_by_role("button", name="Enregistrer l'audit").click()
    expect(staff_page.locator(".field-error").first).to_contain_text("SEC-091")
    assert_accessible(staff_page)
    staff_page.get_by_label("Opérateur audité").select_option(label="Fibre Gâtine Télécom (FGTT)")
    staff_page.get_by_label("Date de l'audit").fill((today - timedelta(days=3)).isoformat())
    staff_page.get_by_label("Auditeur", exact=True).fill("Orange Cyberdéfense")
    staff_page.get_by_label("Type d'auditeur").select_option("orange")
    staff_page.get_by_label("Périmètre").fill("Point d'accès et postes des Intervenants")
    staff_page.get_by_label("Constats").fill("Antivirus absent sur deux postes.")
    staff_page.get_by_role("button", name="Enregistrer l'audit").click()
    expect(staff_page.get_by_role("heading", level=1)).to_contain_text("Fibre Gâtine Télécom")

    # …adds a non-conformity and notifies it.
    staff_page.get_by_label("Exigence de l'annexe 2 concernée").select_option("A2-3")
    staff_page.get_by_label("Gravité").select_option("major")
    staff_page.get_by_label("Description de la non-conformité").fill(
        "Pas d'antivirus opérationnel sur les postes des Intervenants."
    )
    staff_page.get_by_role("button", name="Ajouter la non-conformité").click()
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name="Non-conformité n°1").click()
    assert_accessible(staff_page)
    staff_page.get_by_role("button", name="Notifier la non-conformité").click()
    due = (today + timedelta(days=10)).strftime("%d/%m/%Y")
    expect(staff_page.get_by_role("status")).to_contain_text(due)
    expect(staff_page.locator("#nc-status")).to_contain_text("plan attendu")
    nc = NonConformity.objects.get()
    assert OutboundEmail.objects.filter(reason="compliance.notified").count() == 1

    # The operator's administrator files the plan.
    log_in(page, FGTT.login, FGTT.password)
    page.goto("/securite/audits/")
    assert_accessible(page)
    page.get_by_role("link", name="Non-conformité n°1").click()
    expect(page.locator("#plan-due")).to_contain_text(due)
    assert_accessible(page)
    page.get_by_role("button", name="Déposer le plan").click()
    expect(page.locator("#plan-errors")).to_contain_text("SEC-096")
    assert_accessible(page)
    page.get_by_label("Présentation du plan").fill("Déploiement d'un antivirus géré.")
    page.locator("#id_action_1").fill("Installer l'antivirus sur tous les postes")
    page.locator("#id_owner_1").fill("DSI")
    page.locator("#id_due_on_1").fill((today + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Déposer le plan").click()
    expect(page.get_by_role("status")).to_contain_text("Plan déposé")
    expect(page.locator("#plan-state")).to_contain_text("Déposé — en examen")
    assert_accessible(page)

    # The Provider approves it; the operator sees it approved, its action to do.
    staff_page.goto(f"/back-office/audits/non-conformites/{nc.pk}/")
    assert_accessible(staff_page)
    staff_page.get_by_role("button", name="Approuver le plan").click()
    expect(staff_page.get_by_role("status")).to_contain_text("Plan approuvé")
    expect(staff_page.locator("#nc-status")).to_contain_text("Plan approuvé")
    assert_accessible(staff_page)
    page.reload()
    expect(page.locator("#plan-state")).to_contain_text("Approuvé")
    page.get_by_role("button", name="Marquer l'action n°1 faite").click()
    expect(page.locator("#item-1")).to_contain_text("Faite")
    assert_accessible(page)
    page.goto(f"/securite/audits/{nc.audit_id}/")
    expect(page).to_have_url(path_is(f"/securite/audits/{nc.audit_id}/"))
    assert_accessible(page)

    assert RemediationPlan.objects.get().status == "approved"
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "compliance.non_conformity.notify",
        "compliance.remediation_plan.file",
        "compliance.remediation_plan.approve",
        "compliance.remediation_plan.progress",
    } <= actions
    assert verify()[1] == []
    assert operator_errors == [] and staff_errors == []
