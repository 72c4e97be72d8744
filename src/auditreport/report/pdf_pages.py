"""Pages of a PDF we write ourselves (report-sql.pdf, :mod:`.sql_pdf`; report.pdf's margins, :mod:`.pdf_margins`):
A4 with report.pdf's margins and report.css's palette, text drawn in embedded fonts, the running head and footer,
named destinations, bookmarks and links, written into a pydyf document. The flow of headed listings and paragraphs on
them is :mod:`.sql_pdf_layout`'s.

Coordinates are PDF points from the page's bottom left.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

import pydyf

from ..resources import templates_dir
from .pdf_font import EmbeddedFont

PAGE_W, PAGE_H = 595.276, 841.89  # A4
LEFT = RIGHT = 42.52  # 15 mm, as report.css's @page
TOP, BOTTOM = 53.86, 48.19  # 19 mm, 17 mm
CONTENT_TOP, WIDTH = PAGE_H - TOP, PAGE_W - LEFT - RIGHT


def css_palette(css: str) -> dict[str, tuple[int, int, int]]:
    """The colours report.css names in its ``:root`` (``--ink: #1d2433``...): the PDFs' one palette."""
    return {name: tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
            for name, h in re.findall(r"--([a-z-]+):\s*#([0-9a-fA-F]{6})\b", css)}


PALETTE = css_palette((templates_dir() / "report.css").read_text(encoding="utf-8"))
INK, MUTED, RULE, TINT = PALETTE["ink"], PALETTE["muted"], PALETTE["rule"], PALETTE["paper-tint"]
LINK_RULE = (0xB7, 0xBD, 0xC8)  # report.css's underline of a link (whose text keeps its colour)
SUBSTITUTE = "\u27e8U+{:04X}\u27e9"  # a character the font lacks, as reveal_invisible writes invisible ones


@cache
def _rgb(colour: tuple[int, int, int], stroke: bool = False) -> str:
    r, g, b = (round(c / 255, 4) for c in colour)
    return f"{r:g} {g:g} {b:g} {'RG' if stroke else 'rg'}"


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


@dataclass
class Page:
    ops: list[str] = field(default_factory=list)
    links: list[tuple[tuple[float, float, float, float], str | None, str | None]] = field(default_factory=list)


class Pages:
    """The pages of one document, in the fonts given (by role: sans, sans-bold, mono, ...)."""

    def __init__(self, fonts: dict[str, EmbeddedFont]):
        self.fonts = fonts
        self.pages: list[Page] = []
        self.y = 0.0
        self.dests: dict[str, tuple[int, float]] = {}  # name -> (page index, y)
        self.outlines: list[tuple[str, str, int]] = []  # (title, destination, level)

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = CONTENT_TOP

    def destination(self, name: str) -> None:
        self.dests[name] = (len(self.pages) - 1, min(self.y + 8, CONTENT_TOP))

    def outline(self, title: str, dest: str, level: int) -> None:
        self.outlines.append((title, dest, level))

    def text(self, x: float, y: float, text: str, font: str, size: float, colour=INK, page: Page | None = None) -> float:
        """Show ``text`` (every character in the font) at baseline ``y`` (on this page); return its width."""
        f = self.fonts[font]
        (page or self.page).ops.append(f"BT {_rgb(colour)} /{f.name} {_n(size)} Tf 1 0 0 1 {_n(x)} {_n(y)} Tm "
                             f"{f.encode(text)} Tj ET")
        return f.width(text, size)

    def shown(self, text: str, font: str) -> str:
        """``text`` with any character ``font`` lacks written as U+XXXX (headings and paragraphs)."""
        f = self.fonts[font]
        return "".join(c if f.has(c) else SUBSTITUTE.format(ord(c)) for c in text)

    def decorate(self, left_head: str, centre_head: str, right_head: str, run: str) -> None:
        total = len(self.pages)
        sans, bold = self.fonts["sans"], self.fonts["sans-bold"]
        head_y, foot_y = CONTENT_TOP + 14.2 + 3, BOTTOM - 14.2 - 5.5
        left_head, right_head = self.shown(left_head, "sans"), self.shown(right_head, "sans")
        centre_head, run = self.shown(centre_head, "sans-bold"), self.shown(run, "mono")
        for number, page in enumerate(self.pages, 1):
            if number > 1:  # the first page carries the document's own heading instead
                self.text(LEFT, head_y, left_head, "sans", 7.5, MUTED, page)
                self.text((PAGE_W - bold.width(centre_head, 7)) / 2, head_y, centre_head, "sans-bold", 7, INK, page)
                self.text(PAGE_W - RIGHT - sans.width(right_head, 7.5), head_y, right_head, "sans", 7.5, MUTED, page)
            self.text(LEFT, foot_y, run, "mono", 7, MUTED, page)
            label = f"Page {number} of {total}"
            self.text(PAGE_W - RIGHT - sans.width(label, 7.5), foot_y, label, "sans", 7.5, MUTED, page)

    def write_into(self, pdf: pydyf.PDF) -> None:
        """Pages, fonts, named destinations and bookmarks into ``pdf``."""
        page_dicts = []
        for _ in self.pages:
            page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference,
                                     "MediaBox": pydyf.Array([0, 0, PAGE_W, PAGE_H])})
            pdf.add_page(page)
            page_dicts.append(page)
        fonts = pydyf.Dictionary({f.name: f.embed(pdf) for f in self.fonts.values() if f.used})
        resources = pydyf.Dictionary({"Font": fonts})
        pdf.add_object(resources)

        def dest(name: str) -> pydyf.Array:
            index, y = self.dests[name]
            return pydyf.Array([page_dicts[index].reference, "/XYZ", 0, round(y, 2), 0])

        for page, d in zip(self.pages, page_dicts):
            content = _flate("\n".join(page.ops).encode("latin-1"))
            pdf.add_object(content)
            d["Contents"] = content.reference
            d["Resources"] = resources.reference
            annots = pydyf.Array()
            for rect, uri, target in page.links:
                annot = pydyf.Dictionary({"Type": "/Annot", "Subtype": "/Link",
                                          "Rect": pydyf.Array([round(v, 2) for v in rect]),
                                          "Border": pydyf.Array([0, 0, 0])})
                if uri:
                    annot["A"] = pydyf.Dictionary({"S": "/URI", "URI": pydyf.String(uri)})
                else:
                    annot["Dest"] = pydyf.String(target)
                pdf.add_object(annot)
                annots.append(annot.reference)
            if annots:
                d["Annots"] = annots
        names = pydyf.Array()
        for name in sorted(self.dests, key=lambda n: n.encode("utf-8")):  # a name tree's keys in byte order
            names += [pydyf.String(name), dest(name)]
        pdf.catalog["Names"] = pydyf.Dictionary({"Dests": pydyf.Dictionary({"Names": names})})
        if self.outlines:
            pdf.catalog["Outlines"] = _outline_tree(pdf, self.outlines, dest)
            pdf.catalog["PageMode"] = "/UseOutlines"


