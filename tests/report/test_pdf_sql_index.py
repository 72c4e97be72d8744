"""report.pdf's Appendix A index with its text and links drawn directly (auditreport.report.pdf_sql_index)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from auditreport.errors import AuditReportError
from auditreport.report.pdf_sql_index import SLOTS_ELEMENT, index, slot_texts, slots_element


def _finding(check_id: str, status: str = "fail", path: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(id=check_id, anchor=f"check-{check_id}", status=status,
                           path=path or f"queries/checks/{check_id}.sql", sql_sha256=f"{hash(check_id) & 0xFFFF:064x}")


VIEWS = [SimpleNamespace(id="v_actors", path="queries/views/v_actors.sql", sql_sha256="ab" * 32)]


def test_two_lines_per_row_in_styled_runs_slots_where_the_font_draws_them_and_the_rest_left_as_text():
    findings = [_finding("b_check", "pass"), _finding("a_check"), _finding("c_\u540d", "no_data"),
                _finding("d_long", "info", "queries/" + "x" * 140 + ".sql"), _finding("e_<b>x</b>\u200b", "error")]
    sql_index = index(findings, VIEWS, "report-sql.pdf", draw=True)
    assert [r.anchor for r in sql_index.rows] == ["sql-a_check", "sql-b_check", "sql-c_\u540d", "sql-d_long",
                                                  "sql-e_<b>x</b>\u27e8U+200B\u27e9", "view-v_actors"]
    first, second = sql_index.rows[0].lines
    w = len("e_<b>x</b>\u200b")  # the widest id, as it is (the template's padding), shown with U+XXXX
    assert [(r.text, r.cls, r.href, r.id) for r in first] == [
        ("a_check", "", "#check-a_check", "sql-a_check"), (" " * (w - 7) + "  ", "", "", ""),
        ("FAIL       ", "st-fail", "", ""), ("  ", "", "", ""),
        ("queries/checks/a_check.sql", "", "report-sql.pdf#sql-a_check", "")]  # fmt: skip
    assert [(r.text, r.cls) for r in second] == [(" " * (w + 15), ""), (findings[1].sql_sha256, "hash")]
    assert sql_index.rows[2].lines[0][2].text == "NO DATA    "
    # a CJK id (WeasyPrint's fallback fonts) and a path longer than a line (WeasyPrint wraps it): text
    assert [r.slots for r in sql_index.rows[2:4]] == [None, None]
    assert sql_index.rows[0].slots == [("sx-0-0", 1), ("sx-0-1", 1)]
    assert sql_index.rows[-1].slots == [("sx-5", 2)]  # the last row: one slot (widows keep a pre's last two lines)
    assert sql_index.head_slot == "sx-h" and sql_index.rows[-1].lines[0][2].cls == "muted"
    assert index(findings, VIEWS, "report-sql.pdf", draw=False).head_slot is None
    assert all(r.slots is None for r in index(findings, VIEWS, "report-sql.pdf", draw=False).rows)


def test_the_text_travels_in_the_html_as_json_no_markup_can_end():
    sql_index = index([_finding("x</script><b>y")], [], "report-sql.pdf", draw=True)
    element = str(slots_element(sql_index))
    assert element.count("</script>") == 1 and "<b>" not in element and f'id="{SLOTS_ELEMENT}"' in element
    texts = slot_texts(f"<html><body>{element}</body></html>")
    assert texts == sql_index.texts() and texts["sx-0"][0][0] == ("x</script><b>y", "", "#check-x</script><b>y")
    assert slots_element(index([], [], "report-sql.pdf", draw=False)) is None and slot_texts("<html></html>") == {}


def _document(findings, draw: bool) -> str:
    """Appendix A's index of ``findings`` (and the findings it links to) in a document of report.css, rendered whole."""
    from auditreport.report.html import environment
    from auditreport.resources import templates_dir

    sql_index = index(findings, VIEWS, "report-sql.pdf", draw)
    appendix = environment(templates_dir()).get_template("partials/appendix_sql.html.j2").render(
        engine={"name": "duckdb"}, sql_file="report-sql.pdf", sql_index=sql_index, findings=findings,
        shared_views=VIEWS)
    targets = "".join(f'<h3 id="{f.anchor}">{f.id}</h3>' for f in findings[:-1])  # the last links to nothing
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    return (f"<!doctype html><html><head><style>{css}</style></head><body>{appendix}{targets}"
            f"{slots_element(sql_index) or ''}</body></html>")


def _reading(pdf: bytes, tmp_path: Path) -> dict:
    import pikepdf

    path = tmp_path / f"r{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = [[(w, float(x0), float(y0), float(y1)) for x0, y0, _x1, y1, w in
              re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
             for page in out.split("<page ")[1:]]  # fmt: skip
    doc = pikepdf.open(io.BytesIO(pdf))
    index_of = {page.objgen: i for i, page in enumerate(doc.pages)}
    names = doc.Root.Names.Dests.Names
    dests = {str(names[i]): (index_of[names[i + 1][0].objgen], *(float(v) for v in names[i + 1][2:4]))
             for i in range(0, len(names), 2)}  # fmt: skip
    links = [(i, str(a.Dest) if "/Dest" in a else str(a.A.URI), [float(v) for v in a.Rect])
             for i, page in enumerate(doc.pages) for a in page.obj.get("/Annots", [])]
    return {"words": pages, "dests": dests, "links": links}


