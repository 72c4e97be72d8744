"""load/base.py: the helpers every loader's coverage is measured with, over a real DuckDB with the lake views."""

from __future__ import annotations

from datetime import datetime

from auditreport.lake.connection import create_views
from auditreport.lake.writer import quarantine_row, write_quarantine, write_table_rows
from auditreport.load.base import Coverage, LoadResult, period_span, quarantine_rows, table_count
from auditreport.period import Period

OCT = Period(2026, 10)


def _event(ts: datetime, i: int) -> dict:
    return {"account_id": "111122223333", "region": "eu-west-1", "log_group_name": "/ml/training",
            "event_time": ts, "event_id": str(i), "message": "m", "record_index": i, "year": ts.year, "month": ts.month}


def test_period_span_counts_rows_of_the_half_open_period_and_table_count_counts_all(con, lake_root):
    stamps = [datetime(2026, 9, 30, 23, 59, 59), datetime(2026, 10, 1), datetime(2026, 10, 17, 12),
              datetime(2026, 10, 31, 23, 59, 59), datetime(2026, 11, 1)]
    write_table_rows(con, lake_root, "cloudwatch_log_events", [_event(t, i) for i, t in enumerate(stamps)], "2026-10")
    create_views(con, lake_root)
    assert table_count(con, "cloudwatch_log_events") == 5
    assert period_span(con, "cloudwatch_log_events", "event_time", OCT) == (
        3, datetime(2026, 10, 1), datetime(2026, 10, 31, 23, 59, 59))
    assert period_span(con, "cloudwatch_log_events", "event_time", Period(2026, 12)) == (0, None, None)


def test_a_table_without_files_counts_zero_rather_than_failing(con, lake_root):
    create_views(con, lake_root)
    assert table_count(con, "sagemaker_endpoints") == 0
    assert period_span(con, "cloudtrail_events", "event_time", OCT) == (0, None, None)
    assert quarantine_rows(con, "true") == []


def test_quarantine_rows_filters_with_parameters_and_orders_by_object_then_record(con, lake_root):
    write_quarantine(con, lake_root, "snapshot-cloudwatch", [
        quarantine_row("cloudwatch", "b.json", "missing_timestamp", "log event 2 has no timestamp", "r", record_index=2),
        quarantine_row("cloudwatch", "b.json", "malformed_json", "not valid JSON", "r"),
        quarantine_row("cloudwatch", "a.json", "missing_timestamp", "log event 0 has no timestamp", "r", record_index=0),
    ])
    write_quarantine(con, lake_root, "snapshot-iam", [quarantine_row("iam", "x.json", "malformed_json", "bad", "r")])
    create_views(con, lake_root)
    got = quarantine_rows(con, "source = $s", {"s": "cloudwatch"})
    assert [(q["object_key"], q["record_index"], q["reason"]) for q in got] == [
        ("a.json", 0, "missing_timestamp"), ("b.json", None, "malformed_json"), ("b.json", 2, "missing_timestamp")]
    assert set(got[0]) == {"source", "object_key", "record_index", "reason", "detail", "raw_excerpt",
                           "quarantined_at", "ingest_run_id", "source_trail"}  # trail: computed by the view (CloudTrail)
    assert [q["source"] for q in quarantine_rows(con, "true")] == ["cloudwatch"] * 3 + ["iam"]


def test_results_start_empty_and_coverage_defers_record_quarantine_to_the_load_result():
    r = LoadResult(source="iam")
    assert (r.inputs, r.objects_read, r.objects_quarantined, r.captured_at, r.detail) == ([], 0, 0, None, "")
    assert LoadResult(source="a").inputs is not LoadResult(source="b").inputs
    c = Coverage()
    assert c.records_quarantined is None and c.quarantine == [] and c.records_loaded == 0
