"""report.pdf's contents' page numbers, drawn directly into boxes WeasyPrint lays out empty, with the margin boxes
(:mod:`.pdf_margins`, laid over every page by :mod:`.pdf_join`).

Each entry's number sits at the right of its first line in a box as wide as three digits whatever the number
(report.css's ``.toc-pg``), so the contents is laid out once, with every other part, its boxes empty and a line tall
(:func:`.pdf_parts.part_task`); the render worker reports where each box is, as a slot
(:func:`auditreport.pdf_worker.render`). Once every part's anchors are known, each number is drawn right-aligned in its
box, in the muted colour, at the baseline WeasyPrint gives a line of the box's font and size: half the leading, then
the ascent below its top (:func:`.pdf_listing.baseline_offset`); the box is a line tall, so its height is the line
height and gives the size.

The face is the one WeasyPrint lays the number out in: the first of report.css's ``--sans`` stack fontconfig has at
the regular weight (Liberation Sans where Arial is asked for and missing), as Pango asks fontconfig; DejaVu Sans, the
other margin text's face, when that is not a TrueType font this module can embed (or fontconfig's ``fc-match`` is
missing).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from ..pdf_worker import NUMBER_PREFIX
from ..resources import templates_dir
from .pdf_font import EmbeddedFont, find_font
from .pdf_listing import baseline_offset
from .pdf_pages import MUTED, Pages

LINE_HEIGHT = 1.42  # report.css: .toc-pg's line height, the body's
BOX = "000"  # report.css: .toc-pg's width, 3ch
ROLE = "contents"  # the face's role among the margins' fonts (:class:`.pdf_pages.Pages`)
Slot = tuple[str, float, float, float, float]  # name, left, top, right, bottom (PDF points)


def sans_stack(css: str) -> list[str]:
    """The families of report.css's ``--sans``, in order."""
    stack = re.search(r"--sans:\s*([^;]+);", css).group(1)
    return [family.strip().strip("\"'") for family in stack.split(",")]


@cache
def face_path() -> Path:
    """The file of the face WeasyPrint lays the page numbers out in (see the module's note)."""
    families = sans_stack((templates_dir() / "report.css").read_text(encoding="utf-8"))
    pattern = ",".join(re.sub(r"([\\:,-])", r"\\\1", family) for family in families) + ":weight=regular:slant=roman"
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "--format=%{file}\n%{index}", pattern], capture_output=True, text=True,
                               check=False).stdout.split("\n")
        if len(found) == 2 and found[1] == "0" and Path(found[0]).is_file():
            with TTFont(found[0], lazy=True) as font:
                if "glyf" in font:  # TrueType outlines: what EmbeddedFont embeds
                    return Path(found[0])
    return find_font("DejaVuSans.ttf", "DejaVu Sans")


def face() -> EmbeddedFont:
    """The page numbers' face, for one document."""
    return EmbeddedFont(face_path(), "F5")  # after report_fonts()' F1-F4


@dataclass
class ContentsNumbers:
    """The anchor each number box shows the page of (:func:`.pdf_parts.number_targets`), each anchor's page number
    (:func:`.pdf_parts.page_numbers`), and page by page the slots the render placed."""

    targets: dict[str, str]
    numbers: dict[str, int]
    pages: list[list[Slot]]

    def draw_on(self, pages: Pages) -> None:
        """Each number right-aligned in its box; one wider than the box (past 999 pages) from the box's left, over its
        right edge, as WeasyPrint sets a line too long for its box; an anchor on no page: none, as WeasyPrint's
        ``target-counter()``."""
        font = pages.fonts[ROLE]
        for page, slots in zip(pages.pages, self.pages):
            for name, _left, top, right, bottom in slots:
                number = self.numbers.get(self.targets[name]) if name.startswith(NUMBER_PREFIX) else None
                if number is None:
                    continue
                size, text = (top - bottom) / LINE_HEIGHT, str(number)
                baseline = top - baseline_offset(font, size, LINE_HEIGHT)
                x = right - min(font.width(text, size), font.width(BOX, size))
                pages.text(x, baseline, text, ROLE, size, MUTED, page)
