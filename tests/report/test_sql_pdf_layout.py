"""sql_pdf_layout.py: report-sql.pdf's listing rows, lossless and within the panel."""

from __future__ import annotations

import pytest

from auditreport.report.pdf_font import EmbeddedFont, find_font
from auditreport.report.sql_pdf_layout import listing_rows


@pytest.fixture(scope="module")
def mono() -> EmbeddedFont:
    return EmbeddedFont(find_font("DejaVuSansMono.ttf", "DejaVu Sans Mono"), "F1")


def _joined(rows) -> str:
    return "".join(actual or shown for row in rows for shown, actual in row)


def test_a_line_that_fits_is_one_row(mono: EmbeddedFont):
    assert listing_rows("select 1 as x", mono, 20) == [[("select 1 as x", None)]]


def test_a_long_line_breaks_after_a_space_past_the_middle_else_at_the_column(mono: EmbeddedFont):
    rows = listing_rows("select alpha, beta, gamma, delta", mono, 20)
    assert [r[0][0] for r in rows] == ["select alpha, beta, ", "gamma, delta"]
    rows = listing_rows("x" * 45, mono, 20)
    assert [len(r[0][0]) for r in rows] == [20, 20, 5]
    assert _joined(rows) == "x" * 45


def test_a_character_the_font_lacks_is_its_code_point_carrying_the_character(mono: EmbeddedFont):
    rows = listing_rows("select '中' as x", mono, 40)
    assert rows == [[("select '", None), ("\u27e8U+4E2D\u27e9", "中"), ("' as x", None)]]
    long = "select '" + "中" * 10 + "' from t"  # nine columns each: wrapped between substitutes, never inside one
    rows = listing_rows(long, mono, 20)
    assert _joined(rows) == long and all(sum(len(s) for s, _ in r) <= 20 for r in rows)


def test_tabs_are_columns_as_a_pre_shows_them(mono: EmbeddedFont):
    assert listing_rows("\tx", mono, 20) == [[("        x", None)]]
