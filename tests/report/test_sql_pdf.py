"""sql_pdf.py: report-sql.pdf written directly, each SQL file whole and findable, beside report.pdf which links into it."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from report_support import pdf_destinations, pdf_links, pdf_outline
from sample_run import BURST, UNAPPROVED, catalogue, make_result

from auditreport.report.html import render_documents
from auditreport.report.pdf_font import find_font
from auditreport.report.sql_pdf import render_sql_pdf, write_sql_pdf
from auditreport.report.pdf_pages import BOTTOM, PAGE_H, TOP
from auditreport.report.values import reveal_invisible

NOW = datetime(2026, 11, 1, 2, 3, 30, tzinfo=timezone.utc)
RUN_ID = "20261101T020000Z-5f3a9c"


def _text(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def _body_text(path: Path) -> str:
    """The text inside the margins: no running head, no footer between the parts of a text that runs over a page.
    (-layout: without it pdftotext joins a line that ends in a hyphen to the next and drops the hyphen.)"""
    return _text(path, "-layout", "-x", "0", "-y", str(int(TOP)), "-W", "596", "-H", str(int(PAGE_H - TOP - BOTTOM)))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout


def _document(replace: dict[str, str] | None = None):
    """report-sql.pdf's data for the hand-built run, with some checks' SQL replaced."""
    result = make_result()
    for cr in result.checks:
        if replace and cr.check.id in replace:
            cr.check = dataclasses.replace(cr.check, sql=replace[cr.check.id])
    return render_documents(result, catalogue().frameworks, NOW).sql


@pytest.fixture(scope="module")
def sql_pdf(report_dir: Path) -> Path:
    return report_dir / "report-sql.pdf"


def test_every_check_s_and_view_s_sql_is_in_the_pdf_whole_in_order(sql_pdf: Path):
    body = _flat(_body_text(sql_pdf))
    doc = _document()
    sources = {cr.check.id: cr.check.sql for cr in make_result().checks} | {v.id: v.sql for v in catalogue().views.values()}
    assert len(doc.checks) == len(make_result().checks) and doc.views
    at = 0
    for f in [*doc.checks, *doc.views]:
        assert f.sql == sources[f.id] and f.sha256 == hashlib.sha256(f.sql.encode("utf-8")).hexdigest()
        found = body.find(_flat(f.sql), at)  # each file's text unbroken by anything, its files in order
        assert found >= 0, f.path
        heading = body.rfind(_flat(f.path), at, found)
        assert heading >= 0 and _flat(f.sha256) in body[heading:found], f.path  # headed by its path and SHA-256
        at = found


def test_unicode_survives_and_characters_the_font_lacks_are_named_and_still_found(tmp_path: Path):
    sql = ("-- café ≥ 5 — Ωμέγα, Жук, → ✓ ½\n"
           "select '中文' as label, 'a\u202eb' as spoofed, '\tx' as tabbed\n")
    out = write_sql_pdf(_document({BURST: sql}), tmp_path / "report-sql.pdf")
    text = _body_text(out)
    assert "-- café ≥ 5 — Ωμέγα, Жук, → ✓ ½" in text  # drawn with the embedded font, extracted as written
    assert "'中文'" in text  # no glyph in DejaVu Sans Mono: shown as ⟨U+4E2D⟩, its ActualText the character itself
    assert "\u27e8U+202E\u27e9" in text and "\u202e" not in text  # a bidi override is shown, never obeyed
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
    mono = next(line for line in fonts.splitlines() if "DejaVuSansMono" in line)
    assert re.match(r"[A-Z]{6}\+DejaVuSansMono\s+CID TrueType\s+Identity-H\s+yes yes yes", mono), mono  # subset


def test_a_character_the_font_lacks_is_drawn_as_its_code_point_with_the_character_as_its_actual_text():
    """What a reader sees for 中 is ⟨U+4E2D⟩ (never an empty box); what search and copy find is 中 (the test above)."""
    pages = _uncompressed(render_sql_pdf(_document({BURST: "select '中' as x\n"})))
    span = re.search(rb"/Span <</ActualText <feff4e2d>>> BDC \((.*?)\) Tj EMC", pages, re.S)
    assert span
    shown = re.sub(rb"\\(.)", lambda m: {b"r": b"\r", b"n": b"\n"}.get(m.group(1), m.group(1)), span.group(1))
    font = TTFont(find_font("DejaVuSansMono.ttf", "DejaVu Sans Mono"))
    cmap, gids = font.getBestCmap(), font.getReverseGlyphMap()
    assert shown == b"".join(gids[cmap[ord(c)]].to_bytes(2, "big") for c in "\u27e8U+4E2D\u27e9")


def test_long_lines_wrap_without_loss_and_each_row_fits(tmp_path: Path):
    long = "select " + ", ".join(f"column_{i:03d}_of_a_wide_table" for i in range(40)) + " from t"
    unbroken = "'" + "x" * 300 + "'"
    out = write_sql_pdf(_document({BURST: f"{long}\n{unbroken}\nselect 1\n"}), tmp_path / "report-sql.pdf")
    text = _body_text(out)
    assert _flat(long) + _flat(unbroken) + "select1" in _flat(text)  # every character, in order
    rows = [line for line in _text(out, "-layout").splitlines() if "column_" in line]
    assert len(rows) >= 8 and all(len(line.strip()) <= 117 for line in rows)  # wrapped at the panel's width
    assert "column_039_of_a_wide_table from t" in text  # the line's end is on the page, not cut off


def test_every_file_has_a_bookmark_on_its_own_page(sql_pdf: Path):
    outline, dests = pdf_outline(sql_pdf), pdf_destinations(sql_pdf)
    doc = _document()
    assert outline[0][:2] == (1, "Appendix A: check SQL")
    titles = {title: (level, page) for level, title, page in outline}
    for f in doc.checks:
        label = f"{f.id} ({'NO DATA' if f.status == 'no_data' else f.status.upper()})"
        assert titles[label] == (2, dests[f.anchor]), f.id
    assert titles["Shared views"] == (2, dests["sql-views"])
    for v in doc.views:
        assert titles[v.id] == (3, dests[v.anchor]), v.id
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(sql_pdf, "rb") as f:  # every entry open: the root counts all of them
        assert PdfFileReader(f).root["/Outlines"]["/Count"] == len(outline)


def test_every_link_report_pdf_makes_into_it_lands_on_the_file_it_names(report_dir: Path, sql_pdf: Path):
    dests = pdf_destinations(sql_pdf)
    targets = {uri.split("#", 1)[1] for _p, kind, uri in pdf_links(report_dir / "report.pdf")
               if kind == "uri" and uri.startswith("report-sql.pdf#")}
    doc = _document()
    assert targets == {f.anchor for f in [*doc.checks, *doc.views]}
    for f in [*doc.checks, *doc.views]:
        page = _flat(_text(sql_pdf, "-f", str(dests[f.anchor] + 1), "-l", str(dests[f.anchor] + 1)))
        assert _flat(f.path) in page and f.sha256 in page, f.anchor  # the destination's page is where it starts
    internal = {target for _p, kind, target in pdf_links(sql_pdf) if kind == "dest"}
    assert internal and internal <= set(dests)  # a view's readers link to their checks
    back = {target for _p, kind, target in pdf_links(sql_pdf) if kind == "uri"}
    assert back == {f"report.pdf#check-{f.id}" for f in doc.checks}


def test_every_page_has_its_number_of_the_total_the_run_and_after_the_first_the_running_head(sql_pdf: Path):
    pages = int(re.search(r"^Pages:\s+(\d+)", _info(sql_pdf), re.M).group(1))
    text = _text(sql_pdf)
    assert [int(n) for n in re.findall(rf"Page (\d+) of {pages}\b", text)] == list(range(1, pages + 1))
    assert text.count(f"Run {RUN_ID}") == pages
    heads = re.findall(r"\d+ OF \d+ FAILED · INCOMPLETE", text)
    assert len(heads) == pages - 1 and "Example Corp ML Platform" in text
    assert "Appendix A: check SQL" in _text(sql_pdf, "-f", "1", "-l", "1")


def test_metadata(sql_pdf: Path):
    info = _info(sql_pdf)
    assert re.search(r"^Title:\s+ML Platform Compliance Report: Example Corp ML Platform, 2026-10: Appendix A, check SQL$",
                     info, re.M)
    assert re.search(r"^Author:\s+Example Corp ML Platform$", info, re.M)
    assert re.search(rf"^Subject:\s+The SQL of every check of run {RUN_ID} ", info, re.M)
    assert re.search(r"^Creator:\s+auditreport \S+$", info, re.M) and re.search(r"^Producer:\s+auditreport ", info, re.M)
    assert re.search(r"^CreationDate:\s+Sun Nov  1 02:03:30 2026 UTC$", info, re.M)  # the run's, not the clock's
    assert re.search(r"^Page size:\s+595.276 x 841.89 pts \(A4\)$", info, re.M)
    assert b"/Lang (en)" in _uncompressed(sql_pdf.read_bytes())


def _uncompressed(data: bytes) -> bytes:
    """The PDF's objects, object streams inflated (the catalogue sits in one)."""
    import zlib

    out = [data]
    for m in re.finditer(rb"/Filter /FlateDecode.*?stream\n(.*?)\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"".join(out)


def test_the_same_run_gives_the_same_bytes():
    doc = _document()
    first = render_sql_pdf(doc)
    time.sleep(1.1)  # a clock read anywhere (a font's timestamp, a date) would show
    assert render_sql_pdf(_document()) == first
    later = render_sql_pdf(dataclasses.replace(doc, generated_at=datetime(2026, 11, 2, tzinfo=timezone.utc)))
    assert later != first  # the date it carries is the run's


def test_the_heading_of_a_check_names_its_finding_in_report_pdf(sql_pdf: Path):
    text = _flat(_body_text(sql_pdf))
    title = next(cr.check.title for cr in make_result().checks if cr.check.id == UNAPPROVED)
    assert _flat(f"Findings: {reveal_invisible(title)}") in text
