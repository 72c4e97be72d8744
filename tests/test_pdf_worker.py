"""report.pdf's render worker (auditreport.pdf_worker), called in this process: the real WeasyPrint."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from auditreport import pdf_worker
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


def test_slots_are_taken_out_of_the_anchors_with_their_boxes():
    """A listing's slot (lx-) and a contents' page number box (pn-): where WeasyPrint lays each out (left, top, right,
    bottom, in PDF points from the page's bottom left), never a named destination."""
    html = ('<h2 id="a">A</h2><span id="pn-0" style="float: right; width: 40px; height: 16px"></span>'
            '<div id="lx-c-0" style="height: 20px; width: 100px"></div>')
    part = render({"html": html, "css": ["@page { size: A6; margin: 10mm }"]})
    [page] = part["pages"]
    assert [name for name, _x, _y in page["anchors"]] == ["a"]
    boxes = {name: box for name, *box in page["slots"]}
    left, right = 28.35 + 6, 297.64 - 28.35 - 6  # A6 less 10 mm and the body's 8 px
    (number_left, number_top, number_right, number_bottom), listing = boxes["pn-0"], boxes["lx-c-0"]
    assert abs(number_right - right) < 0.05 and abs(number_right - number_left - 30) < 0.01
    assert abs(number_top - number_bottom - 12) < 0.01 and abs(number_top - listing[1]) < 0.01  # floated beside it
    assert abs(listing[0] - left) < 0.05 and abs(listing[2] - listing[0] - 75) < 0.01
    assert abs(listing[1] - listing[3] - 15) < 0.01
    pdf = pikepdf.open(io.BytesIO(part["pdf"]))
    assert [str(name) for name in pdf.Root.Names.Dests.Names[::2]] == ["a"]


def _sized_types(ffi) -> set:
    return {key for key in ffi._parsed_types if re.fullmatch(r"hb_codepoint_t\[\d+\]", key)}  # cffi's parsed types


def test_font_subsets_of_new_sizes_parse_no_new_array_type(monkeypatch):
    from weasyprint.text.ffi import ffi

    texts = ["Жёлтый " * 3, "Съешь же ещё этих мягких", "Эх, чужак, общий съём цен шляп (юфть)", "Щ" * 5]  # new sizes
    monkeypatch.delitem(vars(ffi), "new", raising=False)  # cffi's own ffi.new: every new size a new parse
    before = _sized_types(ffi)
    monkeypatch.setattr(pdf_worker, "_share_sized_array_types", lambda: None)
    for text in texts:
        render({"html": f"<p>{text} {len(text)}</p>"})
    assert len(_sized_types(ffi) - before) >= 2
    monkeypatch.undo()
    monkeypatch.delitem(vars(ffi), "new", raising=False)
    before = _sized_types(ffi)
    parsed = len(ffi._parsed_types)
    for text in texts:  # the same sizes shifted by a digit, and more
        render({"html": f"<p>{text.upper()} {text} 0123456789 {len(text) * 7}</p>"})
    assert _sized_types(ffi) == before and len(ffi._parsed_types) <= parsed + 1  # "hb_codepoint_t[]", once


def test_a_sized_array_is_the_same_array_and_anything_else_passes_through():
    from weasyprint.text.ffi import ffi

    render({"html": "<p>x</p>"})  # the first document shares the sized array types
    parsed = len(ffi._parsed_types)
    arrays = [ffi.new(f"hb_codepoint_t[{n}]", list(range(n))) for n in (9001, 9002)] + [
        ffi.new("unsigned int [3]", (7, 8, 9))]
    assert len(ffi._parsed_types) <= parsed + 1  # "unsigned int[]" at most, never a sized one
    assert [len(a) for a in arrays] == [9001, 9002, 3] and list(arrays[1])[-2:] == [9000, 9001]
    assert list(arrays[2]) == [7, 8, 9] and ffi.sizeof(arrays[2]) == 3 * ffi.sizeof("unsigned int")
    short = ffi.new("int[5]", [1, 2])  # fewer items: the rest zero, as cffi does
    assert ffi.typeof(short) is ffi.typeof("int[5]") and list(short) == [1, 2, 0, 0, 0]
    text = ffi.new("char[4]", b"abcd")  # bytes: "char[]" would add a NUL
    assert ffi.typeof(text) is ffi.typeof("char[4]") and ffi.sizeof(text) == 4
    grid = ffi.new("int[2][2]", [[1, 2], [3, 4]])
    assert ffi.typeof(grid) is ffi.typeof("int[2][2]") and list(grid[1]) == [3, 4]


def test_a_part_is_the_same_pdf_with_sized_array_types_shared_or_not(monkeypatch):
    from weasyprint.text.ffi import ffi

    task = {"html": '<h2 id="a">Ünïcode ½ — “quotes”</h2><p style="font-family: monospace">mono 0123</p>'
                    '<p><b>bold</b> <i>italic</i> Ελληνικά</p>', "css": ["@page { size: A6 }"]}
    shared = render(task)
    assert "new" in vars(ffi)
    monkeypatch.delitem(vars(ffi), "new")
    monkeypatch.setattr(pdf_worker, "_share_sized_array_types", lambda: None)
    assert render(task) == shared


def test_a_part_renders_with_the_collector_paused_and_leaves_it_as_it_found_it(monkeypatch):
    import gc

    seen = []
    layout = pdf_worker._layout
    monkeypatch.setattr(pdf_worker, "_layout", lambda *a, **k: (seen.append(gc.isenabled()), layout(*a, **k))[1])
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            part = render({"html": "<p>one</p>", "css": []})
            assert gc.isenabled() is enabled and len(part["pages"]) == 1
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False]  # paused while laying out, either way
