"""evidence.py: evidence/<check_id>.csv and .parquet hold every row of every check with rows, in report order; the
Parquet keeps the column types."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sample_run import SCRIPT, UNAPPROVED, make_result

from auditreport.report.evidence import evidence_csv, evidence_table, write_evidence


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
    with_rows = {cr.check.id for cr in result.checks if cr.rows}
    assert set(written) == with_rows | {f"parquet:{c}" for c in with_rows}
    result.checks = [cr for cr in result.checks if cr.check.id != UNAPPROVED]
    write_evidence(result, tmp_path)
    assert not (tmp_path / "evidence" / f"{UNAPPROVED}.csv").exists()
    assert not (tmp_path / "evidence" / f"{UNAPPROVED}.parquet").exists()


def test_parquet_has_the_csvs_rows_with_their_types(report_dir: Path, findings: dict):
    table = pq.read_table(report_dir / "evidence" / f"{UNAPPROVED}.parquet")
    unapproved = next(c for c in findings["checks"] if c["id"] == UNAPPROVED)
    assert table.column_names == unapproved["columns"] and table.num_rows == 40
    assert table.column("resource").to_pylist() == [r["resource"] for r in unapproved["rows"]]
    assert pa.types.is_timestamp(table.schema.field("endpoint_last_modified_time").type)
    assert any(SCRIPT in v for v in table.column("endpoint_name").to_pylist())  # kept exactly, as in the CSV


def test_a_column_arrow_cannot_type_is_kept_as_text():
    rows = [{"resource": "a", "v": 1, "t": datetime(2026, 10, 1)}, {"resource": "b", "v": "x", "t": None}]
    table = evidence_table(rows, ["resource", "v", "t"])
    assert table.column("v").type == pa.string() and table.column("v").to_pylist() == ["1", "x"]
    assert pa.types.is_timestamp(table.column("t").type) and table.column("t").to_pylist()[1] is None
