"""auditreport.report (write_reports): every output written and returned, frameworks from the run's catalogue."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from report_support import NOW, text
from sample_run import UNAPPROVED, catalogue, make_result

from auditreport.report import report_frameworks, write_reports


def test_every_output_is_written_and_returned(report_dir: Path):
    outputs = dict(line.split("=", 1) for line in (report_dir / "_outputs.txt").read_text().splitlines())
    for name in ("report_html", "report_pdf", "report_sql_pdf", "findings_json", "findings_schema", "findings_sarif", "junit_xml",
                 "findings_ocsf", "assessment_results_oscal", "evidence_dir", f"evidence:{UNAPPROVED}"):
        assert name in outputs and Path(outputs[name]).exists(), name
    assert not (report_dir / "evidence" / "old_check.csv").exists(), "stale evidence from an earlier run survived"
    assert not list(report_dir.glob(".*tmp*")), "temporary files left behind"


def test_the_cue_comes_once_report_pdf_s_parts_are_handed_out_before_the_other_outputs(report_dir: Path):
    """``on_handed_out`` is called once, when report.pdf's parts are with the render workers: findings.json is
    written (the HTML is built from it), report.html, the evidence and report.pdf not yet."""
    import json

    [written] = json.loads((report_dir / "_handed_out.json").read_text())
    assert "findings.json" in written
    assert not {"report.html", "report.pdf", "findings.sarif"} & set(written)
    assert written == sorted(["evidence", "findings.json", "findings.schema.json"])  # evidence/: the stale CSV's


def test_write_reports_without_pdf(tmp_path):
    cues = []
    write_reports(make_result(), tmp_path, pdf=False, generated_at=NOW, on_handed_out=lambda: cues.append(1))
    assert cues == [1]  # once, without a PDF too

    (tmp_path / "report-sql.pdf").write_bytes(b"%PDF- from an earlier run")
    outputs = write_reports(make_result(), tmp_path, evidence_row_cap=5, pdf=False, generated_at=NOW)
    assert "report_pdf" not in outputs and not (tmp_path / "report.pdf").exists()
    assert "report_sql_pdf" not in outputs and not (tmp_path / "report-sql.pdf").exists()
    html = outputs["report_html"].read_text(encoding="utf-8")
    assert f"35 more rows in evidence/{UNAPPROVED}.csv" in text(html)
    with pytest.raises(ValueError):
        write_reports(make_result(), tmp_path, evidence_row_cap=0, pdf=False)


def test_frameworks_come_from_the_catalogue():
    result = make_result()
    assert report_frameworks(result) is catalogue().frameworks
    assert report_frameworks(replace(result, catalogue=None)) == {}


def test_the_digests_are_computed_before_rendering_and_printed(report_dir: Path, html: str):
    """findings.json is written first; its SHA-256 and the inputs digest are what the report then prints."""
    import hashlib

    from auditreport.integrity import inputs_digest

    findings = hashlib.sha256((report_dir / "findings.json").read_bytes()).hexdigest()
    inputs = inputs_digest(make_result().inputs)
    assert f'id="findings-sha256">{findings}<' in html and f'id="inputs-sha256">{inputs}<' in html
    assert f"findings-sha256 {findings}" in html  # the keywords, which the PDF carries
    assert "Appendix D: integrity" in html and "report.pdf is not signed" in html


def test_a_check_with_50000_failing_rows_keeps_the_pdf_bounded_and_every_row_in_the_evidence_files(tmp_path,
                                                                                                   report_dir: Path):
    import csv
    import json
    import re
    import subprocess

    import pyarrow.parquet as pq

    result = make_result()
    cr = next(c for c in result.checks if c.check.id == UNAPPROVED)
    first = next(r for r in cr.rows if r["status"] == "fail")
    cr.rows = [dict(first, resource=f"{first['resource']} #{i}", reason=f"{first['reason']} ({i})") for i in range(50_000)]
    timings: dict[str, float] = {}
    outputs = write_reports(result, tmp_path, evidence_row_cap=25, generated_at=NOW, timings=timings)

    with open(outputs[f"evidence:{UNAPPROVED}"], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 50_000 and [r["resource"] for r in rows[:2]] == [f"{first['resource']} #0", f"{first['resource']} #1"]
    assert rows[-1]["reason"] == f"{first['reason']} (49999)"
    assert pq.read_metadata(outputs[f"evidence_parquet:{UNAPPROVED}"]).num_rows == 50_000
    doc = json.loads(outputs["findings_json"].read_text(encoding="utf-8"))
    assert len(next(c for c in doc["checks"] if c["id"] == UNAPPROVED)["rows"]) == 50_000

    def pages(path: Path) -> int:
        info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))

    # bounded: the same pages as the 40-row report, 25 rows shown, the file with the rest named
    assert pages(outputs["report_pdf"]) <= pages(report_dir / "report.pdf") + 1
    shown = " ".join(subprocess.run(["pdftotext", str(outputs["report_pdf"]), "-"], check=True, capture_output=True,
                                    text=True).stdout.split())
    assert f"49,975 more rows in evidence/{UNAPPROVED}.csv" in shown
    assert first["reason"].endswith("not Approved.")
    assert "not Approved. (24)" in shown and "not Approved. (25)" not in shown  # rows 1-25 of the failing ones
    assert {"report.evidence", "report.findings.json", "report.interchange", "report.html", "report.pdf",
            "report-sql.pdf"} <= set(timings)
