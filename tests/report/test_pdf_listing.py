"""report.pdf's evidence listings with their text drawn directly (auditreport.report.pdf_listing)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from auditreport.errors import AuditReportError
from auditreport.report.evidence_rows import Listing, ListingRow
from auditreport.report.pdf_listing import SLOTS_ELEMENT, plan, slot_texts, slots_element
from auditreport.report.pdf_pages import PALETTE


def _row(status: str, body: str, reason: str = "", number: str = "1") -> ListingRow:
    return ListingRow(status=status, number=number, label=f"{status.upper():<7}", body=body, reason=reason)


LISTING = Listing(
    header="# status  resource        actor\n          event_name",
    rows=[
        _row("fail", "arn:aws:s3:::bucket-a  alice\n          PutBucketPolicy", "reason    alice opened the bucket"),
        _row("pass", "arn:aws:s3:::bucket-b  bob", "reason    closed", number="2"),
        _row("info", "arn:aws:s3:::bucket-c  \u540d\u524d", "reason    a name DejaVu Sans Mono lacks", number="3"),
        _row("fail", "arn:aws:s3:::bucket-d  x\u200by", number="4"),
    ],
)


def test_a_slot_for_every_row_the_font_draws_alike_and_the_rest_left_as_text():
    drawn, texts = plan({"c1": LISTING, "empty": Listing(header="# status", rows=[])})
    assert set(drawn) == {"c1"}  # a listing without rows is not shown
    header, rows = drawn["c1"].header, drawn["c1"].rows
    assert header.id == "lx-c1-h" and header.height == f"{2 * 6.8 * 1.28:.3f}pt"
    assert [r and r.id for r in rows] == ["lx-c1-0", "lx-c1-1", None, "lx-c1-3"]  # CJK: WeasyPrint's fallback fonts
    assert rows[0].height == f"{3 * 6.8 * 1.28:.3f}pt"  # two lines of the row, one of its reason
    assert set(texts) == {"lx-c1-h", "lx-c1-0", "lx-c1-1", "lx-c1-3"}
    assert texts["lx-c1-h"] == [[("# status  resource        actor", "b")], [("          event_name", "b")]]
    assert texts["lx-c1-0"] == [[("1 ", "n"), ("FAIL   ", "fail"), (" arn:aws:s3:::bucket-a  alice", "n")],
                                [("          PutBucketPolicy", "n")], [("reason    alice opened the bucket", "b")]]
    assert texts["lx-c1-1"][0][1] == ("PASS   ", "pass") and texts["lx-c1-1"][-1] == [("reason    closed", "m")]
    # an invisible character is shown as the template shows it, as U+XXXX
    assert texts["lx-c1-3"] == [[("4 ", "n"), ("FAIL   ", "fail"), (" arn:aws:s3:::bucket-d  x\u27e8U+200B\u27e9y", "n")]]


def test_the_text_travels_in_the_html_as_json_no_markup_can_end():
    texts = {"lx-a-0": [[("</script><b>x</b> & \u00e9", "n")]]}
    element = str(slots_element(texts))
    assert element.count("</script>") == 1 and "<b>" not in element and f'id="{SLOTS_ELEMENT}"' in element
    assert slot_texts(f"<html><body><p>x</p>{element}</body></html>") == texts
    assert slot_texts("<html><body></body></html>") == {}


def _document(drawn_listings) -> str:
    """One finding's listing in a document of report.css (not the report's sections: rendered whole)."""
    from auditreport.report.html import environment
    from auditreport.resources import templates_dir

    env = environment(templates_dir())
    macros = env.get_template("partials/macros.html.j2").module
    finding = SimpleNamespace(title="A check", evidence=SimpleNamespace(listing=LISTING))
    drawn, texts = plan({"c1": LISTING}) if drawn_listings else ({"c1": None}, {})
    listing = macros.evidence_listing(finding, drawn["c1"])
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    return (f"<!doctype html><html><head><style>{css}</style></head><body><article>{listing}</article>"
            f"{slots_element(texts) if texts else ''}</body></html>")  # fmt: skip


def _words(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float]]:
    path = tmp_path / f"w{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [(w, float(x0), float(y0), float(y1)) for x0, y0, _x1, y1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def test_drawn_text_sits_where_weasyprint_lays_the_same_text_out(tmp_path: Path):
    """The same listing as text laid out by WeasyPrint and as slots drawn into the render (report.pdf's path for a
    document it cannot cut into parts: rendered whole, the text laid over it): every word, in the same place to a
    fraction of a point."""
    from report_support import whole_render

    from auditreport.report.pdf import report_pdf_bytes

    laid_out = _words(whole_render(_document(drawn_listings=False)), tmp_path)
    drawn = _words(report_pdf_bytes(_document(drawn_listings=True), tmp_path / "report.pdf"), tmp_path)
    assert [w for w, *_ in drawn] == [w for w, *_ in laid_out] and "PutBucketPolicy" in [w for w, *_ in drawn]
    for (word, *a), (_w, *b) in zip(drawn, laid_out):
        assert all(abs(p - q) < 0.3 for p, q in zip(a, b)), (word, a, b)


def test_labels_and_reasons_in_report_css_s_colours_and_weights():
    """``.lst``: bold, in the status's colour; ``.lr``: bold for a failing row, muted for a passing one."""
    import io

    import pikepdf

    from auditreport.report.pdf_listing import Listings
    from auditreport.report.pdf_margins import margins_pdf
    from auditreport.report.pdf_pages import MUTED, _rgb

    _drawn, texts = plan({"c1": LISTING})
    pdf = pikepdf.open(io.BytesIO(margins_pdf(1, None, Listings(texts, [[("lx-c1-0", 50, 800), ("lx-c1-1", 50, 700)]]))))
    ops = pdf.pages[0].Contents.read_bytes().decode("latin-1")
    fonts = {str(f.BaseFont).split("+")[1]: name.lstrip("/") for name, f in pdf.pages[0].Resources.Font.items()}
    regular, bold = fonts["DejaVuSansMono"], fonts["DejaVuSansMono-Bold"]
    assert f"{_rgb(PALETTE['fail'])} /{bold} 6.8 Tf" in ops and f"{_rgb(PALETTE['pass'])} /{bold} 6.8 Tf" in ops
    assert f"{_rgb(MUTED)} /{regular} 6.8 Tf" in ops  # the passing row's reason
    assert ops.count(f"{_rgb(PALETTE['ink'])} /{bold} 6.8 Tf") == 1  # the failing row's one reason line


def test_a_slot_laid_out_on_no_page_is_an_error_naming_report_pdf(tmp_path: Path):
    from auditreport.report.pdf import report_pdf_bytes

    html = _document(drawn_listings=True).replace('id="lx-c1-1"', 'id="elsewhere"')
    with pytest.raises(AuditReportError, match=r"report\.pdf: 1 evidence listing rows were laid out on no page "
                                                r"\(the first: lx-c1-1\)"):  # fmt: skip
        report_pdf_bytes(html, tmp_path / "report.pdf")
