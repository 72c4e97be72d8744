"""load/snapshot.py: reading API snapshot files (a bad file is quarantined and still accounted for), lenient times,
Error bodies, and the loader every snapshot source shares (each of its tables replaced whole)."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from auditreport import lake
from auditreport.errors import SourceError
from auditreport.lake.connection import has_files
from auditreport.load.sagemaker import SageMakerLoader
from auditreport.load.snapshot import SnapshotReader, error_code, parse_time

from .support import CAPTURED_AT, PERIOD, capture, load, put, rows

ACCT, REGION = "111122223333", "eu-west-1"


def test_a_malformed_file_is_quarantined_and_still_listed_as_an_input_with_its_sha256(tmp_path):
    root = tmp_path / "trails"
    good = put(root, ACCT, REGION, "cloudtrail", "DescribeTrails", {"trailList": []})
    bad = good.with_name("GetTrailStatus.json")
    bad.write_bytes(b'{"IsLogging": tru')
    rd = SnapshotReader("trails", root, "run-7")

    assert rd.read_json(good) == {"trailList": []}
    assert rd.read_json(bad) is None

    by_key = {i["key"]: i for i in rd.result.inputs}
    bad_key = f"{ACCT}/{REGION}/cloudtrail/GetTrailStatus.json"
    assert by_key[bad_key] == {"key": bad_key, "sha256": hashlib.sha256(b'{"IsLogging": tru').hexdigest(),
                               "size_bytes": 17, "records": None, "status": "quarantined"}
    assert by_key[f"{ACCT}/{REGION}/cloudtrail/DescribeTrails.json"]["status"] == "loaded"
    [q] = rd.result.quarantine
    assert (q["source"], q["object_key"], q["reason"], q["record_index"]) == ("trails", bad_key, "malformed_json", None)
    assert q["detail"].startswith("not valid JSON:") and q["raw_excerpt"] == '{"IsLogging": tru'
    assert q["ingest_run_id"] == "run-7"


def test_captured_at_is_read_from_the_capture_file_as_naive_utc(tmp_path):
    capture(tmp_path)
    assert SnapshotReader("iam", tmp_path, "r").captured_at() == datetime(2026, 11, 1, 3, 0)
    assert SnapshotReader("iam", tmp_path / "nothing-captured", "r").captured_at() is None


@pytest.mark.parametrize("value, expected", [
    ("2026-10-03T09:14:00Z", datetime(2026, 10, 3, 9, 14)),
    ("2026-10-03T09:14:00+00:00", datetime(2026, 10, 3, 9, 14)),
    ("2026-10-03T11:14:00+02:00", datetime(2026, 10, 3, 9, 14)),  # an offset is converted to UTC
    ("2026-10-03T04:14:00.250-05:00", datetime(2026, 10, 3, 9, 14, 0, 250000)),
    ("2026-10-03T09:14:00", datetime(2026, 10, 3, 9, 14)),  # no zone: taken as UTC already
    (1791796440, datetime(2026, 10, 12, 9, 14)),  # epoch seconds
    (1791796440000, datetime(2026, 10, 12, 9, 14)),  # epoch milliseconds (CloudWatch, MLflow)
    (1791796440.5, datetime(2026, 10, 12, 9, 14, 0, 500000)),
    (None, None), ("", None), ("yesterday", None), ("2026-13-45T00:00:00Z", None),
])
def test_parse_time_takes_iso_strings_and_epoch_seconds_or_ms_and_gives_none_for_junk(value, expected):
    got = parse_time(value)
    assert got == expected
    assert got is None or got.tzinfo is None


def test_error_code_reads_only_error_bodies():
    assert error_code({"Error": {"Code": "NoSuchLifecycleConfiguration", "Message": "none"}}) == \
        "NoSuchLifecycleConfiguration"
    for not_an_error in ({}, {"Rules": []}, {"Error": "text"}, {"Error": None}, [], None, "Error"):
        assert error_code(not_an_error) is None


def _endpoint(root, name: str) -> None:
    put(root, ACCT, REGION, "sagemaker", "DescribeEndpoint", {
        "EndpointName": name, "EndpointArn": f"arn:aws:sagemaker:{REGION}:{ACCT}:endpoint/{name}",
        "EndpointConfigName": f"{name}-config", "EndpointStatus": "InService",
        "CreationTime": "2026-09-01T00:00:00+00:00", "LastModifiedTime": "2026-09-02T00:00:00+00:00"}, ident=name)


def test_load_writes_every_table_of_the_source_and_replaces_it_whole(tmp_path, con, lake_root):
    root = tmp_path / "sagemaker"
    capture(root)
    _endpoint(root, "a")
    _endpoint(root, "b")
    first = load(SageMakerLoader(), root, con, lake_root)
    # tables the evidence has no rows for are written too (empty), so no earlier run's rows can survive in them
    assert all(has_files(lake_root, t) for t in lake.tables_of("sagemaker"))
    assert first.source == "sagemaker" and first.captured_at == CAPTURED_AT.replace(tzinfo=None)
    assert (first.objects_read, first.objects_loaded, first.objects_quarantined) == (3, 3, 0)  # 2 files + capture
    assert {i.source for i in first.inputs} == {"sagemaker"}
    assert con.execute("SELECT count(*) FROM sagemaker_endpoints").fetchone()[0] == 2

    (root / ACCT / REGION / "sagemaker" / "DescribeEndpoint" / "b.json").unlink()
    load(SageMakerLoader(), root, con, lake_root, run_id="run-2")
    assert rows(con, "SELECT endpoint_name, ingest_run_id FROM sagemaker_endpoints") == [
        {"endpoint_name": "a", "ingest_run_id": "run-2"}]


def test_quarantine_rows_of_a_snapshot_source_are_replaced_by_the_next_load(tmp_path, con, lake_root):
    root = tmp_path / "sagemaker"
    _endpoint(root, "a")
    broken = root / ACCT / REGION / "sagemaker" / "DescribeEndpoint" / "broken.json"
    broken.write_text("{")
    result = load(SageMakerLoader(), root, con, lake_root)
    assert (result.objects_quarantined, result.records_quarantined) == (1, 0)
    cov = SageMakerLoader().coverage(con, PERIOD, result)
    assert [(q["source"], q["reason"]) for q in cov.quarantine] == [("sagemaker", "malformed_json")]
    assert cov.time_min is None and cov.records_loaded == 2  # one endpoint + its one deployment row

    broken.unlink()
    result = load(SageMakerLoader(), root, con, lake_root, run_id="run-2")
    assert result.objects_quarantined == 0
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0


def test_load_raises_source_error_naming_the_location_when_no_evidence_file_exists(tmp_path, con, lake_root):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceError) as e:
        load(SageMakerLoader(), empty, con, lake_root)
    assert e.value.source == "sagemaker" and str(empty) in str(e.value)
    assert "no evidence files" in str(e.value)



def test_a_response_of_the_wrong_top_level_shape_is_quarantined_as_unexpected_shape(tmp_path):
    path = put(tmp_path, ACCT, REGION, "cloudtrail", "DescribeTrails", ["not", "an", "object"])
    nan = path.with_name("GetTrailStatus.json")
    nan.write_text('{"IsLogging": NaN}')  # NaN is not JSON
    rd = SnapshotReader("trails", tmp_path, "r")
    assert rd.read_json(path) is None and rd.read_json(nan) is None
    assert [q["reason"] for q in rd.result.quarantine] == ["unexpected_shape", "malformed_json"]
    assert rd.read_json(path, expect=list) == ["not", "an", "object"]


def test_rows_of_a_file_that_turns_out_badly_shaped_are_dropped_and_the_file_quarantined(tmp_path):
    path = put(tmp_path, ACCT, REGION, "logs", "DescribeLogGroups", {"logGroups": [{"logGroupName": "a"}, 7]})
    rd = SnapshotReader("cloudwatch", tmp_path, "r")
    with rd.each(path):
        for g in rd.read_json(path)["logGroups"]:
            rd.result.add("cloudwatch_log_groups", {"account_id": ACCT, "log_group_name": g["logGroupName"]})
    assert rd.result.rows["cloudwatch_log_groups"] == []  # not half a file
    assert [(i["status"]) for i in rd.result.inputs] == ["quarantined"]
    [q] = rd.result.quarantine
    assert q["reason"] == "unexpected_shape" and q["detail"].startswith("TypeError")


def test_a_file_the_source_does_not_read_is_quarantined_as_unexpected_file(tmp_path, con, lake_root):
    root = tmp_path / "sagemaker"
    _endpoint(root, "a")
    stray = root / ACCT / REGION / "sagemaker" / "notes.txt"
    stray.write_text("left here by hand")
    result = load(SageMakerLoader(), root, con, lake_root)
    assert [(i.key, i.status) for i in result.inputs if i.key.endswith("notes.txt")] == [
        (f"{ACCT}/{REGION}/sagemaker/notes.txt", "quarantined")]
    assert [r["reason"] for r in rows(con, "SELECT reason FROM quarantine")] == ["unexpected_file"]
