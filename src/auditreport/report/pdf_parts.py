"""report.pdf's HTML cut into parts that render alone, and the documents that put them back together.

The cut is at the report's forced page breaks: every top-level section (the cover, the contents, each ``section.major``)
starts a new page (report.css, ``break-before: page``), so a run of whole sections laid out alone has the same pages
as inside the whole document. Text between sections may only be the landmark elements around them (``header``,
``nav``, ``main``), which each part re-opens around its own sections. The findings section flows its articles from
page to page, so it is never cut inside.

Each section is a part, rendered without margin boxes (:data:`PART_CSS`), the contents with its page numbers' boxes
empty (:func:`part_task`). Once every part's anchors are known page by page, each has its page number
(:func:`page_numbers`), drawn into its box with the margin boxes of every page (running heads, "Run <id>", "Page X of
Y"), apart (:mod:`.pdf_margins`); :mod:`.pdf_join` lays them over the parts' pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import unescape
from itertools import count

from ..pdf_worker import NUMBER_PREFIX

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
# the contents' page number boxes (report.css's .toc-pg, whose target-counter() the whole document shows) in a part:
# empty, a line tall (a no-break space), as a number would make them (:func:`part_task`)
CONTENTS_CSS = '.toc-pg::before { content: "\\a0"; }'
_NUMBER_BOX = re.compile(r'<span class="toc-pg" data-href="#([^"]*)"')
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


def part_task(split: SplitReport, section: Section) -> dict:
    """``section`` as a part (:meth:`SplitReport.task`); the contents with each page number's box (report.css's
    ``.toc-pg``, as wide as three digits whatever the number) a slot, laid out empty (:data:`CONTENTS_CSS`), named
    :data:`~auditreport.pdf_worker.NUMBER_PREFIX` and its index in :func:`number_targets`: its number is drawn into
    the box once every part's pages are known (:mod:`.pdf_contents`). It was written in as text, the contents laid
    out again at the end of report.pdf's render, after every other part: 0.3 s of CPU, and as long, last."""
    if not section.is_contents:
        return split.task([section], PART_CSS)
    slots = count()
    html = _NUMBER_BOX.sub(lambda m: f'{m.group(0)} id="{NUMBER_PREFIX}{next(slots)}"', section.html)
    return split.task([replace(section, html=html)], PART_CSS + CONTENTS_CSS)


def number_targets(split: SplitReport) -> dict[str, str]:
    """Each page number's slot (:func:`part_task`) -> the anchor whose page it shows."""
    return {f"{NUMBER_PREFIX}{i}": unescape(m.group(1)) for section in split.sections if section.is_contents
            for i, m in enumerate(_NUMBER_BOX.finditer(section.html))}  # fmt: skip


def page_numbers(pages: list[list[str]]) -> dict[str, int]:
    """Each anchor's page number (from 1) from the names of the anchors on every page of the report, in order; the
    first page holding a name wins, as WeasyPrint's ``target-counter()`` does."""
    numbers: dict[str, int] = {}
    for number, names in enumerate(pages, 1):
        for name in names:
            numbers.setdefault(name, number)
    return numbers
