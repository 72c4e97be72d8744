"""report.html in headless Chromium: header buttons sort the tables (numbers, times and sizes by value, statuses by
rank, by mouse or keyboard, with aria-sort), a box filters each long table, the findings filter by status,
severity, domain and framework, and the page asks the network for nothing (its Content-Security-Policy refuses
even markup that got in)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import open_report
from sample_run import UNAPPROVED

from auditreport.report.html import report_script

EVIDENCE = f"#check-{UNAPPROVED} table.evidence"


@pytest.fixture
def visit(chromium, report_dir: Path):
    """The session's hand-built report (every status; 25 of 40 evidence rows of UNAPPROVED shown), fresh."""
    v = open_report(chromium, report_dir / "report.html")
    yield v
    v.page.context.close()
    assert v.errors == []


def header_button(visit, table: str, label: str):
    return visit.page.locator(f"{table} thead th button.sort-button", has_text=label).first


def aria_sort(visit, table: str, label: str) -> str | None:
    return visit.page.locator(f"{table} thead th", has_text=label).first.get_attribute("aria-sort")


def test_a_header_button_sorts_numbers_by_value_both_ways(visit):
    shown = [int(n) for n in visit.visible_rows(EVIDENCE, 0)]
    assert shown == list(range(1, 26)) and aria_sort(visit, EVIDENCE, "#") is None
    header_button(visit, EVIDENCE, "#").click()
    assert aria_sort(visit, EVIDENCE, "#") == "ascending"
    assert [int(n) for n in visit.visible_rows(EVIDENCE, 0)] == list(range(1, 26))  # 1, 2, ... not 1, 10, 11
    header_button(visit, EVIDENCE, "#").click()
    assert aria_sort(visit, EVIDENCE, "#") == "descending"
    assert [int(n) for n in visit.visible_rows(EVIDENCE, 0)] == list(range(25, 0, -1))
    # an evidence row moves whole: its reason sentence stays under its own row
    first = visit.page.locator(f"{EVIDENCE} tbody").first
    assert first.locator("td.c-n").first.inner_text() == "25"
    assert "fraud-scoring-endpoint-" in first.locator("td.reason").inner_text()


def test_status_sorts_by_rank_and_only_the_sorted_column_has_aria_sort(visit):
    header_button(visit, EVIDENCE, "#").click()
    header_button(visit, EVIDENCE, "status").click()
    assert aria_sort(visit, EVIDENCE, "#") is None and aria_sort(visit, EVIDENCE, "status") == "ascending"
    statuses = visit.visible_rows(EVIDENCE, 1)
    assert statuses == ["FAIL"] * 13 + ["PASS"] * 12
    header_button(visit, EVIDENCE, "status").click()
    assert visit.visible_rows(EVIDENCE, 1) == ["PASS"] * 12 + ["FAIL"] * 13


def test_sorting_works_from_the_keyboard(visit):
    written = visit.visible_rows(EVIDENCE, 6)  # failing rows first, so not in time order
    header_button(visit, EVIDENCE, "modified").focus()
    visit.page.keyboard.press("Enter")
    times = visit.visible_rows(EVIDENCE, 6)
    assert times == sorted(written) != written and len(set(times)) == 25
    visit.page.keyboard.press("Space")
    assert visit.visible_rows(EVIDENCE, 6) == sorted(times, reverse=True)
    assert aria_sort(visit, EVIDENCE, "modified") == "descending"


def test_the_filter_box_keeps_rows_holding_every_word(visit):
    box = visit.page.locator(f"#check-{UNAPPROVED} .table-tools input[type=search]")
    count = visit.page.locator(f"#check-{UNAPPROVED} .table-tools .filter-count")
    assert count.inner_text() == "25 rows"
    # its name says which table it filters, to a screen reader too (the visible label is "Filter rows")
    title = visit.page.locator(f"#check-{UNAPPROVED} h3").inner_text()
    assert visit.page.get_by_role("searchbox", name=f"Filter rows of Evidence rows of {title}", exact=True).count() == 1
    box.fill("endpoint-04")
    assert visit.visible_rows(EVIDENCE, 2) == ["111122223333"] and count.inner_text() == "1 of 25 rows shown"
    row = visit.page.locator(f"{EVIDENCE} tbody:visible")
    assert "fraud-scoring-endpoint-04" in row.inner_text()
    box.fill("pendingmanualapproval  EU-WEST-1")  # any case, every word, anywhere in the row
    assert visit.visible_rows(EVIDENCE, 1) == ["FAIL"] * 13
    box.fill("no-such-text")
    assert visit.visible_rows(EVIDENCE, 1) == [] and count.inner_text() == "0 of 25 rows shown"
    box.fill("")
    assert len(visit.visible_rows(EVIDENCE, 1)) == 25


