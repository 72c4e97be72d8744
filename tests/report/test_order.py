"""order.py: the one order every output uses: checks by status then severity, rows failing first."""

from __future__ import annotations

import pytest
from sample_run import REPORT_ORDER, catalogue, make_result

from auditreport.checks.model import CheckResult
from auditreport.report.order import (
    columns_of,
    evidence_filename,
    ordered_rows,
    report_order,
    severity_rank,
)


def test_report_order_is_status_then_severity_then_id():
    assert [cr.check.id for cr in report_order(make_result().checks)] == REPORT_ORDER
    assert severity_rank("critical") == 0 and severity_rank("nonsense") == 5


def test_rows_failing_first_otherwise_as_returned():
    cr = CheckResult(catalogue().check("cloudtrail_trail_logging"), "fail", ["resource", "status", "reason"],
                     [{"resource": "a", "status": "pass"}, {"resource": "b", "status": "fail"},
                      {"resource": "c", "status": "info"}, {"resource": "d", "status": "fail"}])
    assert [r["resource"] for r in ordered_rows(cr)] == ["b", "d", "a", "c"]


def test_columns_never_drop_a_key_a_row_has():
    cr = CheckResult(catalogue().check("cloudtrail_trail_logging"), "pass", ["resource", "status"],
                     [{"resource": "a", "status": "pass", "extra": 1}])
    assert columns_of(cr) == ["resource", "status", "extra"]


def test_evidence_filename_refuses_path_tricks():
    assert evidence_filename("cloudtrail_log_file_validation") == "cloudtrail_log_file_validation.csv"
    for bad in ("../etc/passwd", "a/b", "", ".hidden"):
        with pytest.raises(ValueError):
            evidence_filename(bad)
