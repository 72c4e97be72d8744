"""figures.py: what the report draws comes from the lake once, after the checks: CloudTrail records per day per
account and region of the period, and the delivery gaps of the gaps check's failing rows."""

from __future__ import annotations

from datetime import datetime

from auditreport.checks.cases import new_lake

from auditreport.checks.model import Check, CheckResult
from auditreport.period import Period
from auditreport.report.figures import collect, delivery_gaps


def test_records_per_day_per_account_and_region_of_the_period_only():
    con = new_lake()
    rows = [("a1", "r1", datetime(2026, 10, 1, 3)), ("a1", "r1", datetime(2026, 10, 1, 4)),
            ("a1", "r2", datetime(2026, 10, 31, 23, 59)), (None, None, datetime(2026, 10, 2)),
            ("a1", "r1", datetime(2026, 11, 1))]  # fmt: skip
    con.executemany("INSERT INTO cloudtrail_events (source_account_id, source_region, event_time, recipient_account_id,"
                    " aws_region) VALUES (?, ?, ?, 'rec', 'reg')", rows)  # fmt: skip
    assert collect(con, Period(2026, 10))["cloudtrail_days"] == [
        ("a1", "r1", "2026-10-01", 2), ("a1", "r2", "2026-10-31", 1), ("rec", "reg", "2026-10-02", 1)]


def test_delivery_gaps_come_from_the_gap_checks_failing_rows():
    def result_with(check_id, rows):
        check = Check(check_id, "t", "high", "detection", {}, [], [], "d", "r", "", None, "integrity", [])
        return type("R", (), {"checks": [CheckResult(check, "fail", ["resource"], rows)]})()

    g = {"resource": "a1/r1", "status": "fail", "gap_start": datetime(2026, 10, 2), "gap_end": datetime(2026, 10, 3)}
    assert delivery_gaps(result_with("cloudtrail_delivery_gaps", [g, {**g, "status": "pass"}])) == [
        ("a1/r1", datetime(2026, 10, 2), datetime(2026, 10, 3))]
    assert delivery_gaps(result_with("other_check", [g])) == []


def test_trend_lines_say_first_run_without_history_and_draw_with_it(tmp_path):
    from report_support import NOW
    from sample_run import UNAPPROVED, make_result

    from auditreport.report import write_reports
    from auditreport.report.figures import trend_lines
    from auditreport.report.trend import compare

    assert trend_lines(make_result(), None)[UNAPPROVED] == (None, "First run, no trend (no history_dir configured).")
    assert trend_lines(make_result(), compare(make_result(), tmp_path))[UNAPPROVED][1] == (
        "First run, no trend (no earlier run in the history).")
    earlier = make_result()
    earlier.period, earlier.run_id = Period(2026, 9), "sep"
    write_reports(earlier, tmp_path / "sep", generated_at=NOW, pdf=False, history_dir=tmp_path / "h", keep_history=True)
    svg, words = trend_lines(make_result(), compare(make_result(), tmp_path / "h"))[UNAPPROVED]
    assert words == "Failing rows per run: 2026-09: 13, 2026-10: 13." and "<svg" in str(svg)
