"""report.html on paper: the print stylesheet (a browser's print, and WeasyPrint's PDF, which reads the same
@media print rules) shows no control, prints the rows a filter hid, and keeps the colours of status marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import open_report
from sample_run import UNAPPROVED

CONTROL_WORDS = ("Filter rows", "Show checks", "words in a row", "rows shown", "Show all")


@pytest.fixture
def printed(chromium, report_dir: Path):
    """The hand-built report in Chromium, a filter typed, then seen as print media."""
    visit = open_report(chromium, report_dir / "report.html")
    visit.page.locator(f"#check-{UNAPPROVED} .table-tools input").fill("endpoint-04")
    visit.page.select_option("#findings-filter-status", "fail")
    visit.page.emulate_media(media="print")
    yield visit
    visit.page.context.close()


def test_print_hides_the_controls_but_not_the_header_text(printed):
    page = printed.page
    assert page.locator(".js-ui").count() >= 2 and all(not e.is_visible() for e in page.locator(".js-ui").all())
    assert all(not e.is_visible() for e in page.locator(".sort-mark").all())
    head = page.locator(f"#check-{UNAPPROVED} table.evidence thead th").nth(1)
    assert head.inner_text().strip() == "status" and head.locator("button").is_visible()


def test_print_shows_every_row_and_check_a_filter_hid(printed):
    assert len(printed.visible_rows(f"#check-{UNAPPROVED} table.evidence", 0)) == 25
    assert printed.page.locator("#passing").is_visible()
    assert printed.page.locator("#findings [data-check]:visible").count() == 8


def test_print_keeps_the_colour_of_status_marks(printed):
    adjust = printed.page.eval_on_selector(".badge-fail", "e => getComputedStyle(e).webkitPrintColorAdjust")
    assert adjust == "exact"


def test_chromium_prints_the_whole_report_without_controls(printed, tmp_path: Path):
    import subprocess

    pdf = tmp_path / "printed.pdf"
    printed.page.pdf(path=str(pdf), format="A4", print_background=False)
    shown = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "fraud-scoring-endpoint-05" in shown and "Passing checks" in shown  # what the filters hid
    assert not [w for w in CONTROL_WORDS if w in shown]


def test_the_pdf_holds_no_control_either(pdf_text: str):
    assert not [w for w in CONTROL_WORDS if w in pdf_text]
    assert "Findings" in pdf_text and "Evidence" in pdf_text  # the text was read
