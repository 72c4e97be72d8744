"""report.pdf's Appendix A index (``pre.sql-index``: two lines per check and shared view, its id linked to its
finding, its result, its SQL file linked into report-sql.pdf, its SHA-256), its text drawn directly, as the evidence
listings' is (:mod:`.pdf_listing`): WeasyPrint lays out only empty blocks a line tall, and the text and its links go
in with the margin boxes (:mod:`.pdf_margins`), which :mod:`.pdf_join` lays over each page, the links as that page's
annotations. Its ~400 inline boxes took WeasyPrint 0.3-0.5 s of CPU for two pages.

The index's lines are made here once (:func:`index`), as styled runs, some linked; the template writes a line
WeasyPrint is to lay out from the same runs (``partials/appendix_sql.html.j2``). In report.pdf's HTML each row (a
check's or shared view's two lines) is a block whose ``id`` is the row's anchor (``sql-<check>``, ``view-<view>``: its
top left is where WeasyPrint put the inline element that held it, the line's top left), holding a **slot** per line;
a row's two lines are one slot at the index's end, and the header's are one at its start, where ``widows`` and
``orphans`` keep two lines of a ``pre`` together. The render worker reports where each slot is
(:func:`auditreport.pdf_worker.render`); the text of every slot travels as JSON in a script element
(:data:`SLOTS_ELEMENT`).

Lines are drawn where WeasyPrint draws them: DejaVu Sans Mono at report.css's size and line height for
``pre.sql-index``, a glyph's advance rounded as Pango rounds it (to 1/1024 of a CSS pixel), the baseline half the
leading then the ascent below the line's top. A link's rectangle is its run's width by the line's height, as
WeasyPrint's for an inline ``a`` in a line of one font. A row with a character DejaVu Sans Mono lacks, or too long for
one line, stays text for WeasyPrint, a block per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from markupsafe import Markup

from ..pdf_worker import INDEX_PREFIX, PDF_SCALE
from . import pdf_listing as listing
from .pdf_listing import baseline_offset, drawable
from .pdf_pages import INK, MUTED, PALETTE, WIDTH, Pages
from .values import reveal_invisible, status_label

ROOT = 9.5  # pt: report.css's print html font-size
SIZE = 0.632 * ROOT  # pt: report.css, pre.sql-index
LINE_HEIGHT = 1.55
LINE = SIZE * LINE_HEIGHT
ADVANCE = round(0.60205078125 * SIZE / PDF_SCALE * 1024) / 1024 * PDF_SCALE  # 1233/2048 em, as Pango rounds it
COLUMNS = int(WIDTH // ADVANCE)  # the characters a line holds
SLOTS_ELEMENT = "auditreport-sql-index"

# a run's class (report.css) -> (font role, colour)
_STYLES = {"": ("mono", INK), "sql-index-head": ("mono-bold", MUTED), "hash": ("mono", MUTED),
           "muted": ("mono", MUTED), "st-fail": ("mono-bold", PALETTE["fail"]),
           "st-pass": ("mono-bold", PALETTE["pass"]), "st-info": ("mono-bold", PALETTE["info"]),
           "st-error": ("mono-bold", PALETTE["error"]), "st-no_data": ("mono-bold", PALETTE["nodata"])}  # fmt: skip


@dataclass(frozen=True)
class Run:
    text: str  # as shown (invisible characters as U+XXXX)
    cls: str = ""  # report.css's class of its span ("": none)
    href: str = ""  # the link it is ("#name": internal)
    id: str = ""  # the anchor it carries


Line = list[Run]


@dataclass(frozen=True)
class Row:
    """A check's or shared view's lines, and the slots they are drawn into (none: the template writes them)."""

    anchor: str
    lines: list[Line]
    slots: list[tuple[str, int]] | None  # (slot id, its lines)


@dataclass(frozen=True)
class SqlIndex:
    head: list[Line]
    head_slot: str | None
    rows: list[Row]
    line_height: float = LINE_HEIGHT

    def texts(self) -> dict[str, list[list[tuple[str, str, str]]]]:
        """Every slot's lines, as (text, class, href) runs."""
        out = {}
        if self.head_slot:
            out[self.head_slot] = [[(r.text, r.cls, r.href) for r in line] for line in self.head]
        for row in self.rows:
            at = 0
            for slot, n in row.slots or []:
                out[slot] = [[(r.text, r.cls, r.href) for r in line] for line in row.lines[at:at + n]]
                at += n
        return out


