"""load/cloudtrail_source.py: the ``cloudtrail`` source's loader on a small real tree listed as a run lists it: log
objects through the streaming loader, digests into both digest tables (a corrupt one quarantined under source
``cloudtrail_digest``), and a coverage that counts the period's events and only the quarantine rows of the
period's objects."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

from auditreport.extract.base import ExtractContext
from auditreport.extract.cloudtrail_files import CloudTrailFilesExtractor
from auditreport.load.cloudtrail_source import DIGEST_SOURCE, CloudTrailSourceLoader
from auditreport.period import Period
from auditreport.source_settings import FilesSettings

from .support import load, rows

ACCT, REGION = "111122223333", "eu-west-1"
SEP, OCT = Period(2026, 9), Period(2026, 10)


def _log(root, day: str, name: str, body: bytes) -> None:
    y, m, d = day.split("-")
    p = root / "AWSLogs" / ACCT / "CloudTrail" / REGION / y / m / d / f"{ACCT}_CloudTrail_{REGION}_{y}{m}{d}T0000Z_{name}.json.gz"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(body)


def _records(*times: str | None) -> bytes:
    return gzip.compress(json.dumps({"Records": [
        {"eventID": f"e{i}-{t}", **({"eventTime": t} if t else {})} for i, t in enumerate(times)]}).encode())


def _digest(root, day: str, body: bytes) -> None:
    y, m, d = day.split("-")
    p = (root / "AWSLogs" / ACCT / "CloudTrail-Digest" / REGION / y / m / d /
         f"{ACCT}_CloudTrail-Digest_{REGION}_trail_{REGION}_{y}{m}{d}T010000Z.json.gz")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(body)


def _tree(root):
    _log(root, "2026-09-10", "septbad", b"not gzip at all")  # September's problem, not October's
    _log(root, "2026-09-30", "edge", _records("2026-09-30T23:59:00Z", "2026-10-01T00:00:00Z"))
    _log(root, "2026-10-15", "mid", _records("2026-10-15T12:00:00Z", None, "2026-10-15T12:01:00Z"))
    _log(root, "2026-10-20", "cut", gzip.compress(b'{"Records": []}')[:10])
    _digest(root, "2026-10-15", gzip.compress(json.dumps({
        "digestStartTime": "2026-10-15T00:00:00Z", "digestEndTime": "2026-10-15T01:00:00Z",
        "logFiles": [{"s3Bucket": "b", "s3Object": "p/AWSLogs/x/a.json.gz", "hashValue": "ab"},
                     {"s3Bucket": "b", "s3Object": "p/AWSLogs/x/b.json.gz", "hashValue": "cd"}]}).encode()))
    _digest(root, "2026-10-16", b"\x1f\x8b broken digest")


def _load(tmp_path, con, lake_root, period, run_id):
    root = tmp_path / "trail"
    ctx = ExtractContext(period=period, raw_dir=tmp_path / "raw", run_id=run_id)
    raw = CloudTrailFilesExtractor("cloudtrail", FilesSettings(kind="files", path=root)).extract(ctx)
    loader = CloudTrailSourceLoader()
    result = load(loader, root, con, lake_root, period=period, run_id=run_id, objects=raw.objects)
    return loader, result


def test_digests_load_into_both_tables_and_a_corrupt_digest_is_quarantined_under_its_own_source(tmp_path, con,
                                                                                                lake_root):
    _tree(tmp_path / "trail")
    _, result = _load(tmp_path, con, lake_root, OCT, "run-oct")
    assert rows(con, "SELECT log_file_count, digest_end_time FROM cloudtrail_digests") == [
        {"log_file_count": 2, "digest_end_time": datetime(2026, 10, 15, 1)}]
    assert [r["object_key"] for r in rows(con, "SELECT object_key FROM cloudtrail_digest_log_files ORDER BY 1")] == [
        "AWSLogs/x/a.json.gz", "AWSLogs/x/b.json.gz"]
    [q] = rows(con, "SELECT * FROM quarantine WHERE source = $s", {"s": DIGEST_SOURCE})
    assert q["reason"] == "corrupt_gzip" and "CloudTrail-Digest" in q["object_key"]
    digests = {i.key.rsplit("_", 1)[1]: i.status for i in result.inputs if i.source == DIGEST_SOURCE}
    assert digests == {"20261015T010000Z.json.gz": "loaded", "20261016T010000Z.json.gz": "quarantined"}


def test_log_objects_are_counted_in_the_load_result(tmp_path, con, lake_root):
    _tree(tmp_path / "trail")
    _, result = _load(tmp_path, con, lake_root, OCT, "run-oct")
    assert (result.objects_read, result.objects_loaded, result.objects_quarantined) == (3, 2, 1)
    assert {i.status for i in result.inputs if i.source == "cloudtrail" and "_cut" in i.key} == {"quarantined"}


def test_coverage_counts_the_periods_events_and_the_quarantine_of_the_periods_objects_only(tmp_path, con, lake_root):
    _tree(tmp_path / "trail")
    _load(tmp_path, con, lake_root, SEP, "run-sep")  # leaves September's corrupt object in the lake's quarantine
    loader, result = _load(tmp_path, con, lake_root, OCT, "run-oct")
    cov = loader.coverage(con, OCT, result)
    # 1 event of 1 October from the 30 September object, 2 of 15 October; not the 23:59 event of September
    assert cov.records_loaded == 3
    assert (cov.time_min, cov.time_max) == (datetime(2026, 10, 1), datetime(2026, 10, 15, 12, 1))
    assert cov.records_quarantined == 1  # the record without eventTime
    reasons = sorted((q["source"], q["reason"]) for q in cov.quarantine)
    assert reasons == [("cloudtrail", "corrupt_gzip"), ("cloudtrail", "missing_event_time"),
                       (DIGEST_SOURCE, "corrupt_gzip")]
    assert not any("septbad" in q["object_key"] for q in cov.quarantine)
    assert con.execute("SELECT count(*) FROM quarantine WHERE object_key LIKE '%septbad%'").fetchone()[0] == 1
