"""report.pdf's evidence listings, their text drawn directly: WeasyPrint lays out only empty boxes of the listing's
height, and the text goes in with the margin boxes (:mod:`.pdf_margins`, laid over every page by :mod:`.pdf_join`).

A listing (:func:`.evidence_rows.listing`) is plain fixed-width text in one face, DejaVu Sans Mono at 6.8 pt on a
line height of 1.28, wrapped to fit: it needs no layout, only a place. In report.pdf's HTML each row (and the header,
which repeats on every page the listing runs onto) is its usual box, padded and ruled, holding a **slot**: an empty
block as tall as the row's lines, whose ``id`` names it. The render worker reports where each slot is on each page
(:func:`auditreport.pdf_worker.render`: a slot is an anchor WeasyPrint places, kept out of the named destinations); the
text of every slot travels in the HTML itself, as JSON in a script element (:data:`SLOTS_ELEMENT`) that WeasyPrint
never sees (the parts carry no script). Laying the listings' text out took about a quarter of report.pdf's CPU
(1.1 s of the findings' 4.0 s for the sample month); drawing it takes about 0.1 s.

Lines are drawn where WeasyPrint draws a line of that font and line height: each line's box is the line height tall,
its baseline half the leading plus the font's ascent below its top. The colours and weights are report.css's for the
listing (``.lst``: the status label, bold, in its status's colour; ``.lr``: the reason, bold for a failing row, muted
for a passing or informational one). A row with a character DejaVu Sans Mono lacks, or draws wider than the others,
is left to WeasyPrint as text (its font fallback and shaping), as every listing row was before.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from markupsafe import Markup

from ..pdf_worker import SLOT_PREFIX
from .evidence_rows import Listing, ListingRow
from .pdf_font import EmbeddedFont, report_fonts
from .pdf_pages import INK, MUTED, PALETTE, Page, Pages
from .values import reveal_invisible

SIZE = 6.8  # pt: report.css, table.listing pre
LINE_HEIGHT = 1.28  # em
LINE = SIZE * LINE_HEIGHT  # pt between baselines, and a line box's height
SLOTS_ELEMENT = "auditreport-listings"  # the id of the script element holding every slot's text

# a run's style -> (font role, colour); report.css's rules for .lst and .lr, by the row's status
_STYLES = {"n": ("mono", INK), "b": ("mono-bold", INK), "m": ("mono", MUTED),
           "fail": ("mono-bold", PALETTE["fail"]), "pass": ("mono-bold", PALETTE["pass"]),
           "info": ("mono-bold", PALETTE["info"])}  # fmt: skip
Lines = list[list[tuple[str, str]]]  # a slot's text: lines of (text, style) runs


@dataclass(frozen=True)
class Slot:
    id: str
    height: str  # CSS, the slot's lines times the line height

    @classmethod
    def of(cls, slot_id: str, lines: int) -> Slot:
        return cls(slot_id, f"{lines * LINE:.3f}pt")


@dataclass(frozen=True)
class DrawnListing:
    """Where the template puts slots for one finding's listing: the header's, and each row's (None: its text stays in
    the HTML)."""

    header: Slot | None
    rows: list[Slot | None]


@cache
def _faces() -> tuple[EmbeddedFont, EmbeddedFont]:
    fonts = report_fonts()  # instances of their own: what they learn here is not what a PDF embeds
    return fonts["mono"], fonts["mono-bold"]


def drawable(text: str) -> bool:
    """Whether every character of ``text`` is in DejaVu Sans Mono, regular and bold, as wide as a space."""
    return all(face.all_regular(text) for face in _faces())


def row_lines(row: ListingRow) -> Lines:
    """A row's text as the template writes it (number, status label, body; the reason under it; invisible characters
    shown as ``⟨U+XXXX⟩``, as every ``{{ }}`` of the template shows them) in styled runs."""
    first, *rest = reveal_invisible(row.body).split("\n")
    lines: Lines = [[(f"{row.number} ", "n"), (row.label, row.status if row.status in _STYLES else "b"),
                     (f" {first}", "n")]] + [[(line, "n")] for line in rest]  # fmt: skip
    reason = {"fail": "b", "pass": "m", "info": "m"}.get(row.status, "n")
    lines += [[(line, reason)] for line in reveal_invisible(row.reason).split("\n")] if row.reason else []
    return lines


def plan(listings: dict[str, Listing]) -> tuple[dict[str, DrawnListing], dict[str, Lines]]:
    """For each check's listing (by check id), its slots; and every slot's text (by slot id)."""
    drawn: dict[str, DrawnListing] = {}
    texts: dict[str, Lines] = {}
    for check_id, listing in listings.items():
        if listing is None or not listing.rows:
            continue
        header = None
        head = reveal_invisible(listing.header)
        if drawable(head.replace("\n", "")):
            header = Slot.of(f"{SLOT_PREFIX}{check_id}-h", head.count("\n") + 1)
            texts[header.id] = [[(line, "b")] for line in head.split("\n")]  # in a th: bold
        rows: list[Slot | None] = []
        for i, row in enumerate(listing.rows):
            lines = row_lines(row)
            if not drawable("".join(text for line in lines for text, _style in line)):  # WeasyPrint's to lay out
                rows.append(None)
                continue
            rows.append(Slot.of(f"{SLOT_PREFIX}{check_id}-{i}", len(lines)))
            texts[rows[-1].id] = lines
        drawn[check_id] = DrawnListing(header, rows)
    return drawn, texts


def slots_element(texts: dict, element: str = SLOTS_ELEMENT) -> Markup:
    """The script element (id ``element``) carrying every slot's text in report.pdf's HTML (JSON, ``<`` escaped, so
    no text can end the element); the slots' runs are tuples of any arity (Appendix A's index adds a link)."""
    data = json.dumps(texts, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return Markup(f'<script type="application/json" id="{element}">{data}</script>')


def slot_texts(html: str, element: str = SLOTS_ELEMENT) -> dict:
    """The slots' text that :func:`slots_element` put in ``html`` under ``element`` (none: an empty mapping), each
    run a tuple again."""
    m = re.search(rf'<script type="application/json" id="{re.escape(element)}">(.*?)</script>', html, re.S)
    return {slot: [[tuple(run) for run in line] for line in lines]
            for slot, lines in json.loads(m.group(1)).items()} if m else {}  # fmt: skip


def unplaced(texts: dict, pages: list[list[tuple]]) -> list[str]:
    """The slots of ``texts`` no page holds (``pages``: each page's slots, name first): their text would be lost."""
    placed = {name for page in pages for name, *_box in page}
    return sorted(set(texts) - placed)


def baseline_offset(font: EmbeddedFont, size: float = SIZE, line_height: float = LINE_HEIGHT) -> float:
    """Points from the top of a line box to its baseline (a listing's, unless told): half the leading, then the
    ascent (hhea, as Pango)."""
    ascent, descent = font.ascent_descent()
    return ((line_height - (ascent + descent)) / 2 + ascent) * size


def draw(pages: Pages, page: Page, x: float, top: float, lines: Lines) -> None:
    """``lines`` on ``page`` in a slot whose top left is (``x``, ``top``), PDF points from the page's bottom left."""
    baseline = top - baseline_offset(pages.fonts["mono"])
    for line in lines:
        at = x
        for text, style in line:
            if text:
                font, colour = _STYLES[style]
                at += pages.text(at, baseline, text, font, SIZE, colour, page)
        baseline -= LINE


@dataclass
class Listings:
    """The slots' text (:func:`slot_texts`) and, page by page, where the render put each slot."""

    texts: dict[str, Lines]
    pages: list[list[tuple[str, float, float]]]
    what = "evidence listing rows"  # what a slot holds, for the error naming one laid out on no page

    def unplaced(self) -> list[str]:
        return unplaced(self.texts, self.pages)

    def draw_on(self, pages: Pages) -> None:
        for page, slots in zip(pages.pages, self.pages):
            for name, x, top, *_box in slots:
                if name.startswith(SLOT_PREFIX):  # not the contents' page numbers (.pdf_contents)
                    draw(pages, page, x, top, self.texts[name])
