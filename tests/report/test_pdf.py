"""pdf.py: the PDF is WeasyPrint over the very report HTML, fetching nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_support import squash
from sample_run import UNAPPROVED, make_result

from auditreport.report.pdf import _no_fetch


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


def test_rendering_fetches_no_url():
    with pytest.raises(ValueError, match="does not fetch external resources"):
        _no_fetch("https://example.com/x.css")


def test_pdf_prints_the_integrity_appendix_and_carries_the_digests(report_dir: Path, pdf_text: str):
    import hashlib

    findings = hashlib.sha256((report_dir / "findings.json").read_bytes()).hexdigest()
    text = squash(pdf_text)
    assert "Appendix D: integrity" in text and findings in text.replace(" ", "")
    assert shutil.which("pdfinfo"), "pdfinfo is missing: run scripts/ensure-system-deps.sh --test"
    info = subprocess.run(["pdfinfo", str(report_dir / "report.pdf")], check=True, capture_output=True, text=True).stdout
    assert f"findings-sha256 {findings}" in info  # the keywords: what verify compares with the manifest