def test_the_findings_filter_by_status_severity_domain_and_framework(visit):
    page = visit.page
    items = "#findings [data-check]"

    def shown() -> list[dict]:
        return page.eval_on_selector_all(items, """els => els.filter(e => e.getClientRects().length > 0)
            .map(e => ({id: e.dataset.check, status: e.dataset.status, severity: e.dataset.severity,
                        domain: e.dataset.domain, frameworks: JSON.parse(e.dataset.frameworks)}))""")

    everything = shown()
    assert len(everything) == 8
    count = page.locator(".findings-filter .filter-count")
    assert count.inner_text() == "8 checks"
    page.select_option("#findings-filter-status", "pass")
    assert {c["status"] for c in shown()} == {"pass"} and len(shown()) == 2
    assert page.locator("#passing").is_visible() and count.inner_text() == "2 of 8 checks shown"
    page.select_option("#findings-filter-status", "fail")
    assert page.locator("#passing").is_hidden()  # no passing check left: the block goes
    page.select_option("#findings-filter-severity", "critical")
    assert [c["id"] for c in shown()] == [UNAPPROVED]
    page.click(".findings-filter button.filter-reset")
    assert len(shown()) == 8
    domain = everything[-1]["domain"]
    page.select_option("#findings-filter-domain", domain)
    assert shown() == [c for c in everything if c["domain"] == domain]
    page.click(".findings-filter button.filter-reset")
    named = [name for c in everything for name in c["frameworks"]]
    framework = min(set(named), key=lambda name: (named.count(name), name))  # one that some checks lack
    page.select_option("#findings-filter-frameworks", label=framework)
    assert shown() == [c for c in everything if framework in c["frameworks"]] and 0 < len(shown()) < 8


def test_sorting_compares_values_not_text(chromium, tmp_path: Path):
    """The same script on a table of every kind of value it sorts: numbers with separators, sizes, times with
    offsets, natural text, and empty cells (last in both directions)."""
    rows = [("1,200", "900 B", "2026-10-02T09:00:00+02:00", "item 10"), ("950", "2.0 KiB", "2026-10-02T08:00:00Z", "item 9"),
            ("—", "", "", ""), ("13", "1.0 MiB", "2026-10-01 23:00:00 UTC", "Item 1")]  # fmt: skip
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows)
    page_path = tmp_path / "t.html"
    page_path.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
                         '<table class="list" aria-label="t"><thead><tr><th>n</th><th>size</th><th>time</th><th>name</th>'
                         f"</tr></thead><tbody>{body}</tbody></table><script>{report_script()}</script></body></html>",
                         encoding="utf-8")  # fmt: skip
    visit = open_report(chromium, page_path)
    try:
        expected = {"n": ["13", "950", "1,200", "—"], "size": ["900 B", "2.0 KiB", "1.0 MiB", ""],
                    "time": ["2026-10-01 23:00:00 UTC", "2026-10-02T09:00:00+02:00", "2026-10-02T08:00:00Z", ""],
                    "name": ["Item 1", "item 9", "item 10", ""]}  # fmt: skip
        for col, (label, ascending) in enumerate(expected.items()):
            header_button(visit, "table", label).click()
            assert visit.visible_rows("table", col) == ascending, label
            header_button(visit, "table", label).click()
            assert visit.visible_rows("table", col) == ascending[-2::-1] + ascending[-1:], label
        assert visit.errors == []
    finally:
        visit.page.context.close()


# ---------- nothing from the network ----------

def test_the_sample_months_report_asks_for_nothing_and_runs_cleanly(chromium, sample_month_dir: Path):
    path = sample_month_dir / "report.html"
    visit = open_report(chromium, path)
    try:
        assert visit.requests == visit.sent == [path.resolve().as_uri()]
        assert visit.page.locator("button.sort-button").count() > 100  # the script ran: tables are enhanced
        assert visit.errors == []
    finally:
        visit.page.context.close()


def test_the_content_security_policy_refuses_markup_that_got_in(chromium, sample_month_dir: Path, tmp_path: Path):
    """Were escaping ever to fail, injected markup could neither fetch nor run; without the policy the same
    injection does both (so the recorder sees requests and the test can fail)."""
    html = (sample_month_dir / "report.html").read_text(encoding="utf-8")
    injected = ('<img src="http://127.0.0.1:9/leak.png" alt="x"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
                '<script>document.title = "ran"</script>')  # fmt: skip
    hostile = html.replace("<main ", injected + "<main ", 1)
    guarded, open_page = tmp_path / "guarded.html", tmp_path / "open.html"
    guarded.write_text(hostile, encoding="utf-8")
    start = hostile.index('<meta http-equiv="Content-Security-Policy"')
    open_page.write_text(hostile[:start] + hostile[hostile.index(">", start) + 1:], encoding="utf-8")

    visit = open_report(chromium, guarded)
    try:
        assert visit.sent == [guarded.resolve().as_uri()] and visit.page.title() != "ran"
        assert sorted(visit.refused_by_policy) == ["http://127.0.0.1:9/leak.png", "http://127.0.0.1:9/x.css"]
        assert any("Content Security Policy" in e for e in visit.errors)
        assert visit.page.locator("button.sort-button").count() > 100  # our own script still runs
    finally:
        visit.page.context.close()
    visit = open_report(chromium, open_page)
    try:
        assert "http://127.0.0.1:9/leak.png" in visit.sent and visit.page.title() == "ran"
    finally:
        visit.page.context.close()


def test_findings_carry_what_the_filter_reads(html: str):
    import re

    attrs = re.findall(r'<(?:article|tr) [^>]*data-check="([^"]+)" data-status="(\w+)" data-severity="(\w+)" '
                       r"data-domain=\"(\w*)\" data-frameworks='([^']*)'", html)  # fmt: skip
    assert len(attrs) == 8
    for _id, _status, _severity, _domain, frameworks in attrs:
        assert all(isinstance(name, str) and name for name in json.loads(frameworks))
