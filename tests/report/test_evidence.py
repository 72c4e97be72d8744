"""evidence.py: evidence/<check_id>.csv holds every row of every check with rows, in report order."""

from __future__ import annotations

import csv
from pathlib import Path

from sample_run import SCRIPT, UNAPPROVED, make_result

from auditreport.report.evidence import evidence_csv, write_evidence


def test_csv_has_every_row_in_report_order(report_dir: Path, findings: dict):
    with open(report_dir / "evidence" / f"{UNAPPROVED}.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40
    unapproved = next(c for c in findings["checks"] if c["id"] == UNAPPROVED)
    assert list(rows[0].keys()) == unapproved["columns"]
    assert [r["resource"] for r in rows] == [r["resource"] for r in unapproved["rows"]]
    assert rows[0]["approval_description"] == "" and rows[0]["endpoint_last_modified_time"].endswith("Z")
    assert any(SCRIPT in r["endpoint_name"] for r in rows)  # CSV keeps the value exactly
    files = sorted(p.name for p in (report_dir / "evidence").glob("*.csv"))
    assert files == sorted(f"{c['id']}.csv" for c in findings["checks"] if c["rows"])


def test_evidence_csv_neutralises_formulas_and_ends_lines_with_crlf():
    text = evidence_csv([{"resource": "=cmd()", "status": "fail", "n": None}], ["resource", "status", "n"])
    assert text == "resource,status,n\r\n'=cmd(),fail,\r\n"


def test_rewriting_removes_evidence_of_checks_that_have_no_rows_now(tmp_path):
    result = make_result()
    written = write_evidence(result, tmp_path)
    assert set(written) == {cr.check.id for cr in result.checks if cr.rows}
    result.checks = [cr for cr in result.checks if cr.check.id != UNAPPROVED]
    write_evidence(result, tmp_path)
    assert not (tmp_path / "evidence" / f"{UNAPPROVED}.csv").exists()
