"""Order forms in a real browser (Playwright, Debian Chromium, axe-core).

CTR-05/CTR-06: an operator's administrator fills and signs an order form; the Provider's
staff validate and activate it; the subscription appears for the operator. GEN-06: the
contract pages pass axe-core (no serious or critical result).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from guichet.core.context import Principal
from guichet.operators.demo import load_contract_demo
from guichet.operators.models import OrderForm, OrderFormStatus, Subscription
from guichet.portal.demo import DEMO_OPERATOR_ADMINS, DEMO_PROVIDER_STAFF, load_demo
from tests.browser import blocking_axe_results, describe_violations, log_in, watch_server_errors
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


def test_ctr_05_06_admin_fills_and_signs_an_order_form_then_the_provider_activates_it(
    page: Page,  # noqa: F811
    staff_page: Page,
) -> None:
    load_demo(network=False)
    load_contract_demo(Principal.system("demo"))
    operator_errors = watch_server_errors(page)
    staff_errors = watch_server_errors(staff_page)

    # The administrator sees the versions in force and orders e-Mutation (FTTH held).
    log_in(page, FGTT.login, FGTT.password)
    page.goto("/administration/contrats/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Contrats")
    expect(page.get_by_role("main")).to_contain_text("31 janvier 2019")
    assert_accessible(page)
    page.goto("/administration/contrats/bons-de-commande/")
    assert_accessible(page)
    page.get_by_role("link", name="Nouveau bon de commande").click()
    page.get_by_label("e-service").select_option(label="e-Mutation Fibre FTTH")
    page.get_by_label("Personnes désignées pour recevoir un identifiant").fill(
        "Lucie Morel ; lucie.morel@fibre-gatine.example ; fgtt.lmorel"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer le bon de commande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bon de commande BC-")
    expect(page.get_by_role("main")).to_contain_text("fgtt.lmorel")
    assert_accessible(page)

    # Signing without ticking the acceptance is refused; then accepted.
    page.get_by_label("Nom et prénom du signataire").first.fill("Claire Martineau")
    page.get_by_label("Qualité du signataire").first.fill("Présidente")
    page.get_by_role("button", name="Signer le bon de commande").click()
    expect(page.locator(".field-error").first).to_be_visible()
    page.get_by_label("J'accepte le bon de commande").check()
    page.get_by_role("button", name="Signer le bon de commande").click()
    expect(page.get_by_role("main")).to_contain_text("Reçu (signé)")
    expect(
        page.get_by_role("link", name="Télécharger le bon de commande signé (PDF)")
    ).to_be_visible()
    order_form = OrderForm.objects.get(service__code="e-mutation", operator__arcep_code="FGTT")
    assert order_form.status == OrderFormStatus.RECEIVED and len(order_form.pdf_sha256) == 64

    # The Provider validates and activates it in the back-office.
    log_in(staff_page, STAFF.login, STAFF.password)
    staff_page.goto("/back-office/contrats/bons-de-commande/")
    assert_accessible(staff_page)
    staff_page.get_by_role("link", name=order_form.number).click()
    assert_accessible(staff_page)
    staff_page.get_by_role("button", name="Valider le bon de commande").click()
    expect(staff_page.get_by_role("main")).to_contain_text("Validé")
    staff_page.get_by_role("button", name="Activer l'e-service").click()
    expect(staff_page.get_by_role("main")).to_contain_text("Activé")
    for url in (
        "/back-office/contrats/",
        "/back-office/contrats/signatures/",
        "/back-office/contrats/resiliations/",
    ):
        staff_page.goto(url)
        assert_accessible(staff_page)

    # The subscription appears for the operator.
    page.goto("/administration/contrats/souscriptions/")
    expect(page.get_by_role("main")).to_contain_text("e-Mutation Fibre FTTH")
    assert_accessible(page)
    assert Subscription.objects.filter(
        operator__arcep_code="FGTT", service__code="e-mutation", ends_on__isnull=True
    ).exists()
    assert operator_errors == [] and staff_errors == []
