"""report.pdf's HTML cut at its forced page breaks (auditreport.report.pdf_parts)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from report_support import PAGED_CSS, paged_report_html

from auditreport.report.pdf_margins import STRING_CLASSES
from auditreport.report.pdf_parts import (CONTENTS_CSS, PART_CSS, PLACEHOLDER_PAGE, CannotSplit, contents_task,
                                         front_count, front_section_task, page_numbers, split_report)


def test_the_report_splits_into_its_top_level_sections_each_in_its_landmark():
    split = split_report(paged_report_html())
    ids = [re.search(r'id="([^"]+)"', s.html).group(1) for s in split.sections]
    assert ids == ["cover", "contents", "summary", "findings", "appendix"]
    assert [s.wrappers for s in split.sections] == [("<header>",), ("<nav>",)] + [('<main id="main">',)] * 3
    assert split.styles == (PAGED_CSS,) and "<style" not in split.head and "<title>Paged report</title>" in split.head
    assert front_count(split) == 2 and split.sections[1].is_contents


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


def test_the_contents_is_laid_out_again_alone_with_its_page_numbers_written_in():
    split = split_report(paged_report_html(extra_section='<section class="major" id="a&quot;b"></section>'))
    split.sections[1] = replace(split.sections[1], html=split.sections[1].html.replace(
        "</ol>", '<li class="toc-l2"><a href="#a&quot;b">Quoted</a></li><li><a href="#gone">Gone</a></li></ol>'))
    task = contents_task(split, {"summary": 3, "findings": 4, "appendix": 11, "f3": 5, 'a"b': 9, "cover": 1})
    assert task["css"] == [PAGED_CSS, PART_CSS + CONTENTS_CSS] and 'id="summary"' not in task["html"]
    assert 'id="cover"' not in task["html"]  # the cover keeps its first render (front_section_task)
    links = re.findall(r'<a [^>]*>', task["html"][task["html"].index('id="contents"'):])
    assert links == ['<a href="#summary" data-page="3">', '<a href="#findings" data-page="4">',
                     '<a href="#appendix" data-page="11">', '<a href="#f3" data-page="5">',
                     '<a href="#a&quot;b" data-page="9">', '<a href="#gone">']  # no anchor: no number, as WeasyPrint


@pytest.mark.parametrize("body, why", [
    ('<section class="major">a</section><p>loose text</p><section class="major">b</section>', "text between"),
    ('<section class="major"><section>a</section>', "unbalanced"),
    ('<main><section class="major">a</section></nav>', "closes no open"),
    ("<p>no sections at all</p>", "unbalanced"),
])  # fmt: skip
def test_html_that_is_not_a_run_of_sections_is_not_cut(body, why):
    with pytest.raises(CannotSplit, match=why):
        split_report(f"<html><head></head><body>{body}</body></html>")


def test_a_front_section_alone_has_placeholder_page_numbers_written_in_as_the_real_ones_will_be():
    split = split_report(paged_report_html())
    contents = front_section_task(split, split.sections[1])
    assert PLACEHOLDER_PAGE == 100 and contents["css"] == [PAGED_CSS, PART_CSS + CONTENTS_CSS]
    links = re.findall(r"<a [^>]*>", contents["html"])
    assert links == [f'<a href="#{a}" data-page="100">' for a in ("summary", "findings", "appendix", "f3")]
    assert contents == dict(contents_task(split, dict.fromkeys(["summary", "findings", "appendix", "f3"], 100)),
                            pages_only=True)  # laid out to count its pages, no PDF written
    assert "target-counter" not in contents["css"][-1]  # no counter to resolve: one layout
    cover = front_section_task(split, split.sections[0])  # no contents: as it is, its render kept for report.pdf
    assert cover == split.task([split.sections[0]], PART_CSS)


def test_a_front_section_alone_shows_its_placeholders_where_the_page_numbers_go(tmp_path):
    from report_support import pdf_reading

    from auditreport.pdf_worker import render

    split = split_report(paged_report_html())
    part = render(dict(front_section_task(split, split.sections[1]), pages_only=False))  # its PDF, to read it
    assert len(part["pages"]) == 1 and [name for name, _x, _y in part["pages"][0]["anchors"]] == ["contents"]
    lines = [" ".join(line.split()) for line in pdf_reading(part["pdf"], tmp_path)["text-layout"].splitlines()]
    assert [line for line in lines if line] == ["Contents", "1. Summary 100", "2. Findings 100", "3. Appendix 100",
                                                "4. Finding 3 100"]


def test_the_template_keeps_what_rendering_in_parts_assumes():
    """The margin boxes are drawn apart (pdf_margins), from the cover's strings, and the contents' page numbers written
    in where report.css's target-counter() rule puts them (pdf_parts.CONTENTS_CSS): that holds while every string the
    running heads use is set on the cover, every page has the one @page box, and the contents' rule is that one."""
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
    assert [" ".join(c.split()) for c in counters] == [CONTENTS_CSS.split(" {")[0]]
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
