"""The flow of report-sql.pdf (:mod:`.sql_pdf`) on :class:`.pdf_pages.Pages`: headed code listings and short
paragraphs, laid out top down, long lines wrapped with a drawn mark; a page's background shapes are inserted before
the text they sit behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .pdf_font import EmbeddedFont
from .pdf_pages import BOTTOM, INK, LEFT, LINK_RULE, MUTED, PAGE_W, RIGHT, RULE, SUBSTITUTE, TINT, WIDTH, Pages, _n, _rgb

CODE_SIZE, CODE_LEADING = 7.0, 9.45  # the listing: 117 columns of DejaVu Sans Mono across the page
CODE_PAD, CODE_BORDER = 7.0, 2.0
CODE_X = LEFT + CODE_BORDER + CODE_PAD
CODE_WIDTH = PAGE_W - RIGHT - CODE_PAD - CODE_X


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


class Layout(Pages):
    """report-sql.pdf's pages, filled top down."""

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` points fit on this one."""
        if self.y - height < BOTTOM:
            self.new_page()

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
