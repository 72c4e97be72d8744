"""Hostile API snapshots and digests: a wrong shape is that file's fault. The file is quarantined under a reason that
says what was wrong; the files around it still load; the run never crashes; every file found is an input, loaded or
quarantined, and no half of a bad file's rows stays behind."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from auditreport.lake.connection import connect, create_views
from auditreport.load.base import LoadContext
from auditreport.load.cloudtrail_digests import read_digests
from auditreport.load.cloudwatch import CloudWatchLoader
from auditreport.load.mlflow import read_mlflow
from auditreport.load.trails import read_trails
from auditreport.period import Period
from auditreport.raw import RawEvidence, RawObject, resource_path

A, R = "111122223333", "eu-west-1"


def put(root: Path, service: str, operation: str, text: str, ident: str | None = None) -> Path:
    p = resource_path(root, A, R, service, operation, ident)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def reasons(read) -> dict[str, str]:
    return {q["object_key"].rsplit("/", 1)[-1]: q["reason"] for q in read.quarantine if q["record_index"] is None}


def accounted(read) -> None:
    """Every file read is an input, and every input is loaded or quarantined (with a quarantine row)."""
    quarantined = {q["object_key"] for q in read.quarantine}
    for i in read.inputs:
        assert i["status"] in ("loaded", "quarantined"), i
        if i["status"] == "quarantined":
            assert i["key"] in quarantined or any(i["key"].startswith(k + "/") for k in quarantined), i


GOOD_TRAIL = {"TrailARN": f"arn:aws:cloudtrail:{R}:{A}:trail/main", "Name": "main", "HomeRegion": R,
              "IsMultiRegionTrail": True, "LogFileValidationEnabled": True}


def test_wrong_shapes_in_trail_snapshots_quarantine_their_file_only(tmp_path):
    put(tmp_path, "cloudtrail", "DescribeTrails", json.dumps({"trailList": [GOOD_TRAIL]}))
    put(tmp_path / "other", "cloudtrail", "DescribeTrails", "[]")  # a list where an object belongs
    for bad in ("list", "nested", "string-trail", "nan", "bool-as-text", "dir"):
        root = tmp_path / bad
        if bad == "list":
            put(root, "cloudtrail", "DescribeTrails", json.dumps([GOOD_TRAIL]))
        elif bad == "nested":
            put(root, "cloudtrail", "DescribeTrails", '{"trailList": [' + "[" * 100_000 + "]" * 100_000 + "]}")
        elif bad == "string-trail":
            put(root, "cloudtrail", "DescribeTrails", json.dumps({"trailList": [GOOD_TRAIL, "not a trail"]}))
        elif bad == "nan":
            put(root, "cloudtrail", "DescribeTrails", '{"trailList": [{"TrailARN": "a", "Name": NaN}]}')
        elif bad == "bool-as-text":
            put(root, "cloudtrail", "DescribeTrails", json.dumps({"trailList": [{**GOOD_TRAIL, "IsMultiRegionTrail": "yes"}]}))
        else:
            resource_path(root, A, R, "cloudtrail", "GetTrailStatus", "main").mkdir(parents=True)  # a folder named *.json
        read = read_trails(root, "r")
        expected = {"list": "unexpected_shape", "nested": "malformed_json", "string-trail": "unexpected_shape",
                    "nan": "malformed_json", "bool-as-text": "unexpected_shape", "dir": "not_a_file"}[bad]
        assert list(reasons(read).values()) == [expected], bad
        assert read.rows.get("cloudtrail_trails", []) == [], f"{bad}: no half of a bad file's rows may stay"
        accounted(read)
    good = read_trails(tmp_path, "r")
    assert [r["trail_name"] for r in good.rows["cloudtrail_trails"]] == ["main"] and good.quarantine == []


def test_cloudwatch_events_with_times_out_of_range_are_quarantined_alone(tmp_path):
    put(tmp_path, "logs", "DescribeLogGroups", json.dumps({"logGroups": [
        {"logGroupName": "/ml/a", "retentionInDays": 30}]}))
    put(tmp_path, "logs", "FilterLogEvents", json.dumps({"events": [
        {"timestamp": 1791072000000, "message": "ok"}, {"timestamp": 1e20, "message": "far future"},
        {"message": "no time"}]}), ident="/ml/a")
    bad_root = tmp_path / "bad"
    put(bad_root, "logs", "DescribeLogGroups", json.dumps({"logGroups": [{"logGroupName": "/ml/b",
                                                                         "retentionInDays": "thirty"}]}))
    con = connect()
    loaded = CloudWatchLoader().load(RawEvidence("cloudwatch", "files", tmp_path, str(tmp_path)),
                                     LoadContext(con, tmp_path / "lake", Period(2026, 10), "r"))
    create_views(con, tmp_path / "lake")
    assert con.execute("SELECT message FROM cloudwatch_log_events").fetchall() == [("ok",)]
    assert sorted(con.execute("SELECT record_index, reason FROM quarantine").fetchall()) == [
        (1, "unparseable_timestamp"), (2, "missing_timestamp")]
    assert loaded.objects_quarantined == 0 and loaded.records_quarantined == 2
    from auditreport.load.cloudwatch import read_cloudwatch

    read = read_cloudwatch(bad_root, "r")
    assert reasons(read) == {"DescribeLogGroups.json": "unexpected_shape"}
    assert "retention_in_days" in read.quarantine[0]["detail"]  # the message names the column at fault


def _snapshot(root: Path, when: str, versions: list, models=None) -> Path:
    snap = root / "snapshots" / when
    snap.mkdir(parents=True)
    (snap / "registered-models-search.json").write_text(json.dumps({"registered_models": models or [{"name": "m"}]}))
    (snap / "model-versions-search.json").write_text(json.dumps({"model_versions": versions}))
    return snap


def test_an_mlflow_snapshot_with_a_bad_file_is_left_out_whole_never_read_as_deletions(tmp_path):
    _snapshot(tmp_path, "20261001T000000Z", [{"name": "m", "version": "1"}])
    bad = _snapshot(tmp_path, "20261010T000000Z", [{"name": "m", "version": "one"}])  # a version that is not a number
    half = _snapshot(tmp_path, "20261015T000000Z", [])
    (half / "model-versions-search.json").write_text('{"model_versions": [')  # truncated: would read as "deleted"
    _snapshot(tmp_path, "20261020T000000Z", [{"name": "m", "version": "1"}])
    read = read_mlflow(tmp_path, "r")
    assert reasons(read)[bad.name] == "unexpected_shape"
    assert reasons(read)[half.name] == "unexpected_shape"  # the snapshot, beside its malformed file
    assert reasons(read)["model-versions-search.json"] == "malformed_json"
    assert {str(r["snapshot_at"])[:10] for r in read.rows["mlflow_model_versions"]} == {"2026-10-01", "2026-10-20"}
    assert read.rows.get("mlflow_registry_changes", []) == []  # nothing changed between the two complete snapshots
    accounted(read)


@pytest.mark.parametrize("body, reason", [
    (b"[]", "malformed_digest"),
    (json.dumps({"digestEndTime": 1e20}).encode(), "malformed_digest"),
    (json.dumps({"digestEndTime": "2026-10-05T02:00:00Z", "logFiles": {"s3Object": "x"}}).encode(), "malformed_digest"),
    (json.dumps({"digestEndTime": "2026-10-05T02:00:00Z", "logFiles": [{"s3Object": ["x"]}]}).encode(), "malformed_digest"),
    (b'{"digestEndTime": "2026-10-05T02:00:00Z", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "malformed_digest"),
    (None, "corrupt_gzip"),
])
def test_wrong_digests_are_quarantined_and_leave_no_rows(tmp_path, body, reason):
    key = f"AWSLogs/{A}/CloudTrail-Digest/{R}/2026/10/05/{A}_CloudTrail-Digest_{R}_t_{R}_20261005T020000Z.json.gz"
    path = tmp_path / key
    path.parent.mkdir(parents=True)
    data = gzip.compress(body if body is not None else b'{"digestEndTime": "2026-10-05T02:00:00Z"}')
    if body is None:
        data = data[:12] + b"\xff" * 8 + data[20:]  # a valid header, then deflate data that is not
    path.write_bytes(data)
    read = read_digests([RawObject(key=key, path=path, size_bytes=len(data), kind="digest")], "r")
    assert [q["reason"] for q in read.quarantine] == [reason]
    assert read.digests == [] and read.log_files == []
    assert [i["status"] for i in read.inputs] == ["quarantined"]


def test_files_a_source_does_not_read_under_its_folders_are_named_not_invisible(tmp_path):
    """Every entry below a source's own service folders is an input: read, or quarantined as unexpected_file. Files
    of another source sharing the root (here: SageMaker beside the trails) are that source's business."""
    from auditreport.load.trails import TrailsLoader

    put(tmp_path, "cloudtrail", "DescribeTrails", json.dumps({"trailList": [GOOD_TRAIL]}))
    put(tmp_path, "cloudtrail", "ListSomethingNew", "{}")  # an operation this version does not read
    put(tmp_path, "cloudtrail", "GetTrailStatus", "{}", ident="main").with_name("notes.txt").write_text("x")
    put(tmp_path, "sagemaker", "DescribeModel", "{}", ident="m")
    con = connect()
    loaded = TrailsLoader().load(RawEvidence("trails", "files", tmp_path, str(tmp_path)),
                                 LoadContext(con, tmp_path / "lake", Period(2026, 10), "r"))
    status = {i.key.split("/", 2)[-1]: i.status for i in loaded.inputs}
    assert status == {"cloudtrail/DescribeTrails.json": "loaded", "cloudtrail/GetTrailStatus/main.json": "loaded",
                      "cloudtrail/ListSomethingNew.json": "quarantined",
                      "cloudtrail/GetTrailStatus/notes.txt": "quarantined"}
    assert loaded.objects_read == loaded.objects_loaded + loaded.objects_quarantined == 4
