"""load/cloudwatch.py: log groups (a snapshot) and log events (of the period); an event without a timestamp is
quarantined alone, the others load; coverage counts the groups and the period's events."""

from __future__ import annotations

from datetime import datetime, timezone

from auditreport.load.cloudwatch import CloudWatchLoader

from .support import PERIOD, capture, load, put, rows

ACCT = "111122223333"


def _ms(*args) -> int:
    return int(datetime(*args, tzinfo=timezone.utc).timestamp() * 1000)


def _estate(root):
    capture(root)
    put(root, ACCT, "eu-west-1", "logs", "DescribeLogGroups", {"logGroups": [
        {"logGroupName": "/aws/sagemaker/Endpoints/fraud", "arn": "arn:aws:logs:eu-west-1:1:log-group:x:*",
         "retentionInDays": 400, "creationTime": _ms(2026, 1, 2)},
        {"logGroupName": "/ml/training", "logGroupArn": "arn:aws:logs:eu-west-1:1:log-group:/ml/training"}]})
    put(root, ACCT, "us-east-1", "logs", "DescribeLogGroups", {"logGroups": [{"logGroupName": "/ml/us"}]})
    put(root, ACCT, "eu-west-1", "logs", "FilterLogEvents", {"events": [
        {"logStreamName": "job-1", "timestamp": _ms(2026, 10, 1), "ingestionTime": _ms(2026, 10, 1, 0, 0, 2),
         "eventId": "e0", "message": "start"},
        {"logStreamName": "job-1", "eventId": "e1", "message": "no time"},
        {"logStreamName": "job-1", "timestamp": _ms(2026, 10, 31, 23, 59, 59), "eventId": "e2", "message": "end"},
        {"logStreamName": "job-1", "timestamp": _ms(2026, 9, 30, 23), "eventId": "e3", "message": "before"},
    ]}, ident="/ml/training")


def test_an_event_without_timestamp_is_quarantined_and_the_others_load(tmp_path, con, lake_root):
    _estate(tmp_path / "cw")
    result = load(CloudWatchLoader(), tmp_path / "cw", con, lake_root)
    assert (result.objects_quarantined, result.records_quarantined) == (0, 1)
    got = rows(con, "SELECT event_id, event_time, ingestion_time, log_group_name, record_index "
                    "FROM cloudwatch_log_events ORDER BY event_time")
    assert [(r["event_id"], r["record_index"]) for r in got] == [("e3", 3), ("e0", 0), ("e2", 2)]
    assert got[1]["event_time"] == datetime(2026, 10, 1) and got[1]["ingestion_time"] == datetime(2026, 10, 1, 0, 0, 2)
    assert {r["log_group_name"] for r in got} == {"/ml/training"}  # from the file name when the event omits it
    [q] = rows(con, "SELECT * FROM quarantine")
    assert (q["source"], q["reason"], q["record_index"]) == ("cloudwatch", "missing_timestamp", 1)
    assert q["object_key"] == f"{ACCT}/eu-west-1/logs/FilterLogEvents/%2Fml%2Ftraining.json"
    assert '"eventId": "e1"' in q["raw_excerpt"]


def test_log_groups_keep_retention_and_either_arn_field(tmp_path, con, lake_root):
    _estate(tmp_path / "cw")
    load(CloudWatchLoader(), tmp_path / "cw", con, lake_root)
    got = {r["log_group_name"]: r for r in rows(con, "SELECT * FROM cloudwatch_log_groups")}
    assert set(got) == {"/aws/sagemaker/Endpoints/fraud", "/ml/training", "/ml/us"}
    assert got["/aws/sagemaker/Endpoints/fraud"]["retention_in_days"] == 400
    assert got["/aws/sagemaker/Endpoints/fraud"]["log_group_arn"].startswith("arn:aws:logs:")
    assert got["/ml/training"]["retention_in_days"] is None  # never expires
    assert got["/ml/training"]["log_group_arn"] == "arn:aws:logs:eu-west-1:1:log-group:/ml/training"
    assert got["/ml/us"]["region"] == "us-east-1"


def test_coverage_counts_groups_and_the_events_of_the_period(tmp_path, con, lake_root):
    _estate(tmp_path / "cw")
    loader = CloudWatchLoader()
    cov = loader.coverage(con, PERIOD, load(loader, tmp_path / "cw", con, lake_root))
    assert cov.records_loaded == 3 + 2  # 3 groups + the 2 events inside October (not the one of 30 September)
    assert (cov.time_min, cov.time_max) == (datetime(2026, 10, 1), datetime(2026, 10, 31, 23, 59, 59))
    assert [q["reason"] for q in cov.quarantine] == ["missing_timestamp"]
