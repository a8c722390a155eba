"""The inventory back-office in a real browser: a Provider agent finds a premises by its PTO,
sees its route and PM, follows an import live; axe-core finds no serious issue (GEN-06)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from guichet.network.choices import ImportKind, ImportStatus, IssueSeverity
from guichet.network.importing.base import progress_key
from guichet.network.models import ImportIssue, ImportJob
from tests.browser import (
    blocking_axe_results,
    describe_violations,
    log_in,
    path_is,
    watch_server_errors,
)
from tests.network.factories import make_building, make_pm
from tests.network.test_backoffice import _line, _route
from tests.portal import conftest as portal_fixtures

# The portal's browser fixtures: one Debian Chromium per module, a fresh French page per test.
browser = portal_fixtures.browser
page = portal_fixtures.page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Un-mot-de-passe-2026!"


@pytest.fixture(autouse=True)
def _isolated_settings(settings: Any) -> None:
    """Fast hashing (the private cache, seen by the live server's thread too: conftest)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def inventory(operator_a: Any) -> SimpleNamespace:
    pm = make_pm("DSNU-PM-GARE")
    block = make_building(pm, premises=3)
    flat = block.premises.order_by("door").last()
    _route(flat, pm, hops=3)
    _line(flat, operator_a, "PRP-0042", nd="0549112233")
    make_building(make_pm(), premises=2)  # noise the search must leave out
    return SimpleNamespace(pm=pm, block=block, flat=flat)


def _assert_no_blocking_violations(page: Page) -> None:
    violations, incomplete = blocking_axe_results(page)
    assert not violations, f"axe-core on {page.url}:\n" + describe_violations(violations)
    assert not incomplete, f"axe-core could not clear on {page.url}:\n" + describe_violations(
        incomplete
    )


def test_gen_06_agent_finds_a_premises_by_pto_and_sees_route_and_pm(
    page: Page, inventory: SimpleNamespace, provider_staff: Any
) -> None:
    server_errors = watch_server_errors(page)
    log_in(page, provider_staff.username, PASSWORD)
    expect(page).to_have_url(path_is("/back-office/"))

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Inventaire réseau"
    ).click()
    expect(page).to_have_url(path_is("/back-office/reseau/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inventaire réseau")

    page.get_by_label("Type de recherche").select_option(label="Référence PTO")
    page.get_by_label("Rechercher", exact=True).fill(inventory.flat.pto_reference.lower())
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_role("table")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text(inventory.flat.pto_reference)
    expect(results).to_contain_text("DSNU-PM-GARE")
    _assert_no_blocking_violations(page)

    results.get_by_role("link", name=re.compile("RUE DE LA GARE")).click()
    expect(page).to_have_url(path_is(f"/back-office/reseau/locaux/{inventory.flat.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(inventory.flat.pto_reference)
    route = page.get_by_role("region", name="Route optique")
    hops = route.get_by_role("table", name="Tronçons de la route, du PM vers la prise")
    expect(hops.locator("tbody tr td:nth-child(2)")).to_have_text(
        [f"FO-{inventory.flat.code}-{n}" for n in (1, 2, 3)]
    )
    expect(route).to_contain_text("MOD-03 / 17")
    expect(page.get_by_role("region", name="Lignes")).to_contain_text("Opérateur A (OPEA)")
    pm_section = page.get_by_role("region", name="PM et NRO")
    expect(pm_section).to_contain_text("Déployé")
    _assert_no_blocking_violations(page)

    pm_section.get_by_role("link", name="DSNU-PM-GARE").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Point de mutualisation DSNU-PM-GARE")
    expect(page.locator("#pm-states tfoot")).to_contain_text("3")
    _assert_no_blocking_violations(page)
    assert server_errors == []


def test_gen_06_import_page_follows_the_job_until_it_ends(page: Page, provider_staff: Any) -> None:
    job = ImportJob.objects.create(
        kind=ImportKind.IPE,
        source_name="ipe-79.csv",
        status=ImportStatus.RUNNING,
        started_at=timezone.now(),
        started_by=provider_staff.username,
    )
    cache.set(progress_key(job), (250, 1000))
    server_errors = watch_server_errors(page)
    try:
        log_in(page, provider_staff.username, PASSWORD)
        page.goto(f"/back-office/reseau/imports/{job.pk}/")
        expect(page.locator("#import-status")).to_have_text("En cours")
        expect(page.locator("#import-progress-text")).to_have_text("250 lignes sur 1000 (25 %)")
        _assert_no_blocking_violations(page)

        # The worker moves on, then finishes: the page follows without a click.
        cache.set(progress_key(job), (800, 1000))
        expect(page.locator("#import-progress-text")).to_have_text(
            "800 lignes sur 1000 (80 %)", timeout=10_000
        )
        ImportIssue.objects.create(
            job=job,
            severity=IssueSeverity.WARNING,
            table="ipe-79.csv",
            row=12,
            code="NET-006",
            message="Référence inconnue en colonne CodePM : X.",
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.SUCCEEDED,
            finished_at=timezone.now(),
            rows_done=1000,
            rows_total=1000,
            warning_count=1,
            counts={"immeubles": 1000},
        )
        expect(page.locator("#import-status")).to_have_text("Terminé", timeout=10_000)
        expect(
            page.get_by_role("table", name=re.compile("Erreurs et avertissements"))
        ).to_contain_text("NET-006")
        expect(
            page.get_by_role("link", name="Télécharger le rapport d'erreurs (CSV)")
        ).to_be_visible()
        _assert_no_blocking_violations(page)

        inventory_nav = page.get_by_role("navigation", name="Inventaire réseau")
        inventory_nav.get_by_role("link", name="Imports").click()
        history = page.get_by_role("table", name="Imports, du plus récent au plus ancien")
        expect(history.get_by_role("link", name="ipe-79.csv")).to_be_visible()
        _assert_no_blocking_violations(page)

        inventory_nav = page.get_by_role("navigation", name="Inventaire réseau")
        inventory_nav.get_by_role("link", name="Lancer un import").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Lancer un import")
        _assert_no_blocking_violations(page)
    finally:
        cache.delete(progress_key(job))
    assert server_errors == []
