"""report.pdf's margin boxes, drawn directly: a PDF of blank A4 pages carrying only what report.css's ``@page`` rule
puts in the margins (the running head: organisation, completeness, period, none on the first page; the footer:
"Run <id>" and "Page X of Y"), drawn by the same code as report-sql.pdf's (:meth:`.pdf_pages.Pages.decorate`,
DejaVu Sans and Sans Mono), the text of the evidence listings (:mod:`.pdf_listing`), of Appendix A's index with its
links (:mod:`.pdf_sql_index`) and the contents' page numbers (:mod:`.pdf_contents`), which :mod:`.pdf_join` lays over
report.pdf's pages one by one.

WeasyPrint drew them before, in documents of the cover and one empty page per later page: laying out empty pages
costs about 10 ms each (report.pdf's tail, 0.9 s for the sample month's 95 pages); this takes a few milliseconds.
The four strings are those report.css sets with ``string-set`` from the cover (:func:`cover_strings`).
"""

from __future__ import annotations

import io
import re
from html import unescape

import pydyf

from .pdf_contents import ROLE, ContentsNumbers, face
from .pdf_font import EmbeddedFont, report_fonts
from .pdf_listing import Listings
from .pdf_pages import Pages
from .pdf_sql_index import IndexLines

# report.css's string-set elements, all on the cover: (left head, centre head, right head, run id)
STRING_CLASSES = ("cover-org", "running-head", "cover-period", "run-id")
_TAG = re.compile(r"<[^>]*>")


def _element_text(html: str, cls: str) -> str:
    """The text of the first element of class ``cls`` (``content()``: its text, tags removed, character references
    resolved, white space collapsed as CSS's ``white-space: normal`` does); empty when there is none, as
    ``string()`` of a string never set."""
    m = re.search(rf'<(\w+)\b[^>]*\bclass="(?:[^"]*\s)?{re.escape(cls)}(?:\s[^"]*)?"[^>]*>(.*?)</\1\s*>', html, re.S)
    if m is None:
        return ""
    return re.sub(r"[ \t\n\r\f]+", " ", unescape(_TAG.sub("", m.group(2)))).strip()


def cover_strings(cover_html: str) -> tuple[str, str, str, str]:
    """The running head's left, centre and right strings and the run id, from the cover section's HTML."""
    org, completeness, period, run_id = (_element_text(cover_html, cls) for cls in STRING_CLASSES)
    return org, completeness, period, run_id


def margin_fonts(contents: bool) -> dict[str, EmbeddedFont]:
    """The fonts of one PDF of margins (with the contents' page numbers' face when ``contents``): loaded ahead, while
    the parts render, they take a third of drawing the margins (0.04 of 0.11 s of CPU for the sample month) off the
    end of report.pdf's render."""
    fonts = report_fonts()
    if contents:
        fonts[ROLE] = face()
    return fonts


def margins_pdf(pages: int, strings: tuple[str, str, str, str] | None, listings: Listings | None = None,
                numbers: ContentsNumbers | None = None, fonts: dict[str, EmbeddedFont] | None = None,
                index: IndexLines | None = None) -> bytes:
    """``pages`` blank A4 pages with report.pdf's running head (from the second page) and footer on each (none when
    ``strings`` is None: WeasyPrint drew them); with ``listings``, the text of the evidence listings' slots
    (:mod:`.pdf_listing`) where the pages have them; with ``numbers``, the contents' page numbers
    (:mod:`.pdf_contents`); with ``index``, Appendix A's index's lines and their links (:mod:`.pdf_sql_index`), the
    links as the pages' annotations. ``fonts``: :func:`margin_fonts`' (for this document alone), unless loaded here."""
    layout = Pages(fonts or margin_fonts(numbers is not None))
    for _ in range(pages):
        layout.new_page()
    if strings is not None:
        org, completeness, period, run_id = strings
        layout.decorate(org, completeness, period, f"Run {run_id}")
    if listings is not None:
        listings.draw_on(layout)
    if numbers is not None:
        numbers.draw_on(layout)
    if index is not None:
        index.draw_on(layout)
    pdf = pydyf.PDF()
    layout.write_into(pdf)
    out = io.BytesIO()
    pdf.write(out, version=b"1.7", compress=True)
    return out.getvalue()
