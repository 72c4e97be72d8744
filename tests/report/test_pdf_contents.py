"""report.pdf's contents' page numbers, drawn into boxes its part lays out empty (auditreport.report.pdf_contents)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from report_support import paged_report_html, whole_render

from auditreport.report.pdf_pages import BOTTOM, PAGE_H, PAGE_W, RIGHT, TOP


def _words(pdf: bytes, tmp_path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """The words inside the margins of ``page`` (from 1) with their boxes (pdftotext -bbox: from the top left), top
    to bottom, left to right (the margin boxes' faces are not WeasyPrint's: :mod:`.pdf_margins`)."""
    path = tmp_path / f"w{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    words = [(w, *map(float, box)) for *box, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]
    return sorted((w for w in words if TOP < w[2] and w[4] < PAGE_H - BOTTOM), key=lambda w: (round(w[4]), w[1]))


def test_drawn_page_numbers_sit_where_weasyprint_puts_the_same_numbers(tmp_path: Path):
    """The contents laid out once with its number boxes empty and the numbers drawn, and WeasyPrint's render of the
    whole HTML (report.css's target-counter() in the same boxes): every word of the contents page alike, each number
    at the box's right edge, on the same baseline, in the same face (within half a point); entries long enough to
    wrap beside the box, at both levels, wrap alike; a box for an anchor that is nowhere shows no number."""
    from auditreport.report.pdf import report_pdf_bytes

    label = "A long entry of the contents, which wraps beside its page number " * 2
    extra = "".join(f'<li class="toc-l{level}"><a href="#{a}"><span class="toc-pg" data-href="#{a}"></span>{text}</a>'
                    "</li>" for a, text, level in [("f30", label, 1), ("f31", label, 2), ("gone", "Nowhere", 1),
                                                   ("appendix", "Appendix again", 2), ("f7", "Seven", 2)])  # fmt: skip
    html = paged_report_html(findings=40).replace("</ol>", f"{extra}</ol>")
    laid_out = _words(whole_render(html), tmp_path, 2)
    drawn = _words(report_pdf_bytes(html, tmp_path / "report.pdf"), tmp_path, 2)
    assert [w for w, *_ in drawn] == [w for w, *_ in laid_out]
    numbers = [w for w in drawn if w[0].isdigit() and abs(w[3] - (PAGE_W - RIGHT - 6)) < 1]
    assert len(numbers) == 8 and max(int(w) for w, *_ in numbers) >= 10  # "Nowhere": none
    assert "Nowhere" in [w for w, *_ in drawn]
    for (word, *a), (_w, *b) in zip(drawn, laid_out):
        assert all(abs(p - q) < 0.5 for p, q in zip(a, b)), (word, a, b)


def test_the_face_is_the_one_weasyprint_lays_report_css_s_sans_out_in(tmp_path: Path):
    """fontconfig's match for report.css's --sans stack is the face WeasyPrint embeds for the contents' numbers."""
    from fontTools.ttLib import TTFont

    from auditreport.report.pdf_contents import face_path

    path = tmp_path / "whole.pdf"
    path.write_bytes(whole_render(paged_report_html()))
    fonts = subprocess.run(["pdffonts", "-f", "2", "-l", "2", str(path)], check=True, capture_output=True,
                           text=True).stdout
    family = TTFont(face_path(), lazy=True)["name"].getDebugName(1)
    assert re.search(rf"\+{re.escape(family.replace(' ', '-'))}\s", fonts), (family, fonts)


def test_a_number_wider_than_its_box_starts_at_its_left_as_weasyprint_sets_it_and_one_for_no_anchor_is_not_drawn():
    """Past 999 pages a number overflows its box of three digits to the right (WeasyPrint starts a line too long for
    its box at the box's left: "1234" at 517.18 pt where the box of 9.5 pt Liberation Sans ends at 533.03 pt)."""
    import io

    import pikepdf

    from auditreport.report.pdf_contents import LINE_HEIGHT, ContentsNumbers
    from auditreport.report.pdf_margins import margins_pdf

    size, right = 9.5, 533.03
    slots = [(f"pn-{i}", 500.0, 700.0 - 20 * i, right, 700.0 - 20 * i - size * LINE_HEIGHT) for i in range(4)]
    numbers = ContentsNumbers({"pn-0": "a", "pn-1": "b", "pn-2": "c", "pn-3": "gone"}, {"a": 7, "b": 42, "c": 1234},
                              [slots])  # fmt: skip
    pdf = pikepdf.open(io.BytesIO(margins_pdf(1, None, None, numbers)))
    ops = pdf.pages[0].Contents.read_bytes().decode("latin-1")
    shown = re.findall(r"/F5 ([\d.]+) Tf 1 0 0 1 ([\d.]+) ([\d.]+) Tm", ops)
    assert [float(s) for s, _x, _y in shown] == [9.5] * 3  # three numbers, at the size the box's height gives
    lefts = [float(x) for _s, x, _y in shown]
    digit = 0.556 * size  # Liberation Sans's tabular digits
    assert all(abs(right - x - n * digit) < 0.05 for x, n in zip(lefts, (1, 2, 3), strict=True))  # 1234: three
    assert abs(lefts[2] - 517.18) < 0.05
