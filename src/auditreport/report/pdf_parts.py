"""report.pdf's HTML cut into parts that render alone, and the documents that put them back together.

The cut is at the report's forced page breaks: every top-level section (the cover, the contents, each ``section.major``)
starts a new page (report.css, ``break-before: page``), so a run of whole sections laid out alone has the same pages
as inside the whole document. Text between sections may only be the landmark elements around them (``header``,
``nav``, ``main``), which each part re-opens around its own sections. The findings section flows its articles from
page to page, so it is never cut inside.

Each section is a part, rendered without margin boxes (:data:`PART_CSS`); the contents first with a placeholder for
each page number, to count its pages (:func:`front_section_task`). Once every part's anchors are known page by page,
each has its page number (:func:`page_numbers`) and the contents is laid out again with its page numbers written in
as text (:func:`contents_task`). The margin boxes of every page (running heads, "Run <id>", "Page X of Y") are drawn
apart (:mod:`.pdf_margins`); :mod:`.pdf_join` lays them over the parts' pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import unescape

_TAG = re.compile(r"<(/?)(header|nav|main|section)\b[^>]*>", re.I)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BODY = re.compile(r"<body\b[^>]*>", re.I)

# every margin box CSS Paged Media names: no part draws one (:mod:`.pdf_margins` draws them all)
_MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "left-top",
                 "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom", "bottom-left-corner",
                 "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner")  # fmt: skip
_NONE = " ".join(f"@{box} {{ content: none; }}" for box in _MARGIN_BOXES)
PART_CSS = f"@page {{ {_NONE} }}"  # after the report's own CSS: a part's pages have no margin boxes
# the contents' page numbers, as text (:func:`contents_task`), where report.css's target-counter() rule puts them
CONTENTS_CSS = ".toc-l1 a::before, .toc-l2 a::before { content: attr(data-page); }"
_LINK = re.compile(r'(<a\b[^>]*?\bhref="#([^"]+)")([^>]*>)', re.I)
# the contents' page numbers before they are known (:func:`front_section_task`): three digits, as wide as the numbers
# of a report past 99 pages (the page count of the contents is checked once the real numbers are written in)
PLACEHOLDER_PAGE = 100
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.I | re.S)


class CannotSplit(ValueError):
    """The HTML is not a run of top-level sections in landmark elements: it is rendered whole."""


@dataclass(frozen=True)
class Section:
    html: str  # the <section> element, whole
    wrappers: tuple[str, ...]  # the opening tags of the landmark elements around it, outermost first

    @property
    def is_contents(self) -> bool:
        return 'class="toc-page"' in self.html[: self.html.index(">")]


@dataclass(frozen=True)
class SplitReport:
    head: str  # everything before <body>, without its style sheets
    styles: tuple[str, ...]  # the text of the head's <style> elements, in order
    body_tag: str
    sections: list[Section]

    def task(self, sections: list[Section], extra_css: str) -> dict:
        """A render task (:func:`auditreport.pdf_worker.render`): a document of ``sections`` (in order) in
        their landmark elements; its style sheets the head's then ``extra_css``, passed apart, so that
        a worker parses each once for all the documents it renders."""
        out = [self.head, self.body_tag]
        open_now: tuple[str, ...] = ()
        for section in sections:
            if section.wrappers != open_now:
                out += [_close(open_now), *section.wrappers]
                open_now = section.wrappers
            out.append(section.html)
        out += [_close(open_now), "</body></html>"]
        return {"html": "\n".join(out), "css": [*self.styles, extra_css]}


def _close(wrappers: tuple[str, ...]) -> str:
    return "".join(f"</{_TAG.match(tag).group(2).lower()}>" for tag in reversed(wrappers))


def split_report(html: str) -> SplitReport:
    """The report's top-level sections, with the landmark elements around each; :class:`CannotSplit` when there is
    anything else between them (then no cut can be proved to keep the pages)."""
    body = _BODY.search(html)
    end = html.rfind("</body>")
    if body is None or end < body.end():
        raise CannotSplit("no <body>")
    text = _SCRIPT.sub("", html[body.end():end])  # scripts render nothing
    sections: list[Section] = []
    stack: list[str] = []  # open landmark tags
    depth, start, gap_from = 0, 0, 0
    for m in _TAG.finditer(text):
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "section":
            if not closing:
                if depth == 0:
                    _check_gap(text[gap_from:m.start()])
                    start = m.start()
                depth += 1
            else:
                depth -= 1
                if depth < 0:
                    raise CannotSplit("a </section> closes nothing")
                if depth == 0:
                    sections.append(Section(text[start:m.end()], tuple(stack)))
                    gap_from = m.end()
        elif depth == 0:
            _check_gap(text[gap_from:m.start()])
            gap_from = m.end()
            if closing:
                if not stack or _TAG.match(stack[-1]).group(2).lower() != name:
                    raise CannotSplit(f"</{name}> closes no open <{name}>")
                stack.pop()
            else:
                stack.append(m.group(0))
    if depth or stack or not sections:
        raise CannotSplit("unbalanced sections or landmarks")
    _check_gap(text[gap_from:])
    head = html[:body.start()]
    return SplitReport(_STYLE.sub("", head), tuple(m.group(1) for m in _STYLE.finditer(head)), body.group(0), sections)


def _check_gap(text: str) -> None:
    if _COMMENT.sub("", text).strip():
        raise CannotSplit(f"text between top-level sections: {text.strip()[:60]!r}")


def front_count(split: SplitReport) -> int:
    """The front sections: the cover and what follows up to the contents, inclusive (just the first section when
    there is no contents)."""
    for i, section in enumerate(split.sections):
        if section.is_contents:
            return i + 1
    return 1


def front_section_task(split: SplitReport, section: Section) -> dict:
    """A front section alone, to count its pages before the rest of the report is laid out: the contents with every
    page number :data:`PLACEHOLDER_PAGE`, written in as :func:`contents_task` writes the real ones, so that they take
    about the room the real ones will take, and no PDF written (``pages_only``); any other as it is, for good. (It
    was ``target-counter()`` to anchors on a page after the section numbered past 100: WeasyPrint then lays the pages
    out again once the counters are known, 0.51 s of CPU for the sample month's two pages of contents, 0.29 s with
    the numbers written in.)"""
    if not section.is_contents:
        return split.task([section], PART_CSS)
    return dict(split.task([_numbered(section, lambda _name: PLACEHOLDER_PAGE)], PART_CSS + CONTENTS_CSS),
                pages_only=True)


def page_numbers(pages: list[list[str]]) -> dict[str, int]:
    """Each anchor's page number (from 1) from the names of the anchors on every page of the report, in order; the
    first page holding a name wins, as WeasyPrint's ``target-counter()`` does."""
    numbers: dict[str, int] = {}
    for number, names in enumerate(pages, 1):
        for name in names:
            numbers.setdefault(name, number)
    return numbers


def contents_task(split: SplitReport, numbers: dict[str, int]) -> dict:
    """The contents (the last front section, :func:`front_count`) as a part again, its page numbers written in: each
    of its links to an anchor in ``numbers`` (name -> page number) gets its number as ``data-page``, which
    :data:`CONTENTS_CSS` shows where report.css's ``target-counter()`` would (a front document of the report's page
    count laid out to resolve those took about 10 ms an empty page). The other front sections keep their first
    render (:func:`front_section_task`): the cover laid out again with the contents, last, when every other part was
    done, took 0.38 s of CPU where the contents alone take 0.31 s."""
    return split.task([_numbered(split.sections[front_count(split) - 1], numbers.get)], PART_CSS + CONTENTS_CSS)


def _numbered(section: Section, number_of) -> Section:
    """``section`` with each link to an anchor given ``data-page``: ``number_of(name)``, unless that is None."""
    def numbered(m: re.Match) -> str:
        number = number_of(unescape(m.group(2)))
        return m.group(0) if number is None else f'{m.group(1)} data-page="{number}"{m.group(3)}'

    return replace(section, html=_LINK.sub(numbered, section.html))
