"""pdf_pages.py: the pages we draw ourselves take report.css's palette."""

from __future__ import annotations

from auditreport.checks.model import CHECK_STATUSES
from auditreport.report.pdf_pages import PALETTE
from auditreport.report.sql_pdf import STATUS_COLOURS


def test_the_palette_is_report_css_s_and_every_status_has_its_badge_colours():
    assert PALETTE["ink"] == (0x1D, 0x24, 0x33) and PALETTE["paper-tint"] == (0xF6, 0xF7, 0xF9)
    assert set(STATUS_COLOURS) == set(CHECK_STATUSES)
    assert STATUS_COLOURS["fail"] == (PALETTE["fail"], PALETTE["fail-bg"])
