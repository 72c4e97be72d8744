"""report.pdf's parts joined (auditreport.report.pdf_join) read as WeasyPrint's render of the whole HTML: proved on a
report shaped like ours (report_support.paged_report_html) rendered both ways by the real WeasyPrint."""

from __future__ import annotations

import re

import pytest
from report_support import page_lines, paged_report_html, pdf_reading, whole_render

from auditreport.report.pdf import report_pdf_bytes
from auditreport.report.pdf_join import bookmark_tree


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict, dict]:
    tmp = tmp_path_factory.mktemp("join")
    html = paged_report_html()
    return pdf_reading(whole_render(html), tmp), pdf_reading(report_pdf_bytes(html, tmp / "report.pdf"), tmp)


def test_the_joined_pdf_has_the_whole_render_s_pages_text_and_page_numbers(both):
    whole, joined = both
    """The margin lines are drawn in DejaVu Sans (WeasyPrint's face for them may be another): the same text."""
    assert joined["pages"] == whole["pages"] > 5
    assert joined["text"] == whole["text"]
    assert page_lines(joined["text-layout"]) == page_lines(whole["text-layout"])
    n = joined["pages"]
    assert [f"Page {i} of {n}" in page for i, page in enumerate(joined["text"].split("\f")[:n], 1)] == [True] * n
    pages = joined["text"].split("\f")[:n]
    assert all("Run r-1\n" in page for page in pages)  # the cover's strings in every page's margin boxes
    head = "Example & Org\n\n3 of 12 checks failed\n\nOctober 2026\n"
    assert all(page.startswith(head) for page in pages[1:]) and not pages[0].startswith(head)  # none on page 1


def test_contents_page_numbers_are_where_the_sections_are(both):
    _whole, joined = both
    contents = joined["text-layout"].split("\f")[1]
    for anchor, label in [("summary", "Summary"), ("findings", "Findings"), ("appendix", "Appendix"),
                          ("f3", "Finding 3")]:
        shown = re.search(rf"\d\. {label} +(\d+)$", contents, re.M)
        assert shown and int(shown.group(1)) == joined["dests"][anchor][0] + 1 > 2, (label, contents)


def test_links_across_parts_land_on_their_anchors_and_a_link_to_no_anchor_is_dropped(both):
    whole, joined = both
    assert joined["dests"] == whole["dests"]  # every anchor, where it is, once
    assert joined["links"] == whole["links"]  # every link, its rectangle and target
    targets = {target for _page, target, _rect in joined["links"]}
    assert {"f5", "sql-3", "summary", "evidence/x.csv"} <= targets and "nowhere" not in targets
    assert not any(t.startswith("auditreport-dest:") for t in targets)


def test_outline_metadata_and_language_are_the_whole_render_s(both):
    whole, joined = both
    assert joined["outline"] == whole["outline"]
    levels = {level for level, *_rest in joined["outline"]}
    assert levels == {0, 1, 2, 3} and any(closed for *_rest, closed in joined["outline"])  # h5 under h3; h4 closed
    assert joined["info"] == whole["info"] and joined["info"]["/Title"] == "Paged report"
    assert joined["lang"] == whole["lang"] == "en"


def test_a_clipped_line_s_ellipsis_reads_as_in_the_whole_render(both):
    """WeasyPrint maps a glyph to the text it first drew it for: in the whole document the ellipsis is first the
    cover's literal one; alone, the summary's part would map it to the words the clipped line hides."""
    _whole, joined = both
    assert "literal … here" in joined["text"] and "narrow cell" not in joined["text"]


def test_bookmark_tree_follows_weasyprint_s_rule_for_skipped_levels():
    from weasyprint import HTML

    levels = [2, 5, 3, 2, 4, 6, 1, 3, 2]
    html = "".join(f"<h{n}>t{i}</h{n}>" for i, n in enumerate(levels))
    document = HTML(string=html).render()

    def shape(trees, label_of):
        return [(label_of(t), shape(t[2] if len(t) == 4 else t[5], label_of)) for t in trees]

    expected = shape(document.make_bookmark_tree(), lambda t: t[0])
    flat = [(0, level, label, 0, 0, "open") for level, label, _xy, _state in document.pages[0].bookmarks]
    assert shape(bookmark_tree(flat), lambda t: t[0]) == expected
    assert len(expected) == 3  # t0 (h2) with children, t3 (h2), t6 (h1) with children


def test_the_same_html_gives_the_same_bytes(tmp_path):
    """Every object named as the content gives it (the page overlay of margin boxes too: pikepdf names one at
    random), so a re-run on the same inputs writes the same report.pdf outside its run metadata."""
    html = paged_report_html()
    assert report_pdf_bytes(html, tmp_path / "a.pdf") == report_pdf_bytes(html, tmp_path / "b.pdf")
