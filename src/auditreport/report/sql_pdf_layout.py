"""The page layout of report-sql.pdf (:mod:`.sql_pdf`): A4 pages with report.pdf's margins, a flow of headed code
listings and short paragraphs, named destinations, bookmarks, links, and the running head and footer, written into a
pydyf document.

Coordinates are PDF points from the page's bottom left. Content is laid out top down; a page's background shapes are
inserted before the text they sit behind.
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

CODE_SIZE, CODE_LEADING = 7.0, 9.45  # the listing: 117 columns of DejaVu Sans Mono across the page
CODE_PAD, CODE_BORDER = 7.0, 2.0
CODE_X = LEFT + CODE_BORDER + CODE_PAD
CODE_WIDTH = PAGE_W - RIGHT - CODE_PAD - CODE_X
SUBSTITUTE = "\u27e8U+{:04X}\u27e9"  # a character the font lacks, as reveal_invisible writes invisible ones


@cache
def _rgb(colour: tuple[int, int, int], stroke: bool = False) -> str:
    r, g, b = (round(c / 255, 4) for c in colour)
    return f"{r:g} {g:g} {b:g} {'RG' if stroke else 'rg'}"


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


@dataclass
class Token:
    """A run of text in a paragraph: font role, size, colour, and a link (a URI) or an internal destination."""

    text: str
    font: str = "sans"
    size: float = 9.5
    colour: tuple[int, int, int] = INK
    link: str | None = None
    dest: str | None = None


@dataclass
class _Segment:
    """The part of one listing on one page: where its panel goes in the page's operators, its top, its rows."""

    at: int
    top: float
    rows: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)


@dataclass
class Page:
    ops: list[str] = field(default_factory=list)
    links: list[tuple[tuple[float, float, float, float], str | None, str | None]] = field(default_factory=list)


