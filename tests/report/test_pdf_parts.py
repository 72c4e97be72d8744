"""report.pdf's HTML cut at its forced page breaks (auditreport.report.pdf_parts)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from report_support import PAGED_CSS, paged_report_html

from auditreport.report.pdf_margins import STRING_CLASSES
from auditreport.report.pdf_parts import (CONTENTS_CSS, PART_CSS, CannotSplit, number_targets, page_numbers,
                                         part_task, split_report)


def test_the_report_splits_into_its_top_level_sections_each_in_its_landmark():
    split = split_report(paged_report_html())
    ids = [re.search(r'id="([^"]+)"', s.html).group(1) for s in split.sections]
    assert ids == ["cover", "contents", "summary", "findings", "appendix"]
    assert [s.wrappers for s in split.sections] == [("<header>",), ("<nav>",)] + [('<main id="main">',)] * 3
    assert split.styles == (PAGED_CSS,) and "<style" not in split.head and "<title>Paged report</title>" in split.head
    assert split.sections[1].is_contents and not any(s.is_contents for s in split.sections[2:])


def test_a_part_is_its_sections_in_their_landmarks_with_the_style_sheets_apart():
    split = split_report(paged_report_html())
    task = split.task(split.sections[2:4], PART_CSS)
    assert task["css"] == [PAGED_CSS, PART_CSS]
    body = task["html"][task["html"].index("<body"):]
    assert body.count('<main id="main">') == 1 and body.count("</main>") == 1
    assert 'id="summary"' in body and 'id="findings"' in body and 'id="appendix"' not in body
    assert "<script" not in body and 'id="cover"' not in body


def test_a_part_draws_no_margin_box():
    for box in ("top-left", "top-center", "bottom-right", "bottom-right-corner", "left-middle"):
        assert f"@{box} {{ content: none; }}" in PART_CSS
    assert PART_CSS.startswith("@page {")


def test_every_anchor_is_numbered_by_the_first_page_holding_it():
    assert page_numbers([["cover"], [], ["summary", "x"], ["x", "f1"]]) == {"cover": 1, "summary": 3, "x": 3, "f1": 4}


def test_the_contents_is_a_part_with_a_slot_for_each_page_number_box_and_the_others_are_as_they_are():
    split = split_report(paged_report_html(extra_section='<section class="major" id="a&quot;b"></section>'))
    split.sections[1] = replace(split.sections[1], html=split.sections[1].html.replace(
        "</ol>", '<li class="toc-l2"><a href="#a&quot;b"><span class="toc-pg" data-href="#a&quot;b"></span>Quoted</a>'
                 '</li><li><a href="#gone">Gone</a></li></ol>'))
    task = part_task(split, split.sections[1])
    assert task["css"] == [PAGED_CSS, PART_CSS + CONTENTS_CSS] and 'id="summary"' not in task["html"]
    assert 'id="cover"' not in task["html"]
    boxes = re.findall(r'<span class="toc-pg"[^>]*>', task["html"])
    assert boxes == [f'<span class="toc-pg" data-href="#{a}" id="pn-{i}">'
                     for i, a in enumerate(["summary", "findings", "appendix", "f3", "a&quot;b"])]
    assert number_targets(split) == {"pn-0": "summary", "pn-1": "findings", "pn-2": "appendix", "pn-3": "f3",
                                     "pn-4": 'a"b'}  # a link without a box ("gone") has no number, as in report.css
    for section in split.sections[:1] + split.sections[2:]:
        assert part_task(split, section) == split.task([section], PART_CSS)


@pytest.mark.parametrize("body, why", [
    ('<section class="major">a</section><p>loose text</p><section class="major">b</section>', "text between"),
    ('<section class="major"><section>a</section>', "unbalanced"),
    ('<main><section class="major">a</section></nav>', "closes no open"),
    ("<p>no sections at all</p>", "unbalanced"),
])  # fmt: skip
def test_html_that_is_not_a_run_of_sections_is_not_cut(body, why):
    with pytest.raises(CannotSplit, match=why):
        split_report(f"<html><head></head><body>{body}</body></html>")


def test_the_contents_part_lays_its_page_number_boxes_out_empty_and_says_where_each_is(tmp_path):
    from report_support import pdf_reading

    from auditreport.pdf_worker import render
    from auditreport.report.pdf_contents import LINE_HEIGHT
    from auditreport.report.pdf_pages import PAGE_W, RIGHT

    split = split_report(paged_report_html())
    part = render(part_task(split, split.sections[1]))
    assert len(part["pages"]) == 1 and [name for name, _x, _y in part["pages"][0]["anchors"]] == ["contents"]
    lines = [" ".join(line.split()) for line in pdf_reading(part["pdf"], tmp_path)["text-layout"].splitlines()]
    assert [line for line in lines if line] == ["Contents", "1. Summary", "2. Findings", "3. Appendix", "4. Finding 3"]
    slots = part["pages"][0]["slots"]
    assert [name for name, *_box in slots] == ["pn-0", "pn-1", "pn-2", "pn-3"]
    for _name, left, top, right, bottom in slots:  # a line of 12 pt (16 px) at the content's right (less 8 px)
        assert abs(right - (PAGE_W - RIGHT - 6)) < 0.01 and abs(top - bottom - 12 * LINE_HEIGHT) < 0.01
        assert 20 < right - left < 30  # three digits and the gap before them


def test_the_template_keeps_what_rendering_in_parts_assumes():
    """The margin boxes are drawn apart (pdf_margins), from the cover's strings, and the contents' page numbers drawn
    into boxes the parts lay out empty (pdf_parts.CONTENTS_CSS, pdf_contents): that holds while every string the
    running heads use is set on the cover, every page has the one @page box, the contents' boxes are report.css's one
    target-counter(), as wide whatever the number, with no padding above or at the right, in the body's line
    height, and the contents' template writes them."""
    from auditreport.report.pdf_contents import LINE_HEIGHT
    from auditreport.report.pdf_pages import MUTED
    from auditreport.resources import templates_dir

    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]+)\{[^}]*string-set", css)
    setters = {c for selector in rules for c in re.findall(r"\.([\w-]+)", selector)}
    assert setters == {"cover-org", "cover-period", "run-id", "running-head"}
    for partial in (templates_dir() / "partials").glob("*.j2"):
        uses = {c for c in setters if re.search(rf'class="[^"]*\b{c}\b', partial.read_text(encoding="utf-8"))}
        assert not uses or partial.name == "cover.html.j2", (partial.name, uses)
    assert not re.search(r"@page\s+[\w-]+|[{;]\s*page\s*:", css)  # no named pages
    counters = re.findall(r"([^{}]+)\{[^}]*target-counter", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    assert [" ".join(c.split()) for c in counters] == [CONTENTS_CSS.split(" {")[0]] == [".toc-pg::before"]
    box = dict(re.findall(r"([\w-]+): ([^;]+);", re.search(r"^  \.toc-pg \{([^}]*)\}", css, re.M).group(1)))
    assert box == {"float": "right", "width": "3ch", "padding-left": "6pt", "text-align": "right", "font-weight": "400",
                   "color": "#5b6475", "line-height": str(LINE_HEIGHT)}
    assert re.search(r"^html \{[^}]*line-height: ([\d.]+);", css, re.M).group(1) == str(LINE_HEIGHT)  # a line tall

    assert box["color"] == "#" + bytes(MUTED).hex()
    toc = (templates_dir() / "partials" / "toc.html.j2").read_text(encoding="utf-8")
    assert '<a href="#{{ anchor }}">{% if for_pdf %}<span class="toc-pg" data-href="#{{ anchor }}"></span>' in toc
    # what pdf_margins draws: A4 with report-sql.pdf's margins, these strings in these boxes, no head on page 1
    named = dict(re.findall(r"\.([\w-]+) \{[^}]*string-set: (\w+) content\(\)", css))
    assert [named[c] for c in STRING_CLASSES] == ["org", "completeness", "period", "runid"]
    page = re.search(r"^@page \{(.*?)^\}\n@page :first \{(.*?)^\}", css, re.S | re.M)
    boxes = dict(re.findall(r"@([\w-]+) \{ content: ([^;]*);", page.group(1)))
    assert boxes == {"top-left": "string(org)", "top-center": "string(completeness)", "top-right": "string(period)",
                     "bottom-left": '"Run " string(runid)',
                     "bottom-right": '"Page " counter(page) " of " counter(pages)'}
    assert "size: A4;" in page.group(1) and "margin: 19mm 15mm 17mm 15mm;" in page.group(1)
    assert dict(re.findall(r"@([\w-]+) \{ content: ([^;]*);", page.group(2))) == dict.fromkeys(
        ("top-left", "top-center", "top-right"), "none")
