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


def blocking_axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page; return the violations of impact serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)
