"""pdf.py: the PDF is WeasyPrint over the very report HTML, fetching nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from report_support import pdf_destinations, pdf_links, squash
from sample_run import UNAPPROVED, make_result


def test_pdf_exists_with_metadata(report_dir: Path):
    data = (report_dir / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(report_dir / "report.pdf")], check=True, capture_output=True,
                              text=True).stdout
        assert "ML Platform Compliance Report: Example Corp ML Platform, 2026-10" in info
        assert "Example Corp ML Platform" in info and "A4" in info


def test_pdf_text_has_banner_titles_caps_and_page_numbers(pdf_text: str):
    text = squash(pdf_text)
    assert "Evidence incomplete" in text
    assert re.search(r"\d+ of \d+ checks failed", text)  # the cover leads with the outcome
    assert re.search(r"\d+ OF \d+ FAILED · INCOMPLETE", text)  # the running head of every page after the cover
    for cr in make_result().checks:
        assert squash(cr.check.title) in text, cr.check.title
    assert f"15 more rows in evidence/{UNAPPROVED}.csv" in text
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages > 10 and f"Page {pages} of {pages}" in text
    assert "Run 20261101T020000Z-5f3a9c" in text
    assert "<script>alert(1)</script>" in text  # shown as text, never interpreted


def test_pdf_prints_the_integrity_appendix_and_carries_the_digests(report_dir: Path, pdf_text: str):
    import hashlib

    findings = hashlib.sha256((report_dir / "findings.json").read_bytes()).hexdigest()
    text = squash(pdf_text)
    assert "Appendix D: integrity" in text and findings in text.replace(" ", "")
    assert shutil.which("pdfinfo"), "pdfinfo is missing: run scripts/ensure-system-deps.sh --test"
    info = subprocess.run(["pdfinfo", str(report_dir / "report.pdf")], check=True, capture_output=True, text=True).stdout
    assert f"findings-sha256 {findings}" in info  # the keywords: what verify compares with the manifest


# ---------- report.pdf and report-sql.pdf: numbering, contents, links, the SQL texts beside ----------


def _pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-layout", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_every_page_says_page_x_of_y_and_the_contents_page_numbers_are_where_the_sections_are(report_dir: Path,
                                                                                             pdf_text: str):
    pdf = report_dir / "report.pdf"
    pages = _page_count(pdf)
    footers = [int(n) for n in re.findall(rf"Page (\d+) of {pages}\b", pdf_text)]
    assert footers == list(range(1, pages + 1))  # every page, in order, with the document's own total
    dests = pdf_destinations(pdf)
    contents = squash(_pdftotext(pdf, "-f", "2", "-l", "3"))
    for anchor, label in [("summary", "Executive summary"), ("findings", "Findings"),
                          ("appendix-sql", "Appendix A: check SQL"), ("appendix-inputs", "Appendix B: input files"),
                          ("appendix-integrity", "Appendix D: integrity")]:
        shown = re.search(rf"{re.escape(label)} [. ]*?(\d+)\b", contents)
        assert shown and int(shown.group(1)) == dests[anchor] + 1, (label, shown and shown.group(1), dests[anchor] + 1)


def test_every_internal_link_of_report_pdf_lands_on_a_destination(report_dir: Path):
    pdf = report_dir / "report.pdf"
    dests, links = pdf_destinations(pdf), pdf_links(pdf)
    internal = {target for _page, kind, target in links if kind == "dest"}
    assert internal and internal <= set(dests), sorted(internal - set(dests))
    for cr in make_result().checks:  # the contents, the framework tables and Appendix A link to every check
        assert f"check-{cr.check.id}" in internal and f"sql-{cr.check.id}" in dests, cr.check.id


def test_report_sql_pdf_holds_every_check_s_sql_and_report_pdf_names_each_by_hash(report_dir: Path, pdf_text: str):
    import hashlib

    sql_pdf = report_dir / "report-sql.pdf"
    outputs = dict(line.split("=", 1) for line in (report_dir / "_outputs.txt").read_text().splitlines())
    assert Path(outputs["report_sql_pdf"]) == sql_pdf and sql_pdf.read_bytes().startswith(b"%PDF")
    sql_text = _pdftotext(sql_pdf)
    flat_sql, flat_report = re.sub(r"\s+", "", sql_text), re.sub(r"\s+", "", pdf_text)
    sql_dests = pdf_destinations(sql_pdf)
    uris = {target for _page, kind, target in pdf_links(report_dir / "report.pdf") if kind == "uri"}
    for cr in make_result().checks:
        digest = hashlib.sha256(cr.check.sql.encode("utf-8")).hexdigest()
        assert digest in flat_report and digest in flat_sql, cr.check.id  # named in the signed report, and beside it
        body = [line for line in cr.check.sql.splitlines() if line.strip() and not line.startswith(("/*", "--"))]
        assert re.sub(r"\s+", "", body[-1]) in flat_sql, cr.check.id  # the text itself, to its last line
        assert f"report-sql.pdf#sql-{cr.check.id}" in uris and f"sql-{cr.check.id}" in sql_dests, cr.check.id
    back = {target for _page, kind, target in pdf_links(sql_pdf) if kind == "uri"}
    assert f"report.pdf#check-{UNAPPROVED}" in back  # each SQL names the finding it produced, in report.pdf
    assert "Appendix A: check SQL" in sql_text and "Run 20261101T020000Z-5f3a9c" in sql_text
    assert f"Page {_page_count(sql_pdf)} of {_page_count(sql_pdf)}" in sql_text


def test_report_pdf_rendered_in_parts_reads_as_weasyprint_s_render_of_the_whole_html(tmp_path: Path):
    """The real template: the same pages, text (every page's lines, the margin lines in DejaVu Sans rather than
    WeasyPrint's face; the evidence listings' lines drawn by :mod:`auditreport.report.pdf_listing` where WeasyPrint
    laid them out from the HTML's text; the contents' page numbers drawn by :mod:`auditreport.report.pdf_contents` where
    WeasyPrint's target-counter() wrote them), named destinations, links with their places, outline, metadata and
    language as one WeasyPrint render of the same HTML."""
    from datetime import datetime, timezone

    from report_support import page_lines, pdf_reading, whole_render

    from auditreport.report import report_frameworks
    from auditreport.report.html import render_documents
    from auditreport.report.pdf import report_pdf_bytes
    from auditreport.report.pdf_margins import cover_strings
    from auditreport.report.pdf_parts import split_report

    result = make_result()
    args = (result, report_frameworks(result), datetime(2026, 11, 1, tzinfo=timezone.utc))
    html = render_documents(*args).pdf_html
    assert 'id="lx-' in html  # the evidence listings' text drawn directly, in slots WeasyPrint laid out empty
    whole = pdf_reading(whole_render(render_documents(*args, draw_listings=False).pdf_html), tmp_path)
    joined = pdf_reading(report_pdf_bytes(html, tmp_path / "report.pdf"), tmp_path)
    assert joined["pages"] == whole["pages"] > 10
    for key in ("text", "text-layout"):
        assert page_lines(joined[key]) == page_lines(whole[key]), key
    for key in ("dests", "links", "outline", "info", "lang"):
        assert joined[key] == whole[key], key
    n = joined["pages"]
    org, centre, period, run_id = cover_strings(split_report(html).sections[0].html)
    lines = [[" ".join(line.split()) for line in page.splitlines() if line.strip()]
             for page in joined["text-layout"].split("\f")[:n]]
    assert [page[-1] for page in lines] == [f"Run {run_id} Page {i} of {n}" for i in range(1, n + 1)]
    assert all(page[0] == f"{org} {centre} {period}" for page in lines[1:])
    assert not any(centre in line for line in lines[0])  # page 1: no running head


def test_a_report_without_contents_keeps_its_parts_first_renders_and_reads_as_weasyprint_s_whole_render(
        tmp_path: Path):
    from report_support import page_lines, paged_report_html, pdf_reading, whole_render

    from auditreport.report.pdf import report_pdf_bytes

    html = re.sub(r"<nav>.*?</nav>", "", paged_report_html(), flags=re.S)
    assert 'class="toc-page"' not in html
    whole = pdf_reading(whole_render(html), tmp_path)
    joined = pdf_reading(report_pdf_bytes(html, tmp_path / "report.pdf"), tmp_path)
    assert joined["pages"] == whole["pages"] > 3 and page_lines(joined["text"]) == page_lines(whole["text"])
    for key in ("dests", "links", "outline", "info", "lang"):
        assert joined[key] == whole[key], key


def test_the_second_render_worker_is_forked_from_the_first_and_renders(monkeypatch):
    """One WeasyPrint import for both workers: the second is a fork of the first once it has warmed up."""
    import io

    import pikepdf

    from auditreport.load import worker_pool
    from auditreport.report.pdf import RENDER_TASK, prestart_render_workers

    monkeypatch.setenv("AUDITREPORT_LOAD_WORKERS", "2")
    prestart_render_workers()
    first, forked = worker_pool._PRESTARTED[RENDER_TASK]
    try:
        assert type(forked).__name__ == "ForkedWorker"
        with open(f"/proc/{forked.pid}/stat") as f:
            assert int(f.read().rsplit(")", 1)[1].split()[1]) == first.pid  # its parent: the first worker
        worker_pool._send(forked.stdin, {"html": "<p>forked</p>", "whole": True})
        ok, part = worker_pool._receive(forked.stdout)
        assert ok and part["pages"] == 1 and len(pikepdf.open(io.BytesIO(part["pdf"])).pages) == 1
    finally:
        worker_pool.discard_prestarted(RENDER_TASK)
    assert first.returncode == forked.returncode == -9


def test_a_killed_render_worker_is_an_environment_failure_naming_report_pdf(tmp_path: Path, monkeypatch):
    """report.pdf's parts render in worker processes; one killed (as the out-of-memory killer would) is one line
    naming report.pdf, exit code 5, and no report.pdf. The one killed is the forked one (the first's death takes its
    forks with it; a fork's alone is the case to prove)."""
    import os
    import signal
    import threading
    import time

    from report_support import paged_report_html

    from auditreport.errors import EnvironmentFailure
    from auditreport.load import worker_pool
    from auditreport.report.pdf import RENDER_TASK, prestart_render_workers, write_pdf

    monkeypatch.setenv("AUDITREPORT_LOAD_WORKERS", "2")
    prestart_render_workers()
    workers = list(worker_pool._PRESTARTED[RENDER_TASK])[1:]
    assert [type(proc).__name__ for proc in workers] == ["ForkedWorker"]
    outcome: dict = {}

    def render():
        try:
            write_pdf(paged_report_html(findings=600), tmp_path / "report.pdf")
        except Exception as e:  # noqa: BLE001 - the test inspects it
            outcome["error"] = e

    t = threading.Thread(target=render)
    t.start()
    deadline = time.monotonic() + 60
    while worker_pool._PRESTARTED.get(RENDER_TASK) and time.monotonic() < deadline:  # until the pool takes them
        time.sleep(0.05)
    time.sleep(2.0)  # rendering the parts by now
    for proc in workers:
        os.kill(proc.pid, signal.SIGKILL)
    t.join(120)
    err = outcome.get("error")
    assert isinstance(err, EnvironmentFailure) and err.exit_code == 5, err
    assert "report.pdf" in str(err) and "ended abnormally" in str(err) and "\n" not in str(err)
    assert not (tmp_path / "report.pdf").exists()
