"""model.py: a check result counts its rows by status; a view knows the statement that creates it."""

from __future__ import annotations

from pathlib import Path

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.model import (
    CHECK_STATUSES,
    ROW_STATUSES,
    SEVERITIES,
    CheckResult,
    View,
)


def test_counts_and_failing_rows():
    check = load_catalogue().check("cloudtrail_trail_logging")
    cr = CheckResult(check, "fail", ["resource", "status", "reason"],
                     [{"status": "fail", "resource": "a"}, {"status": "pass", "resource": "b"},
                      {"status": "fail", "resource": "c"}, {"resource": "d"}])
    assert cr.counts == {"pass": 1, "fail": 2, "info": 1}  # a row without a status counts as info
    assert [r["resource"] for r in cr.failing_rows] == ["a", "c"]
    assert CheckResult(check, "pass").counts == {"pass": 0, "fail": 0, "info": 0}


def test_status_vocabularies():
    assert ROW_STATUSES == {"pass", "fail", "info"} and set(CHECK_STATUSES) == ROW_STATUSES | {"error", "no_data"}
    assert SEVERITIES[0] == "critical" and SEVERITIES[-1] == "info"


def test_a_view_is_created_from_its_body_without_a_trailing_semicolon():
    view = View(id="v", description="d", requires=["cloudtrail_trails"], sql="/*---\n---*/\nselect 1;\n",
                body="\nselect 1;\n", path=Path("queries/_views/v.sql"), lake_tables=["cloudtrail_trails"])
    assert view.create_sql() == 'CREATE OR REPLACE VIEW "v" AS\nselect 1\n'
