"""Helpers shared by the browser tests (Playwright driving Debian Chromium)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def watch_server_errors(page: Page) -> list[str]:
    """Collect every 5xx answered to ``page``; the list fills as the test browses."""
    errors: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", on_response)
    return errors


def log_in(page: Page, login: str, password: str) -> None:
    """Fill the French login form through its labels and submit it."""
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def path_is(path: str) -> re.Pattern[str]:
    """A URL pattern for ``expect(page).to_have_url`` matching ``path`` and any query."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


# "Needs review" results that are not blocking: axe cannot compute a contrast over
# gradients, pseudo-elements or overlapping boxes; a person checks those by eye.
REVIEW_BY_EYE = frozenset({"color-contrast"})


def blocking_axe_results(page: Page) -> tuple[list[dict], list[dict]]:
    """Run axe-core on the page; return its serious or critical results.

    First the violations, then the "incomplete" ones (axe could not decide, e.g. an
    ``aria-label`` on an element that may not carry one) outside ``REVIEW_BY_EYE``.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]})
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    incomplete = [
        v
        for v in results.response["incomplete"]
        if v.get("impact") in BLOCKING_IMPACTS and v["id"] not in REVIEW_BY_EYE
    ]
    return violations, incomplete


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)
