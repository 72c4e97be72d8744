"""run_check: no_data before running (views resolved to their lake tables), only the referenced parameters bound,
the period's bounds as $period_start/$period_end, error for a bad check, status rules."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from check_case_support import new_lake

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.model import Check
from auditreport.checks.runner import bind_params, check_status, largest_first, missing_data, run_check, run_checks
from auditreport.config import load_config
from auditreport.period import Period

OCT = Period(2026, 10)


def make_check(sql: str, requires=("cloudtrail_trails",), kind="posture", lake_tables=None) -> Check:
    return Check(
        id="t", title="t", severity="high", kind=kind, frameworks={"soc2": ["CC7.2"]}, requires=list(requires),
        params=[], description="d", remediation="r", sql=sql, path=Path("queries/x/t.sql"), domain="x",
        lake_tables=list(lake_tables or requires),
    )


@pytest.fixture
def con():
    c = new_lake()
    c.execute("INSERT INTO cloudtrail_trails (trail_name, is_logging) VALUES ('a', true), ('b', false)")
    yield c
    c.close()


ROWS = "select trail_name as resource, case when is_logging then 'pass' else 'fail' end as status, 'r' as reason from cloudtrail_trails"


def test_fail_pass_and_rows(con):
    r = run_check(con, make_check(ROWS + " order by 1"), None, {})
    assert r.status == "fail" and r.columns == ["resource", "status", "reason"]
    assert r.rows == [{"resource": "a", "status": "pass", "reason": "r"}, {"resource": "b", "status": "fail", "reason": "r"}]
    assert r.duration_s > 0 and r.message == ""


@pytest.mark.parametrize(
    "statuses,expected", [(["pass", "info"], "pass"), (["info", "info"], "info"), ([], "pass"), (["info", "fail"], "fail")]
)
def test_check_status(con, statuses, expected):
    values = ", ".join(f"('x{i}', '{s}', 'r')" for i, s in enumerate(statuses)) or "('x', 'pass', 'r')"
    where = "" if statuses else " where false"
    r = run_check(con, make_check(f"select * from (values {values}) t(resource, status, reason){where}"), OCT, {})
    assert r.status == expected == check_status([{"status": s} for s in statuses])


def test_unavailable_source_is_no_data(con):
    r = run_check(con, make_check(ROWS), OCT, {}, unavailable={"cloudtrail_trails": "source 'trails' not configured"})
    assert (r.status, r.message, r.rows) == ("no_data", "source 'trails' not configured", [])


def test_empty_table_is_no_data(con):
    r = run_check(con, make_check(ROWS, requires=("cloudtrail_trails", "s3_bucket_settings")), OCT, {})
    assert (r.status, r.message) == ("no_data", "table s3_bucket_settings holds no rows")


def test_event_table_without_rows_in_the_period_is_no_data(con):
    con.execute("INSERT INTO cloudtrail_events (event_id, event_time) VALUES ('e', TIMESTAMP '2026-11-01 00:00:00')")
    check = make_check("select 'x' as resource, 'pass' as status, 'r' as reason", requires=("cloudtrail_events",))
    r = run_check(con, check, OCT, {})
    assert (r.status, r.message) == ("no_data", "table cloudtrail_events holds no rows for 2026-10")
    assert run_check(con, check, Period(2026, 11), {}).status == "pass"
    assert missing_data(con, check, {}, None) == ""  # without a period, any row will do
    con.execute("INSERT INTO cloudtrail_events (event_id, event_time) VALUES ('f', TIMESTAMP '2026-10-31 23:59:59')")
    assert run_check(con, check, OCT, {}).status == "pass"


def test_a_view_is_no_data_when_a_lake_table_under_it_is():
    catalogue = load_catalogue()
    approvals = catalogue.views["sagemaker_approval_events"]
    assert approvals.lake_tables == ["cloudtrail_events"]
    con = new_lake(catalogue)
    try:
        check = make_check("select model_package_arn as resource, 'fail' as status, 'r' as reason "
                           "from sagemaker_approval_events", requires=["sagemaker_approval_events"],
                           lake_tables=approvals.lake_tables)
        r = run_check(con, check, OCT, {}, unavailable={"cloudtrail_events": "source 'cloudtrail' unavailable"})
        assert (r.status, r.message) == ("no_data", "source 'cloudtrail' unavailable")
        con.execute("INSERT INTO cloudtrail_events (event_id, event_time, event_source) "
                    "VALUES ('e', TIMESTAMP '2026-10-03 00:00:00', 'iam.amazonaws.com')")
        assert run_check(con, check, Period(2026, 9), {}).message == "table cloudtrail_events holds no rows for 2026-09"
        # the period has events, none of them an approval: a pass, not no_data
        assert run_check(con, check, OCT, {}).status == "pass"
    finally:
        con.close()


def test_only_referenced_params_are_bound_and_the_period_gives_its_bounds(con):
    sql = (
        "select $ml_event_sources[1] as resource, 'info' as status, "
        "strftime($period_start, '%Y-%m-%d %H:%M') || ' ' || strftime($period_end, '%Y-%m-%d') || ' ' "
        "|| $min_log_retention_days as reason"
    )
    params = {"ml_event_sources": ("sagemaker.amazonaws.com",), "min_log_retention_days": 365, "unused": 1}
    r = run_check(con, make_check(sql), Period(2026, 12), params)
    assert r.status == "info"
    assert r.rows[0] == {"resource": "sagemaker.amazonaws.com", "status": "info", "reason": "2026-12-01 00:00 2027-01-01 365"}


def test_the_period_wins_over_period_values_in_params():
    check = make_check("select $period_start as resource, 'pass' as status, 'r' as reason")
    bound = bind_params(check, {"period_start": datetime(1999, 1, 1)}, OCT)
    assert bound == {"period_start": datetime(2026, 10, 1)}


def test_a_period_parameter_without_a_period_is_an_error(con):
    r = run_check(con, make_check("select 'x' as resource, 'pass' as status, strftime($period_end, '%Y') as reason"), None, {})
    assert r.status == "error" and "$period_end" in r.message


def test_missing_param_is_an_error(con):
    r = run_check(con, make_check("select $approver_roles as resource, 'pass' as status, 'r' as reason"), OCT, {})
    assert r.status == "error" and "approver_roles" in r.message


def test_sql_error_is_one_line(con):
    r = run_check(con, make_check("select no_such_column as resource, 'pass' as status, 'r' as reason from cloudtrail_trails"), OCT, {})
    # DuckDB names the line of the SQL at fault; the message puts the check's file and that line first
    assert r.status == "error" and r.message.startswith(f"{r.check.path}:1: BinderException: ") and "\n" not in r.message


def test_missing_contract_column_is_an_error(con):
    r = run_check(con, make_check("select trail_name as resource, 'pass' as status from cloudtrail_trails"), OCT, {})
    assert (r.status, r.message) == ("error", "result lacks the column(s) reason")


def test_bad_row_status_is_an_error(con):
    r = run_check(con, make_check("select trail_name as resource, 'ok' as status, 'r' as reason from cloudtrail_trails"), OCT, {})
    assert r.status == "error" and "'ok' is not one of pass, fail, info" in r.message


def test_a_run_asks_once_per_table_whether_it_holds_rows(con):
    empty: dict[str, str] = {}
    events = make_check("select 'x' as resource, 'pass' as status, 'r' as reason from cloudtrail_events",
                        requires=("cloudtrail_events",))  # fmt: skip
    first = run_check(con, events, OCT, {}, None, empty)
    assert first.status == "no_data" and empty == {"cloudtrail_events": "table cloudtrail_events holds no rows for 2026-10"}
    con.execute("INSERT INTO cloudtrail_events (event_id, event_time) VALUES ('e', '2026-10-02')")
    assert run_check(con, events, OCT, {}, None, empty).status == "no_data"  # the run's answer, asked once
    assert run_check(con, events, OCT, {}, None, {}).status == "pass"  # a new run asks again
    trails = make_check("select trail_name as resource, 'pass' as status, 'r' as reason from cloudtrail_trails")
    assert run_check(con, trails, OCT, {}, None, empty).status == "pass" and empty["cloudtrail_trails"] == ""


def test_run_checks_side_by_side_gives_the_results_of_one_at_a_time_in_order():
    catalogue = load_catalogue()
    con = new_lake()
    try:
        con.execute("INSERT INTO cloudtrail_trails (trail_name, is_logging) VALUES ('a', true), ('b', false)")
        con.execute("INSERT INTO cloudtrail_events (event_id, event_time, event_source, event_name, error_code) VALUES "
                    "('e1', TIMESTAMP '2026-10-03 00:00:00', 'cloudtrail.amazonaws.com', 'StopLogging', NULL), "
                    "('e1', TIMESTAMP '2026-10-03 00:00:00', 'cloudtrail.amazonaws.com', 'StopLogging', NULL), "
                    "('e2', TIMESTAMP '2026-10-04 00:00:00', 'sagemaker.amazonaws.com', 'X', 'AccessDenied')")
        for view in catalogue.views.values():  # as a run makes them: the materialized ones as tables
            con.execute(view.create_sql(materialize=True))
        params = load_config(None).policy_params()
        one = run_checks(con, catalogue.checks, OCT, params, threads=1)
        many = run_checks(con, catalogue.checks, OCT, params, threads=3)
        # started largest first (CloudTrail's checks before the rest), returned in the catalogue's order
        rows = {"cloudtrail_events": 3, "cloudtrail_trails": 2}
        largest = run_checks(con, catalogue.checks, OCT, params, threads=2, table_rows=rows)
    finally:
        con.close()
    assert [r.check.id for r in many] == [c.id for c in catalogue.checks]
    assert [r.check.id for r in largest] == [c.id for c in catalogue.checks]
    def outcome(results):
        return [(r.status, r.message, r.columns, r.rows) for r in results]

    assert outcome(many) == outcome(one)
    assert outcome(largest) == outcome(one)
    assert {r.status for r in one} >= {"fail", "no_data"} and "error" not in {r.status for r in one}


def test_run_checks_threads_see_the_connections_time_zone():
    con = new_lake()
    con.execute("SET TimeZone = 'Asia/Tokyo'")
    check = make_check("select current_setting('TimeZone') as resource, 'info' as status, "
                       "strftime(TIMESTAMPTZ '2026-10-01 00:00:00+00', '%H') as reason", requires=())
    try:
        results = run_checks(con, [check] * 4, None, {}, threads=2)
    finally:
        con.close()
    assert {(r.rows[0]["resource"], r.rows[0]["reason"]) for r in results} == {("Asia/Tokyo", "09")}


def test_largest_first_starts_the_checks_reading_the_most_rows_first_and_keeps_the_catalogue_order_among_equals():
    small = make_check(ROWS, lake_tables=["cloudtrail_trails"])
    events = make_check(ROWS, lake_tables=["cloudtrail_events"])
    both = make_check(ROWS, lake_tables=["cloudtrail_events", "iam_principals"])
    other = make_check(ROWS, lake_tables=["cloudtrail_trails"])
    checks = [small, events, other, both]
    rows = {"cloudtrail_events": 1_000_000, "iam_principals": 10, "cloudtrail_trails": 2}
    assert largest_first(checks, rows) == [3, 1, 0, 2]
    assert largest_first(checks, None) == [0, 1, 2, 3]  # nothing known of the lake: the catalogue's order
