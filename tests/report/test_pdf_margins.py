"""report.pdf's margin boxes drawn directly (auditreport.report.pdf_margins)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf

from auditreport.report.pdf_margins import cover_strings, margins_pdf
from auditreport.report.pdf_parts import split_report


def test_the_running_heads_are_the_cover_s_strings_as_text():
    cover = ('<section class="cover"><div class="cover-org">A &amp; B\n   <b>Ltd</b></div>'
             '<div class="cover-period x">Oct 2026</div><span class="running-head">3 OF 9 FAILED &#183; COMPLETE</span>'
             '<td><code class="run-id">r-1</code></td></section>')
    assert cover_strings(cover) == ("A & B Ltd", "3 OF 9 FAILED \u00b7 COMPLETE", "Oct 2026", "r-1")
    assert cover_strings('<section class="cover"><div class="cover-organisation">x</div></section>') == ("",) * 4


def test_the_real_cover_s_strings_are_what_weasyprint_printed_in_the_margins(tmp_path: Path):
    """The cover as the report's template writes it, rendered by WeasyPrint with report.css: its running head and
    footer read as the strings taken from the HTML."""
    from report_support import whole_render
    from sample_run import make_result

    from datetime import datetime, timezone

    from auditreport.report import report_frameworks
    from auditreport.report.html import render_documents

    result = make_result()
    html = render_documents(result, report_frameworks(result), datetime(2026, 11, 1, tzinfo=timezone.utc)).pdf_html
    org, centre, period, run_id = cover_strings(split_report(html).sections[0].html)
    assert org and centre and period and run_id
    path = tmp_path / "whole.pdf"
    path.write_bytes(whole_render(html))
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], check=True, capture_output=True,
                           text=True).stdout
    assert page2.startswith(f"{org}\n\n{centre}\n\n{period}\n") and f"Run {run_id}\n" in page2


def test_every_page_has_its_footer_and_all_but_the_first_the_running_head(tmp_path: Path):
    pdf = margins_pdf(3, ("Example Org", "1 OF 2 FAILED", "October 2026", "r-9"))
    path = tmp_path / "margins.pdf"
    path.write_bytes(pdf)
    with pikepdf.open(path) as doc:
        assert len(doc.pages) == 3 and [round(float(v)) for v in doc.pages[0].MediaBox] == [0, 0, 595, 842]  # A4
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = [[" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in text.split("\f")[:3]]
    assert pages[0] == ["Run r-9 Page 1 of 3"]  # the head, at the top, from the second page
    assert pages[1:] == [["Example Org 1 OF 2 FAILED October 2026", f"Run r-9 Page {i} of 3"] for i in (2, 3)]