def _flate(data: bytes) -> pydyf.Stream:
    """A stream compressed at zlib's default level (pydyf's is 9: several times slower here, a few per cent smaller)."""
    return pydyf.Stream([zlib.compress(data, 6)], {"Filter": "/FlateDecode"})


def _outline_tree(pdf: pydyf.PDF, entries: list[tuple[str, str, int]], dest) -> bytes:
    """The bookmarks, nested by level; return the reference of their root."""
    root = pydyf.Dictionary({"Type": "/Outlines"})
    pdf.add_object(root)
    stack: list[tuple[int, pydyf.Dictionary, list[pydyf.Dictionary]]] = [(0, root, [])]
    for title, target, level in entries:
        while stack[-1][0] >= level:
            _close(stack.pop())
        item = pydyf.Dictionary({"Title": pydyf.String(title), "Parent": stack[-1][1].reference, "Dest": dest(target)})
        pdf.add_object(item)
        stack[-1][2].append(item)
        stack.append((level, item, []))
    while stack:
        _close(stack.pop())
    return root.reference


def _close(frame) -> None:
    _level, node, children = frame
    if not children:
        return
    node["First"], node["Last"] = children[0].reference, children[-1].reference
    node["Count"] = sum(1 + child.get("Count", 0) for child in children)  # open: every entry below it shows
    for a, b in pairwise(children):
        a["Next"], b["Prev"] = b.reference, a.reference