class Layout:
    def __init__(self, fonts: dict[str, EmbeddedFont]):
        self.fonts = fonts
        self.pages: list[Page] = []
        self.y = 0.0
        self.dests: dict[str, tuple[int, float]] = {}  # name -> (page index, y)
        self.outlines: list[tuple[str, str, int]] = []  # (title, destination, level)

    # ---------- the flow ----------

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = CONTENT_TOP

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` points fit on this one."""
        if self.y - height < BOTTOM:
            self.new_page()

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

    def line_of(self, text: str, font: str, size: float, colour=INK, before: float = 0, after: float = 0) -> None:
        self.y -= before
        self.keep(size * 1.25)
        self.y -= size
        self.text(LEFT, self.y, self.shown(text, font), font, size, colour)
        self.y -= size * 0.25 + after

    def paragraph(self, tokens: list[Token], size: float, leading: float, after: float = 0,
                  width: float = WIDTH) -> None:
        for row in self._wrap(tokens, width):
            self.keep(leading)
            self.y -= leading
            self._row(row, LEFT, self.y + (leading - size) / 2)
        self.y -= after

    def _wrap(self, tokens: list[Token], width: float) -> list[list[tuple[Token, str, float]]]:
        """Word-wrap tokens into rows of (token, its text on the row, width); a word wider than a row is split."""
        rows: list[list[tuple[Token, str, float]]] = [[]]
        x = 0.0
        for t in tokens:
            f = self.fonts[t.font]
            for word in _words(self.shown(t.text, t.font)):
                w = f.width(word, t.size)
                if x + f.width(word.rstrip(" "), t.size) > width and x > 0:
                    rows.append([])
                    x = 0.0
                while w > width:  # a path or hash longer than the row: split it where the row ends
                    cut = _fit(f, word, t.size, width - x)
                    rows[-1].append((t, word[:cut], f.width(word[:cut], t.size)))
                    rows.append([])
                    x, word = 0.0, word[cut:]
                    w = f.width(word, t.size)
                rows[-1].append((t, word, w))
                x += w
        return [_joined(r) for r in rows if r]

    def _row(self, row: list[tuple[Token, str, float]], x: float, y: float) -> None:
        for t, text, w in row:
            self.text(x, y, text, t.font, t.size, t.colour)
            if t.link or t.dest:
                shown = self.fonts[t.font].width(text.rstrip(" "), t.size)
                self.page.links.append(((x, y - 2, x + shown, y + t.size), t.link, t.dest))
                self.page.ops.append(f"{_rgb(LINK_RULE, True)} 0.5 w {_n(x)} {_n(y - 1.2)} m {_n(x + shown)} "
                                     f"{_n(y - 1.2)} l S")
            x += w

    def file_heading(self, anchor: str, title: str, badge, meta_rows: list[list[Token]]) -> None:
        """A file's heading (its bold id, a status badge, rows of details), kept with the first lines of its text."""
        rows = [r for tokens in meta_rows for r in self._wrap(tokens, WIDTH)]
        height = 10 + 13 + 10 * len(rows) + 3 + 2 * CODE_PAD + 3 * CODE_LEADING
        self.y -= 10
        self.keep(height - 10)
        self.destination(anchor)
        self.y -= 11
        w = self.text(LEFT, self.y, self.shown(title, "mono-bold"), "mono-bold", 10)
        if badge is not None:
            label, fg, bg = badge
            x = LEFT + w + 5
            lw = self.fonts["sans-bold"].width(label, 6.5)
            self.page.ops.append(f"{_rgb(bg)} {_rgb(fg, True)} 0.6 w {_n(x)} {_n(self.y - 1.5)} {_n(lw + 6)} 9 re B")
            self.text(x + 3, self.y + 0.5, label, "sans-bold", 6.5, fg)
        self.y -= 3
        for row in rows:
            self.y -= 10
            self._row(row, LEFT, self.y + 1)
        self.y -= 3

    # ---------- the listing ----------

    def listing(self, text: str) -> None:
        """``text`` line by line in the monospace font on a tinted panel, long lines wrapped with a mark."""
        mono = self.fonts["mono"]
        cols = int(CODE_WIDTH * 1000 / (mono.advance(" ") * CODE_SIZE))  # the common advance of a monospace font
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the file's final newline ends its last line, it does not start another
        self.y -= CODE_PAD
        segment = _Segment(len(self.page.ops), self.y + CODE_PAD)
        for line in lines:
            for i, row in enumerate(listing_rows(line, mono, cols)):
                if self.y - CODE_LEADING < BOTTOM:
                    self._end_segment(segment)
                    self.new_page()
                    self.y -= CODE_PAD / 2
                    segment = _Segment(len(self.page.ops), self.y + CODE_PAD)
                self.y -= CODE_LEADING
                base = self.y + 2.2
                if i:
                    segment.marks.append(_continuation_mark(base))
                segment.rows.append(f"1 0 0 1 {CODE_X:.2f} {base:.2f} Tm {_show(row, mono)}")
        self._end_segment(segment)
        self.y -= CODE_PAD + 4

    def _end_segment(self, segment: _Segment) -> None:
        """The panel behind the segment's rows (inserted before them), the rows in one text object, the marks."""
        bottom = self.y - CODE_PAD / 2
        top = segment.top
        panel = (f"q {_rgb(TINT)} {_n(LEFT)} {_n(bottom)} {_n(WIDTH)} {_n(top - bottom)} re f "
                 f"{_rgb(RULE)} {_n(LEFT)} {_n(bottom)} {_n(CODE_BORDER)} {_n(top - bottom)} re f Q")
        self.page.ops.insert(segment.at, panel)
        if segment.rows:
            self.page.ops.append(f"BT /{self.fonts['mono'].name} {_n(CODE_SIZE)} Tf {_rgb(INK)}\n"
                                 + "\n".join(segment.rows) + "\nET")
        self.page.ops += segment.marks

    # ---------- pages' running head and footer, and the PDF objects ----------

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


def _joined(row: list[tuple[Token, str, float]]) -> list[tuple[Token, str, float]]:
    """A row with the consecutive words of one token as one piece (one underline under a link's words)."""
    out: list[tuple[Token, str, float]] = []
    for t, text, w in row:
        if out and out[-1][0] is t:
            out[-1] = (t, out[-1][1] + text, out[-1][2] + w)
        else:
            out.append((t, text, w))
    return out


def _words(text: str) -> list[str]:
    """``text`` in words, each with the spaces after it."""
    words, start = [], 0
    for i in range(1, len(text)):
        if text[i] != " " and text[i - 1] == " ":
            words.append(text[start:i])
            start = i
    if text:
        words.append(text[start:])
    return words


def _fit(font: EmbeddedFont, text: str, size: float, width: float) -> int:
    """How many characters of ``text`` fit in ``width`` (at least one)."""
    x = 0.0
    for i, c in enumerate(text):
        x += font.advance(c) * size / 1000
        if x > width:
            return max(i, 1)
    return len(text)


def listing_rows(line: str, mono: EmbeddedFont, cols: int) -> list[list[tuple[str, str | None]]]:
    """One line of the listing as rows that fit the panel: each a list of (text shown, the character it stands for,
    or None). A row breaks after its last space when that is past the middle of the row, else at the column."""
    line = line.expandtabs(8)
    if mono.all_regular(line):  # nearly every line: characters one column wide
        rows = []
        while len(line) > cols:
            cut = line.rfind(" ", cols // 2, cols) + 1 or cols
            rows.append([(line[:cut], None)])
            line = line[cut:]
        return [*rows, [(line, None)]]
    cells = [(c, None) if mono.has(c) else (SUBSTITUTE.format(ord(c)), c) for c in line]
    rows, row, width = [], [], 0.0
    limit = cols * mono.advance(" ")
    for cell in cells:
        w = sum(mono.advance(c) for c in cell[0])
        if width + w > limit and row:
            spaces = [i for i, (c, _) in enumerate(row) if c == " "]
            cut = spaces[-1] + 1 if spaces and spaces[-1] + 1 > len(row) // 2 else len(row)
            rows.append(row[:cut])
            row = row[cut:]
            width = sum(mono.advance(c) for shown, _ in row for c in shown)
        row.append(cell)
        width += w
    rows.append(row)
    return [_merge(r) for r in rows]


def _merge(row: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    merged: list[tuple[str, str | None]] = []
    for shown, actual in row:
        if actual is None and merged and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + shown, None)
        else:
            merged.append((shown, actual))
    return merged


def _show(row: list[tuple[str, str | None]], mono: EmbeddedFont) -> str:
    """The row's text-showing operators; a substituted character is its span's ActualText."""
    parts = []
    for shown, actual in row:
        if actual is None:
            parts.append(f"{mono.encode(shown)} Tj")
        else:
            utf16 = ("\ufeff" + actual).encode("utf-16-be").hex()
            parts.append(f"/Span <</ActualText <{utf16}>>> BDC {mono.encode(shown)} Tj EMC")
    return " ".join(parts)


def _continuation_mark(base: float) -> str:
    """An arrow (↳) in the panel's left padding, before a row that continues the line above."""
    x, y = LEFT + CODE_BORDER + 1.2, base
    return (f"q {_rgb(MUTED, True)} {_rgb(MUTED)} 0.6 w {_n(x)} {_n(y + 5.6)} m {_n(x)} {_n(y + 2.2)} l "
            f"{_n(x + 3.6)} {_n(y + 2.2)} l S {_n(x + 3.4)} {_n(y + 0.6)} m {_n(x + 5.4)} {_n(y + 2.2)} l "
            f"{_n(x + 3.4)} {_n(y + 3.8)} l f Q")