def test_drawn_text_and_links_are_where_weasyprint_lays_out_the_same_text(tmp_path: Path):
    """The index as text laid out by WeasyPrint and as slots drawn over the render (report.pdf's path for a document
    it cannot cut into parts): over three pages, every word in the same place to a fraction of a point, every
    anchor where it was, every link with the same target and rectangle (an internal one to an anchor nowhere dropped,
    as WeasyPrint drops it); a row the font cannot draw stays WeasyPrint's, with its links."""
    from report_support import whole_render

    from auditreport.report.pdf import report_pdf_bytes

    findings = [_finding(f"check_{i:03d}", ("fail", "pass", "info", "no_data", "error")[i % 5]) for i in range(110)]
    findings.insert(7, _finding("check_007_\u540d"))  # WeasyPrint's, amid the drawn ones
    findings.insert(9, _finding("check_008_\u00e9"))  # drawn, its link to report-sql.pdf %-encoded as WeasyPrint's
    findings[30] = _finding("check_028_\u540d")  # WeasyPrint's, its two lines on two pages
    html = _document(findings, draw=True)
    assert html.count('id="sx-') == 2 * len(findings) + 2 - 4  # head, two per row but the CJK ones', one for the last
    laid_out = _reading(whole_render(_document(findings, draw=False)), tmp_path)
    drawn = _reading(report_pdf_bytes(html, tmp_path / "report.pdf"), tmp_path)
    assert len(drawn["words"]) == len(laid_out["words"]) >= 3
    assert drawn["words"][1][0][0] == findings[30].sql_sha256  # the page breaks in the row, as in one pre
    for page, (ours, theirs) in enumerate(zip(drawn["words"], laid_out["words"])):
        assert [w for w, *_ in ours] == [w for w, *_ in theirs], page
        for (word, *a), (_w, *b) in zip(ours, theirs):
            assert all(abs(p - q) < 0.3 for p, q in zip(a, b)), (page, word, a, b)
    assert drawn["dests"].keys() == laid_out["dests"].keys() and "sql-check_050" in drawn["dests"]
    for name, (page, x, y) in drawn["dests"].items():
        assert page == laid_out["dests"][name][0] and abs(x - laid_out["dests"][name][1]) < 0.01, name
        assert abs(y - laid_out["dests"][name][2]) < 0.01, name

    def by_target(links):  # the index's: the paragraph above links to report-sql.pdf (twice: the a and its code)
        return {(page, target): rect for page, target, rect in links if target != "report-sql.pdf"}

    ours, theirs = by_target(drawn["links"]), by_target(laid_out["links"])
    assert len(drawn["links"]) == len(laid_out["links"])
    assert len(ours) == 2 * len(findings)  # and the view's, not the last finding's
    assert ours.keys() == theirs.keys() and (0, "check-check_007_\u540d") in ours
    assert (0, "report-sql.pdf#sql-check_008_%C3%A9") in ours
    for key, rect in ours.items():
        assert all(abs(p - q) < 0.5 for p, q in zip(rect, theirs[key])), (key, rect, theirs[key])
    assert not any(target == findings[-1].anchor for _page, target in ours)


def test_a_link_s_target_as_weasyprint_makes_it():
    from auditreport.report.pdf_sql_index import link_target

    assert link_target("#check-a%20b") == (None, "check-a b")
    assert link_target("report-sql.pdf#sql-<b>\u00e9 x") == ("report-sql.pdf#sql-%3Cb%3E%C3%A9%20x", None)


def test_results_in_report_css_s_colours_and_weights_the_hash_muted():
    import pikepdf

    from auditreport.report.pdf_margins import margins_pdf
    from auditreport.report.pdf_pages import MUTED, PALETTE, _rgb
    from auditreport.report.pdf_sql_index import IndexLines

    sql_index = index([_finding("a", "fail"), _finding("b", "pass")], [], "report-sql.pdf", draw=True)
    slots = [("sx-h", 50, 800, 0, 0), ("sx-0-0", 50, 780, 0, 0), ("sx-0-1", 50, 770, 0, 0), ("sx-1", 50, 760, 0, 0)]
    pdf = pikepdf.open(io.BytesIO(margins_pdf(1, None, index=IndexLines(sql_index.texts(), [slots]))))
    ops = pdf.pages[0].Contents.read_bytes().decode("latin-1")
    fonts = {str(f.BaseFont).split("+")[1]: name.lstrip("/") for name, f in pdf.pages[0].Resources.Font.items()}
    regular, bold = fonts["DejaVuSansMono"], fonts["DejaVuSansMono-Bold"]
    assert ops.count(f"{_rgb(MUTED)} /{bold} 6 Tf") == 2  # the header's two lines
    assert f"{_rgb(PALETTE['fail'])} /{bold} 6 Tf" in ops and f"{_rgb(PALETTE['pass'])} /{bold} 6 Tf" in ops
    assert ops.count(f"{_rgb(MUTED)} /{regular} 6 Tf") == 2  # the hashes
    assert [(str(a.Dest) if "/Dest" in a else str(a.A.URI)) for a in pdf.pages[0].Annots] == [
        "check-a", "report-sql.pdf#sql-a", "check-b", "report-sql.pdf#sql-b"]


def test_a_line_laid_out_on_no_page_is_an_error_naming_report_pdf(tmp_path: Path):
    from auditreport.report.pdf import report_pdf_bytes

    html = _document([_finding("a"), _finding("b")], draw=True).replace('id="sx-0-1"', 'id="elsewhere"')
    with pytest.raises(AuditReportError, match=r"report\.pdf: 1 lines of Appendix A's index were laid out on no page "
                                                r"\(the first: sx-0-1\)"):  # fmt: skip
        report_pdf_bytes(html, tmp_path / "report.pdf")
