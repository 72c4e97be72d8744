"""run_check: no_data before running, only the referenced parameters bound, error for a bad check, status rules."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from check_case_support import new_lake

from auditreport.checks.model import Check
from auditreport.checks.runner import period_label, run_check

OCT = dict(period_start=datetime(2026, 10, 1), period_end=datetime(2026, 11, 1))


def make_check(sql: str, requires=("cloudtrail_trails",), kind="posture") -> Check:
    return Check(
        id="t", title="t", severity="high", kind=kind, frameworks={"soc2": ["CC7.2"]}, requires=list(requires),
        params=[], description="d", remediation="r", sql=sql, path=Path("queries/x/t.sql"), domain="x",
    )


@pytest.fixture
def con():
    c = new_lake()
    c.execute("INSERT INTO cloudtrail_trails (trail_name, is_logging) VALUES ('a', true), ('b', false)")
    yield c
    c.close()


ROWS = "select trail_name as resource, case when is_logging then 'pass' else 'fail' end as status, 'r' as reason from cloudtrail_trails"


def test_fail_pass_and_rows(con):
    r = run_check(con, make_check(ROWS + " order by 1"), {})
    assert r.status == "fail" and r.columns == ["resource", "status", "reason"]
    assert r.rows == [{"resource": "a", "status": "pass", "reason": "r"}, {"resource": "b", "status": "fail", "reason": "r"}]
    assert r.duration_s > 0 and r.message == ""


@pytest.mark.parametrize(
    "statuses,expected", [(["pass", "info"], "pass"), (["info", "info"], "info"), ([], "pass"), (["info", "fail"], "fail")]
)
def test_check_status(con, statuses, expected):
    values = ", ".join(f"('x{i}', '{s}', 'r')" for i, s in enumerate(statuses)) or "('x', 'pass', 'r')"
    where = "" if statuses else " where false"
    r = run_check(con, make_check(f"select * from (values {values}) t(resource, status, reason){where}"), {})
    assert r.status == expected


def test_unavailable_source_is_no_data(con):
    r = run_check(con, make_check(ROWS), {}, unavailable={"cloudtrail_trails": "source 'trails' not configured"})
    assert (r.status, r.message, r.rows) == ("no_data", "source 'trails' not configured", [])


def test_empty_table_is_no_data(con):
    r = run_check(con, make_check(ROWS, requires=("cloudtrail_trails", "s3_bucket_settings")), {})
    assert (r.status, r.message) == ("no_data", "table s3_bucket_settings holds no rows")


def test_event_table_without_rows_in_the_period_is_no_data(con):
    con.execute("INSERT INTO cloudtrail_events (event_id, event_time) VALUES ('e', TIMESTAMP '2026-11-01 00:00:00')")
    check = make_check("select 'x' as resource, 'pass' as status, 'r' as reason", requires=("cloudtrail_events",))
    r = run_check(con, check, {}, **OCT)
    assert (r.status, r.message) == ("no_data", "table cloudtrail_events holds no rows for 2026-10")
    con.execute("INSERT INTO cloudtrail_events (event_id, event_time) VALUES ('f', TIMESTAMP '2026-10-31 23:59:59')")
    assert run_check(con, check, {}, **OCT).status == "pass"


def test_only_referenced_params_are_bound_and_period_is_naive_utc(con):
    sql = (
        "select $ml_event_sources[1] as resource, 'info' as status, "
        "strftime($period_start, '%Y-%m-%d %H:%M') || ' ' || $min_log_retention_days as reason"
    )
    params = {"ml_event_sources": ("sagemaker.amazonaws.com",), "min_log_retention_days": 365, "unused": 1}
    start = datetime(2026, 10, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    r = run_check(con, make_check(sql), params, period_start=start, period_end=datetime(2026, 11, 1))
    assert r.status == "info" and r.rows[0] == {"resource": "sagemaker.amazonaws.com", "status": "info", "reason": "2026-10-01 00:00 365"}


def test_period_from_params(con):
    sql = "select 'x' as resource, 'pass' as status, strftime($period_end, '%Y-%m') as reason"
    r = run_check(con, make_check(sql), {"period_start": "2026-10-01", "period_end": "2026-11-01T00:00:00"})
    assert r.rows[0]["reason"] == "2026-11"


def test_missing_param_is_an_error(con):
    r = run_check(con, make_check("select $approver_roles as resource, 'pass' as status, 'r' as reason"), {})
    assert r.status == "error" and "approver_roles" in r.message


def test_sql_error_is_one_line(con):
    r = run_check(con, make_check("select no_such_column as resource, 'pass' as status, 'r' as reason from cloudtrail_trails"), {})
    assert r.status == "error" and r.message.startswith("BinderException: ") and "\n" not in r.message


def test_missing_contract_column_is_an_error(con):
    r = run_check(con, make_check("select trail_name as resource, 'pass' as status from cloudtrail_trails"), {})
    assert (r.status, r.message) == ("error", "result lacks the column(s) reason")


def test_bad_row_status_is_an_error(con):
    r = run_check(con, make_check("select trail_name as resource, 'ok' as status, 'r' as reason from cloudtrail_trails"), {})
    assert r.status == "error" and "'ok' is not one of pass, fail, info" in r.message


def test_period_label():
    assert period_label(datetime(2026, 12, 1), datetime(2027, 1, 1)) == "2026-12"
    assert period_label(datetime(2026, 10, 1), datetime(2026, 10, 8)) == "2026-10-01 00:00 to 2026-10-08 00:00 UTC"
