"""Billing in a real browser (Playwright, Debian Chromium, axe-core).

BIL-02: an operator's administrator finds its invoice and downloads the PDF kept at issue.
GEN-06: the operator's and the Provider's billing pages pass axe-core (no serious/critical).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from guichet.billing import services
from guichet.billing.demo import load_prices
from guichet.billing.models import Invoice
from guichet.core.context import Principal
from guichet.operators.models import EService, Operator, Subscription
from guichet.portal.demo import DEMO_OPERATOR_ADMINS, DEMO_PROVIDER_STAFF, load_demo
from tests.accounts.people_support import restore_eservice_catalogue
from tests.browser import blocking_axe_results, describe_violations, log_in, watch_server_errors
from tests.portal.conftest import browser, page  # noqa: F401  (fixtures)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FGTT = DEMO_OPERATOR_ADMINS["FGTT"]
ACTOR = Principal.system("tests.billing.browser")


def assert_accessible(page: Page) -> None:  # noqa: F811
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"axe-core on {page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"axe-core (undecided) on {page.url}:\n" + describe_violations(
        incomplete
    )


def demo_invoice() -> Invoice:
    restore_eservice_catalogue()  # a transactional test's flush removes migration data
    load_demo(network=False)
    load_prices(ACTOR)
    operator = Operator.objects.get(arcep_code="FGTT")
    Subscription.objects.create(
        operator=operator,
        service=EService.objects.get(code="e-rdv"),
        order_received_on=date(2025, 6, 17),
        activated_on=date(2025, 6, 20),
    )
    invoice = services.generate_invoice(
        actor=ACTOR, operator=operator, period=date(2025, 6, 1), issue=True
    )
    assert invoice is not None
    return invoice


def test_bil_02_operator_admin_downloads_an_invoice_pdf(page: Page) -> None:  # noqa: F811
    invoice = demo_invoice()
    errors = watch_server_errors(page)
    log_in(page, FGTT.login, FGTT.password)
    page.goto("/administration/factures/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Factures")
    assert_accessible(page)
    page.get_by_role("link", name=invoice.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Facture {invoice.number}")
    expect(page.locator("#invoice-status")).to_have_text("Émise")
    assert_accessible(page)

    link = page.get_by_role("link", name="Télécharger le PDF")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    # The same link answered with the PDF itself, in the person's session.
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert response.headers["x-content-sha256"] == invoice.pdf_sha256

    page.goto("/administration/responsabilite/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Responsabilité")
    assert_accessible(page)
    assert errors == []


def test_gen_06_back_office_billing_pages_are_accessible(page: Page) -> None:  # noqa: F811
    invoice = demo_invoice()
    errors = watch_server_errors(page)
    log_in(page, DEMO_PROVIDER_STAFF.login, DEMO_PROVIDER_STAFF.password)
    for path in (
        "/back-office/facturation/",
        f"/back-office/facturation/factures/{invoice.pk}/",
        "/back-office/facturation/tarifs/",
        "/back-office/facturation/export-comptable",
        "/back-office/facturation/responsabilite/",
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    # CTR-12: a price change is scheduled; an increase without 3 months' notice is refused
    # with its code beside the field, and the page stays accessible.
    page.goto("/back-office/facturation/tarifs/")
    page.get_by_label("E-service", exact=True).select_option("e-rdv")
    page.get_by_label("Nature du prix").select_option("monthly")
    page.get_by_label("Prix unitaire HT (€)").fill("9999")
    page.get_by_label("Date de prise d'effet").fill("2099-01-01")
    page.get_by_role("button", name="Programmer le prix").click()
    expect(page.get_by_role("status")).to_contain_text("Prix programmé")
    page.get_by_label("E-service", exact=True).select_option("e-rdv")
    page.get_by_label("Nature du prix").select_option("per_use")
    page.get_by_label("Prix unitaire HT (€)").fill("0,75")
    page.get_by_label("Date de prise d'effet").fill(date.today().isoformat())
    page.get_by_role("button", name="Programmer le prix").click()
    expect(page.locator(".field-error")).to_contain_text("CTR-121")
    expect(page.locator(".field-error")).to_contain_text("3 mois")
    assert_accessible(page)
    assert errors == []
