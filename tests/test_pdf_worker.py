"""report.pdf's render worker (auditreport.pdf_worker), called in this process: the real WeasyPrint."""

from __future__ import annotations

import io

import pikepdf
import pytest

from auditreport.pdf_worker import CROSS_PART, no_fetch, render


def test_rendering_fetches_no_url():
    with pytest.raises(ValueError, match="does not fetch external resources"):
        no_fetch("https://example.com/x.css")


def test_a_part_keeps_its_links_to_other_parts_and_says_where_its_anchors_and_bookmarks_are():
    html = ('<h2 id="here">Here</h2><p><a href="#here">in this part</a> <a href="#elsewhere">in another</a> '
            '<a href="evidence/x.csv">a file</a></p><div style="break-before: page"><h3 id="two">Two</h3></div>')
    part = render({"html": html, "css": ["@page { size: A6; margin: 10mm }"]})
    assert len(part["pages"]) == 2
    (name, x, y), = part["pages"][0]["anchors"]
    assert name == "here" and 34 < x < 35 and 0 < y < 420  # 10 mm and the body's 8 px from the left, in points
    assert [b[:2] for p in part["pages"] for b in p["bookmarks"]] == [(2, "Here"), (3, "Two")]
    pdf = pikepdf.open(io.BytesIO(part["pdf"]))
    targets = [str(a.Dest) if "/Dest" in a else str(a.A.URI) for a in pdf.pages[0].obj.Annots]
    assert targets == ["here", CROSS_PART + "elsewhere", "evidence/x.csv"]  # WeasyPrint alone drops the second


def test_a_whole_document_is_written_as_weasyprint_writes_it():
    whole = render({"html": '<p><a href="#elsewhere">a link to no anchor</a></p>', "whole": True})
    pdf = pikepdf.open(io.BytesIO(whole["pdf"]))
    assert whole["pages"] == 1 and "/Annots" not in pdf.pages[0].obj  # dropped, as WeasyPrint does
