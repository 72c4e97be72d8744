"""report.pdf's HTML cut into parts that render alone, and the documents that put them back together.

The cut is at the report's forced page breaks: every top-level section (the cover, the contents, each ``section.major``)
starts a new page (report.css, ``break-before: page``), so a run of whole sections laid out alone has the same pages
as inside the whole document. Text between sections may only be the landmark elements around them (``header``,
``nav``, ``main``), which each part re-opens around its own sections. The findings section flows its articles from
page to page, so it is never cut inside.

Each section is a part, rendered without margin boxes (:data:`PART_CSS`); the front sections (the cover up to the
contents) only to count their pages (:func:`front_section_task`). Then what needs the whole document: the **front**
document (:func:`front_task`), the cover and the contents laid out for real, followed by one empty page for every
later page of the report, each holding the anchors that page holds in its part, so that the contents'
``target-counter()`` finds every section on the page it is on; and **margins** documents (:func:`margins_task`), the
cover and empty pages. Each has the report's page count, so its margin boxes (running heads from the cover's strings,
"Run <id>", "Page X of Y") are the whole report's; each draws those of its share of the later pages (the others are
quiet pages). :mod:`.pdf_join` takes the front document's first pages as they are and lays the margin boxes over the
parts' pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

_TAG = re.compile(r"<(/?)(header|nav|main|section)\b[^>]*>", re.I)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BODY = re.compile(r"<body\b[^>]*>", re.I)

# every margin box CSS Paged Media names: the parts draw none, the front and margins documents those of every page
_MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "left-top",
                 "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom", "bottom-left-corner",
                 "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner")  # fmt: skip
_NONE = " ".join(f"@{box} {{ content: none; }}" for box in _MARGIN_BOXES)
PART_CSS = f"@page {{ {_NONE} }}"  # after the report's own CSS: a part's pages have no margin boxes
_QUIET_PAGE = "auditreport-quiet"  # a later page whose margin boxes another front or margins document draws
FRONT_CSS = f"@page {_QUIET_PAGE} {{ {_NONE} }}"
# the front sections alone: their links to later sections point at a page numbered past 100, so that the contents'
# page numbers take about the room they will take (the page count of the contents is checked once they are known)
_FAR_PAGE = "auditreport-far"
_FAR_CSS = f"@page {_FAR_PAGE} {{ counter-increment: page 100; }}"
_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')
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

    def task(self, sections: list[Section], extra_css: str, after: str = "") -> dict:
        """A render task (:func:`auditreport.pdf_worker.render`): a document of ``sections`` (in order) in
        their landmark elements, then ``after``; its style sheets the head's then ``extra_css``, passed apart, so that
        a worker parses each once for all the documents it renders."""
        out = [self.head, self.body_tag]
        open_now: tuple[str, ...] = ()
        for section in sections:
            if section.wrappers != open_now:
                out += [_close(open_now), *section.wrappers]
                open_now = section.wrappers
            out.append(section.html)
        out += [_close(open_now), after, "</body></html>"]
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
    """The sections the front document lays out: the cover and what follows up to the contents, inclusive (just the
    first section when there is no contents)."""
    for i, section in enumerate(split.sections):
        if section.is_contents:
            return i + 1
    return 1


def front_section_task(split: SplitReport, section: Section) -> dict:
    """A front section alone, to count its pages before the rest of the report is laid out: the anchors its links
    name that it does not hold are on one page after it, numbered past 100 (``extra_pages``: 1), so that its
    ``target-counter()`` page numbers take about the room they will take."""
    missing = sorted(set(_HREF.findall(section.html)) - set(_ID.findall(section.html)))
    if not missing:
        return dict(split.task([section], PART_CSS), extra_pages=0)
    far = "".join(f'<span id="{name}"></span>' for name in missing)  # as written in the HTML: escaped already
    after = f'<div style="break-before: page; page: {_FAR_PAGE}">{far}</div>'
    return dict(split.task([section], PART_CSS + _FAR_CSS, after=after), extra_pages=1)


def _empty_pages(pages: list[list[str]], margins: range) -> str:
    """One empty page per item of ``pages``, holding the ids it names; those whose index is not in ``margins`` are
    quiet pages (no margin boxes)."""
    out = []
    for k, names in enumerate(pages):
        named = "" if k in margins else f" page: {_QUIET_PAGE};"
        anchors = "".join(f'<span id="{escape(name, quote=True)}"></span>' for name in names)
        out.append(f'<div style="break-before: page;{named} margin: 0; padding: 0; border: 0">{anchors}</div>')
    return "".join(out)


def front_task(split: SplitReport, pages_after: list[list[str]], margins: range) -> dict:
    """The front sections laid out for real, then one empty page per later page of the report, each holding the ids
    of the anchors that page holds (``pages_after``: their names, page by page), so that the contents'
    ``target-counter()`` finds them. The later pages whose index among them is in ``margins`` have their margin
    boxes; the others none (:func:`margins_task` draws theirs)."""
    return split.task(split.sections[: front_count(split)], FRONT_CSS, after=_empty_pages(pages_after, margins))


def margins_task(split: SplitReport, cover_pages: int, front_pages: int, later: int, margins: range) -> dict:
    """Margin boxes of the later pages in ``margins`` (their index among the ``later`` pages): the cover (it sets
    the running heads' strings), empty pages to make up the front's ``front_pages``, then one empty page per later
    page, so that every page has its number and the document the report's page count."""
    filler = front_pages - cover_pages
    pages = _empty_pages([[]] * (filler + later), range(filler + margins.start, filler + margins.stop))
    return split.task(split.sections[:1], FRONT_CSS, after=pages)
