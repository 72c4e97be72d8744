"""report.pdf's HTML cut at its forced page breaks (auditreport.report.pdf_parts)."""

from __future__ import annotations

import re

import pytest
from report_support import PAGED_CSS, paged_report_html

from auditreport.report.pdf_parts import (FRONT_CSS, PART_CSS, CannotSplit, front_count, front_section_task, front_task,
                                         margins_task, split_report)


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


def test_a_part_draws_no_margin_box_and_a_quiet_front_page_none():
    for box in ("top-left", "top-center", "bottom-right", "bottom-right-corner", "left-middle"):
        assert f"@{box} {{ content: none; }}" in PART_CSS and f"@{box} {{ content: none; }}" in FRONT_CSS
    assert PART_CSS.startswith("@page {") and re.match(r"@page [a-z-]+ \{", FRONT_CSS)


def test_the_front_document_has_a_page_per_later_page_holding_its_anchors():
    split = split_report(paged_report_html())
    later = [["summary", 'a"b<c'], [], ["appendix", "sql-1"]]
    task = front_task(split, later, range(1, 3))
    stubs = re.findall(r'<div style="break-before: page;([^"]*)">(.*?)</div>', task["html"])
    assert len(stubs) == 3
    assert "page: auditreport-quiet" in stubs[0][0] and "page:" not in stubs[1][0] + stubs[2][0]
    assert stubs[0][1] == '<span id="summary"></span><span id="a&quot;b&lt;c"></span>'
    assert task["css"] == [PAGED_CSS, FRONT_CSS] and 'id="contents"' in task["html"]


@pytest.mark.parametrize("body, why", [
    ('<section class="major">a</section><p>loose text</p><section class="major">b</section>', "text between"),
    ('<section class="major"><section>a</section>', "unbalanced"),
    ('<main><section class="major">a</section></nav>', "closes no open"),
    ("<p>no sections at all</p>", "unbalanced"),
])  # fmt: skip
def test_html_that_is_not_a_run_of_sections_is_not_cut(body, why):
    with pytest.raises(CannotSplit, match=why):
        split_report(f"<html><head></head><body>{body}</body></html>")


def test_a_front_section_alone_points_its_links_at_a_far_page_so_its_numbers_take_their_room():
    split = split_report(paged_report_html())
    contents = front_section_task(split, split.sections[1])
    assert contents["extra_pages"] == 1 and "counter-increment: page 100" in contents["css"][-1]
    far = re.search(r'<div style="break-before: page; page: auditreport-far">(.*?)</div>', contents["html"]).group(1)
    assert far == "".join(f'<span id="{a}"></span>' for a in sorted(["summary", "findings", "appendix", "f3"]))
    cover = front_section_task(split, split.sections[0])  # links to nothing outside it
    assert cover["extra_pages"] == 0 and cover["css"] == [PAGED_CSS, PART_CSS]


def test_a_margins_document_is_the_cover_then_an_empty_page_for_every_other_page():
    split = split_report(paged_report_html())
    task = margins_task(split, cover_pages=1, front_pages=3, later=4, margins=range(2, 4))
    stubs = re.findall(r'<div style="break-before: page;([^"]*)">', task["html"])
    assert len(stubs) == 2 + 4  # the rest of the front (the contents' two pages), then the later pages
    assert ["quiet" in s for s in stubs] == [True, True, True, True, False, False]
    assert 'id="cover"' in task["html"] and 'id="contents"' not in task["html"]


def test_the_template_keeps_what_rendering_in_parts_assumes():
    """The margin boxes are drawn by documents of the cover and empty pages (pdf_parts.margins_task): that holds
    while every string the running heads use is set on the cover, and every page has the one @page box."""
    from auditreport.resources import templates_dir

    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]+)\{[^}]*string-set", css)
    setters = {c for selector in rules for c in re.findall(r"\.([\w-]+)", selector)}
    assert setters == {"cover-org", "cover-period", "run-id", "running-head"}
    for partial in (templates_dir() / "partials").glob("*.j2"):
        uses = {c for c in setters if re.search(rf'class="[^"]*\b{c}\b', partial.read_text(encoding="utf-8"))}
        assert not uses or partial.name == "cover.html.j2", (partial.name, uses)
    assert not re.search(r"@page\s+[\w-]+|[{;]\s*page\s*:", css)  # no named pages