def index(findings, shared_views, sql_file: str, draw: bool) -> SqlIndex:
    """Appendix A's index of ``findings`` and ``shared_views`` (their SQL in ``sql_file``); with ``draw``, with slots
    for every row the font draws in one line each."""
    w = max(len(x) for x in [*(f.id for f in findings), *(v.id for v in shared_views), "Check"])
    hash_indent = " " * (w + 15)
    head = [[Run(f"{'Check':<{w}}  {'Result':<11}  SQL file", "sql-index-head")],
            [Run(f"{hash_indent}SHA-256", "sql-index-head")]]  # fmt: skip
    rows = []
    for f in sorted(findings, key=lambda f: f.id):
        first = [Run(reveal_invisible(f.id), "", f"#{reveal_invisible(f.anchor)}", f"sql-{reveal_invisible(f.id)}"),
                 Run(" " * (w - len(f.id)) + "  "), Run(f"{status_label(f.status):<11}", f"st-{f.status}"), Run("  "),
                 Run(reveal_invisible(f.path), "", reveal_invisible(f"{sql_file}#sql-{f.id}"))]  # fmt: skip
        rows.append((f"sql-{reveal_invisible(f.id)}", [first, [Run(hash_indent), Run(f.sql_sha256, "hash")]]))
    for v in shared_views:
        first = [Run(reveal_invisible(v.id), "", "", f"view-{reveal_invisible(v.id)}"),
                 Run(" " * (w - len(v.id)) + "  "), Run("shared view", "muted"), Run("  "),
                 Run(reveal_invisible(v.path), "", reveal_invisible(f"{sql_file}#view-{v.id}"))]  # fmt: skip
        rows.append((f"view-{reveal_invisible(v.id)}", [first, [Run(hash_indent), Run(v.sql_sha256, "hash")]]))
    planned = []
    for i, (anchor, lines) in enumerate(rows):
        slots = None
        if draw and all(_fits(line) for line in lines):
            last = i == len(rows) - 1  # widows: a pre's last two lines stay together
            slots = [(f"{INDEX_PREFIX}{i}", 2)] if last else [(f"{INDEX_PREFIX}{i}-{n}", 1) for n in range(2)]
        planned.append(Row(anchor, lines, slots))
    head_slot = f"{INDEX_PREFIX}h" if draw and all(_fits(line) for line in head) else None  # orphans: the first two
    return SqlIndex(head, head_slot, planned)


def _fits(line: Line) -> bool:
    text = "".join(r.text for r in line)
    return len(text) <= COLUMNS and drawable(text)


def slots_element(sql_index: SqlIndex) -> Markup | None:
    """The script element carrying the index's slots' text in report.pdf's HTML (None: no slot)."""
    texts = sql_index.texts()
    return listing.slots_element(texts, SLOTS_ELEMENT) if texts else None


def slot_texts(html: str) -> dict[str, list[list[tuple[str, str, str]]]]:
    return listing.slot_texts(html, SLOTS_ELEMENT)


def link_target(href: str) -> tuple[str | None, str | None]:
    """(URI, None) or (None, named destination): WeasyPrint's link of an ``href`` in a document without a base URL
    (``weasyprint.urls.get_link``): a fragment alone, unquoted, is internal; anything else is a URI, any character a
    URI may not hold %-encoded (``iri_to_uri``)."""
    if href.startswith("#") and len(href) > 1:
        return None, unquote(href[1:])
    return quote(href.encode("utf-8"), safe=b"/:?#[]@!$&'()*+,;=~%"), None


@dataclass
class IndexLines:
    """The index's slots' text (:func:`slot_texts`) and, page by page, where the render put each slot."""

    texts: dict[str, list[list[tuple[str, str, str]]]]
    pages: list[list[tuple[str, float, float, float, float]]]

    what = "lines of Appendix A's index"  # what a slot holds, for the error naming one laid out on no page

    def unplaced(self) -> list[str]:
        return listing.unplaced(self.texts, self.pages)

    def draw_on(self, pages: Pages) -> None:
        """Each slot's lines, and their links as the page's annotations (an internal one to the named destination)."""
        offset = baseline_offset(pages.fonts["mono"], SIZE, LINE_HEIGHT)
        for page, slots in zip(pages.pages, self.pages):
            for name, x, top, *_box in slots:
                if not name.startswith(INDEX_PREFIX):
                    continue
                for n, line in enumerate(self.texts[name]):
                    line_top = top - n * LINE
                    at = x
                    for text, cls, href in line:
                        width = len(text) * ADVANCE
                        if text.strip():
                            font, colour = _STYLES.get(cls, _STYLES[""])
                            pages.text(at, line_top - offset, text, font, SIZE, colour, page)
                        if href:
                            rect = (at, line_top, at + width, line_top - LINE)  # top first, as WeasyPrint writes it
                            page.links.append((rect, *link_target(href)))
                        at += width

