"""evidence_rows.py: the rows a finding shows, the columns split into a grid and labelled lines, and report.pdf's
fixed-width listing of them, which must hold the same text as report.html's table."""

from __future__ import annotations

from sample_run import UNAPPROVED, make_result

from auditreport.report.evidence_rows import LISTING_CHARS, cited_keys, evidence_view, layout_columns, wrap_value
from auditreport.report.order import ordered_rows


def test_layout_puts_long_values_on_their_own_line():
    grid, lines, widths = layout_columns(["resource", "arn", "n"], [["r1", "a" * 90, "1"], ["r2", "b" * 90, "2"]])
    assert grid == [0, 2] and lines == [1]
    assert abs(sum(widths) - 87.0) < 0.05
    assert layout_columns(["document"], [["x" * 200]])[0] == [0]  # at least one grid column


def test_wrap_value_keeps_every_character_and_breaks_after_separators():
    arn = "arn:aws:sagemaker:eu-west-1:111122223333:model-package/fraud-detection-transaction-scoring/17"
    parts = wrap_value(arn, 40)
    assert "".join(parts) == arn and all(len(p) <= 40 for p in parts)
    assert parts[0].endswith((":", "/", "-"))  # at a separator, not mid-word, when one is near the end
    assert wrap_value("x" * 95, 40) == ["x" * 40, "x" * 40, "x" * 15]  # a hash or key: cut at the width
    assert wrap_value("two words", 40) == ["two words"]


def _unapproved(cap=25):
    cr = next(c for c in make_result().checks if c.check.id == UNAPPROVED)
    return cr, evidence_view(cr, cap)


def test_the_listing_holds_every_value_and_reason_of_the_rows_shown_within_the_page_width():
    _cr, ev = _unapproved()
    assert len(ev.listing.rows) == len(ev.rows) == 25 and ev.hidden_rows == 15
    for row, shown in zip(ev.rows, ev.listing.rows):
        text = f"{shown.number} {shown.label} {shown.body}\n{shown.reason}"
        assert all(len(line) <= LISTING_CHARS for line in text.splitlines()), text
        flat = "".join(text.split())
        for value in [*row.cells, *(v for _c, v in row.lines), row.reason]:
            assert "".join((value or "—").split()) in flat  # wrapped, never dropped
        assert shown.label.strip() == row.status.upper() and int(shown.number) == row.n
    header = ev.listing.header.split()
    assert header[:2] == ["#", "status"] and "account_id" in header
    assert "".join(ev.listing.header.split()).count("model_package_arn") == 0  # a labelled line, not a column
    assert "model_package_arn" in ev.listing.rows[0].body


def test_the_listing_aligns_the_grid_under_its_header():
    _cr, ev = _unapproved()
    header_line = ev.listing.header.splitlines()[0]
    first = f"{ev.listing.rows[0].number} {ev.listing.rows[0].label} {ev.listing.rows[0].body.splitlines()[0]}"
    checked = 0
    for col, value in zip(ev.grid_columns, ev.rows[0].cells):
        if col in header_line.split():  # a name on one line (a long one wraps after an underscore)
            assert first[header_line.index(col):].startswith(value), (col, value)
            checked += 1
    assert checked >= 3


def test_a_null_is_a_dash_and_newlines_in_a_value_stay_on_the_value_s_lines():
    cr, _ev = _unapproved()
    i = next(i for i, r in enumerate(cr.rows) if r["status"] == "fail")  # row 1: failing rows come first
    cr.rows[i] = dict(cr.rows[i], account_id=None, reason="line one\nline two")
    ev = evidence_view(cr, 25)
    row = next(r for r in ev.listing.rows if r.number.strip() == "1")
    assert "—" in row.body.splitlines()[0]
    assert row.reason.splitlines()[0].split()[-4:] == ["line", "one", "line", "two"]


def test_when_the_grid_is_too_wide_the_widest_columns_give_way():
    from auditreport.report.evidence_rows import _grid_widths

    assert _grid_widths([12, 9, 30, 20], 80) == [12, 9, 30, 20]  # fits: as wanted
    widths = _grid_widths([12, 9, 40, 20, 20], 80)
    assert widths[:2] == [12, 9] and sum(widths) + 2 * 4 <= 80  # account id and region stay whole


def test_cited_keys_are_the_source_keys_of_the_shown_rows_only():
    rows = [{"source_key": "a.json", "status": "fail"}, {"source_keys": ["b.json", None, "", "a.json"]},
            {"source_key": None, "resource": "x"}, {"source_keys": ("c.json",)}]
    assert cited_keys(rows) == {"a.json", "b.json", "c.json"} and cited_keys([{"resource": "x"}]) == frozenset()
    cr = next(c for c in make_result().checks if c.check.id == UNAPPROVED)
    for i, row in enumerate(cr.rows):
        row["source_key"] = f"k/{i}.json"
    shown = evidence_view(cr, 2)
    assert shown.cited_keys == {r["source_key"] for r in ordered_rows(cr)[:2]} and len(cr.rows) > 2
