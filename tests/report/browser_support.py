"""report.html in a real browser: Debian's Chromium, headless, driven by Playwright (which cannot download its own
browsers here: `make install-test` installs `chromium` through scripts/ensure-system-deps.sh --test).

``open_report(path)`` loads the file with every request recorded and every one but the file itself refused, so a
test can assert that the page asked for nothing; page errors and console errors are recorded too. A request the
page's Content-Security-Policy refuses is still reported by the browser (then failed, "csp"), but never reaches the
network: ``sent`` lists only those that did.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_HINT = "chromium is missing: run scripts/ensure-system-deps.sh --test (apt-get install chromium)"


def chromium_path() -> str:
    """AUDITREPORT_CHROMIUM, else Debian's `chromium` on PATH. A missing browser fails the test, never skips it."""
    found = os.environ.get("AUDITREPORT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail(CHROMIUM_HINT, pytrace=False)
    return found


@dataclass
class Visit:
    page: object  # playwright.sync_api.Page
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, the report's own first
    sent: list[str] = field(default_factory=list)  # those that left the page for the network (here: refused by us)
    refused_by_policy: list[str] = field(default_factory=list)  # those the Content-Security-Policy stopped
    errors: list[str] = field(default_factory=list)  # uncaught script errors and console errors

    def visible_rows(self, table_selector: str, column: int = 1) -> list[str]:
        """The text of cell ``column`` of each record of the table the browser shows (a record is a row, or a
        tbody of rows for evidence tables), in page order."""
        return self.page.eval_on_selector(table_selector, """(table, column) => {
            const grouped = table.tBodies.length > 1 || table.dataset.record === "tbody";
            const recs = grouped ? [...table.tBodies] : [...table.tBodies[0].rows];
            return recs.filter(r => r.getClientRects().length > 0)
                       .map(r => (r.tagName === "TBODY" ? r.rows[0] : r).cells[column].innerText.trim());
        }""", column)


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path(), args=["--disable-gpu"])
        try:
            yield instance
        finally:
            instance.close()


def open_report(instance, path: Path, **context_options) -> Visit:
    """A fresh page with ``path`` loaded; requests other than the file itself are refused (and recorded)."""
    url = path.resolve().as_uri()
    context = instance.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    page = context.new_page()
    visit = Visit(page)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("pageerror", lambda error: visit.errors.append(f"page error: {error}"))
    page.on("console", lambda msg: visit.errors.append(f"console error: {msg.text}") if msg.type == "error" else None)
    page.on("requestfailed", lambda request: visit.refused_by_policy.append(request.url)
            if request.failure == "csp" else None)  # fmt: skip

    def network(route):
        visit.sent.append(route.request.url)
        route.continue_() if route.request.url == url else route.abort()

    page.route("**/*", network)
    page.goto(url, wait_until="load")
    return visit
