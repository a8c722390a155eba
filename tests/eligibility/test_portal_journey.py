"""ELI-01/TAO-02 in a real browser (Playwright, Debian Chromium, axe-core): the demo FGTT
administrator types part of an address, picks a suggestion with the keyboard, reads the
eligibility per offer with the extraction date, opens the TAO tree, copies a PTO
reference and finds both questions in the history. GEN-06: no serious or critical axe
result on any page; no server error."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import Page, expect

from guichet.addresses.services import refresh_index
from guichet.core.context import Principal
from guichet.network.choices import BuildingState, PmState
from guichet.network.models import Building
from guichet.operators.demo import load_contract_demo
from guichet.portal.demo import DEMO_OPERATOR_ADMINS, load_demo
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.portal.conftest import browser, page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FGTT = DEMO_OPERATOR_ADMINS["FGTT"]


def assert_accessible(page: Page) -> None:  # noqa: F811
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"axe-core on {page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"axe-core (undecided) on {page.url}:\n" + describe_violations(
        incomplete
    )


def open_building() -> Building:
    """A deployed demo building of several dwellings behind a PM open for sale."""
    opened_before = timezone.localdate() - timedelta(days=100)
    building = (
        Building.objects.filter(
            state=BuildingState.DEPLOYED,
            pm__state=PmState.DEPLOYED,
            pm__first_provision_on__lte=opened_before,
            address__hexacle__isnull=False,
            address__number__isnull=False,
        )
        .annotate(dwellings=Count("premises"))
        .filter(dwellings__gte=2)
        .select_related("address")
        .order_by("-dwellings", "pk")
        .first()
    )
    assert building is not None, "the demo network has no open building of several dwellings"
    return building


def test_eli_01_tao_02_portal_search_eligibility_tao_journey(page: Page) -> None:  # noqa: F811
    load_demo()
    system = Principal.system("demo")
    load_contract_demo(system)
    refresh_index(actor=system)
    building = open_building()
    address = building.address
    label = str(address)
    pto = building.premises.exclude(pto_reference=None).order_by("pk").first().pto_reference
    server_errors = watch_server_errors(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    log_in(page, FGTT.login, FGTT.password)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Éligibilité"
    ).click()
    expect(page).to_have_url(path_is("/eligibilite/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Éligibilité FTTH et FTTE")
    assert_accessible(page)

    # Type part of the address: suggestions come while typing (ARIA combobox).
    box = page.get_by_role("combobox", name="Adresse")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially(f"{address.number} {address.street_name.lower()[:-2]}", delay=30)
    listbox = page.get_by_role("listbox", name="Adresses proposées")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    wanted = listbox.get_by_role("option", name=label, exact=True)
    expect(wanted).to_be_visible()
    assert_accessible(page)

    # Escape closes the list; the arrows open it again and walk to the address.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    labels = page.locator("#place-q-listbox [role=option]").all_text_contents()
    assert label in labels, labels
    for _ in range(labels.index(label) + 1):
        box.press("ArrowDown")
    expect(wanted).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", wanted.get_attribute("id") or "")
    box.press("Enter")  # choose…
    expect(box).to_have_value(label)
    expect(listbox).to_be_hidden()
    expect(page.locator("#place-adresse")).to_have_value(address.hexacle)
    box.press("Enter")  # …then search

    # The eligibility per offer, in plain French, with the extraction date.
    expect(page.get_by_role("heading", level=2, name=f"Éligibilité de {label}")).to_be_visible()
    expect(page.locator("#data-as-of")).to_contain_text("État des données au ")
    offers = page.locator("#offers")
    expect(offers.get_by_role("row", name="Accès FTTH (local raccordable)")).to_contain_text(
        "Raccordable"
    )
    for offer in ("FTTE passif au NRO", "FTTE passif au PM", "FTTE actif"):
        expect(offers.get_by_role("row", name=offer)).to_contain_text("Éligible")
    assert_accessible(page)

    # The TAO tree of the same address.
    page.get_by_role("button", name="Voir la structure TAO de l'adresse").click()
    expect(page.get_by_role("heading", level=2, name=f"Structure de {label}")).to_be_visible()
    tree = page.locator("#tao-tree")
    expect(tree).to_contain_text(building.ipe_id)
    expect(tree).to_contain_text(building.pm.reference)
    row = tree.locator(f'tr[data-pto="{pto}"]')
    expect(row).to_contain_text("PTO")
    expect(row.locator(".occupancy")).to_have_text(
        re.compile(r"^(libre|occupée|occupée par votre ligne .+)$")
    )
    assert_accessible(page)

    # Copy a PTO reference: the clipboard holds it, a status message says so.
    copy = row.get_by_role("button", name=f"Copier la référence PTO {pto}")
    copy.click()
    expect(page.locator("#copy-status")).to_have_text(
        f"Référence {pto} copiée dans le presse-papiers."
    )
    assert page.evaluate("navigator.clipboard.readText()") == pto

    # Both questions are in the person's history, each one re-opened as it was.
    history = page.get_by_role("region", name="Mes dernières recherches TAO")
    expect(history.get_by_role("link", name=label)).to_have_attribute("aria-current", "page")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Éligibilité"
    ).click()
    past = page.get_by_role("region", name="Mes dernières recherches d'éligibilité")
    expect(past.get_by_role("row").filter(has_text=label)).to_contain_text("FTTH raccordable")
    past.get_by_role("link", name=label).click()
    expect(page.get_by_role("heading", level=2, name=f"Éligibilité de {label}")).to_be_visible()
    assert_accessible(page)
    assert server_errors == []
