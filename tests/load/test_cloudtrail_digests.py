"""load/cloudtrail_digests.py: one row per digest, one row per log file it lists, keyed as loaded objects are."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

from auditreport.load.cloudtrail_digests import object_key, read_digests
from auditreport.raw import RawObject


def _digest(tmp_path, key: str, body) -> RawObject:
    p = tmp_path / key
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(gzip.compress(json.dumps(body).encode()) if not isinstance(body, bytes) else body)
    return RawObject(key=key, path=p, size_bytes=p.stat().st_size, kind="digest")


def test_log_files_are_flattened_and_keyed_from_awslogs_on(tmp_path):
    key = "AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/eu-west-1/2026/10/26/d.json.gz"
    obj = _digest(tmp_path, key, {
        "digestStartTime": "2026-10-26T00:00:00Z", "digestEndTime": "2026-10-26T01:00:00Z",
        "logFiles": [
            {"s3Bucket": "org-logs", "s3Object": "trail/prefix/AWSLogs/o-abcdefghij/111122223333/CloudTrail/eu-west-1/2026/10/26/a.json.gz",
             "hashValue": "AB", "hashAlgorithm": "SHA-256", "oldestEventTime": "2026-10-26T00:01:00Z", "newestEventTime": "2026-10-26T00:04:00Z"},
            {"s3Bucket": "org-logs", "s3Object": "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/26/b.json.gz", "hashValue": "CD"},
        ],
    })  # fmt: skip
    read = read_digests([obj], "run")
    assert [(d["account_id"], d["region"], d["log_file_count"]) for d in read.digests] == [("111122223333", "eu-west-1", 2)]
    assert [(f["log_file_index"], f["object_key"], f["hash_value"]) for f in read.log_files] == [
        (0, "AWSLogs/o-abcdefghij/111122223333/CloudTrail/eu-west-1/2026/10/26/a.json.gz", "AB"),
        (1, "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/26/b.json.gz", "CD"),
    ]
    first = read.log_files[0]
    assert first["digest_end_time"] == datetime(2026, 10, 26, 1) and first["oldest_event_time"] == datetime(2026, 10, 26, 0, 1)
    assert first["source_key"] == key and (first["year"], first["month"]) == (2026, 10)


def test_a_digest_that_is_not_one_is_quarantined_not_lost(tmp_path):
    bad = _digest(tmp_path, "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/10/26/x.json.gz", {"Records": []})
    cut = _digest(tmp_path, "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/10/26/y.json.gz", b"\x1f\x8bnot")
    read = read_digests([bad, cut], "run")
    assert not read.digests and not read.log_files
    assert sorted(q["reason"] for q in read.quarantine) == ["corrupt_gzip", "malformed_digest"]
    assert [i["status"] for i in read.inputs] == ["quarantined", "quarantined"]


def test_object_key_strips_a_bucket_prefix_but_keeps_keys_outside_the_layout():
    assert object_key("trail/prefix/AWSLogs/111122223333/CloudTrail/x.json.gz") == "AWSLogs/111122223333/CloudTrail/x.json.gz"
    assert object_key("AWSLogs/o-abcdefghij/1/CloudTrail/x.json.gz") == "AWSLogs/o-abcdefghij/1/CloudTrail/x.json.gz"
    assert object_key("elsewhere/x.json.gz") == "elsewhere/x.json.gz"
    assert object_key(None) is None and object_key("") is None


def test_a_listed_entry_that_is_not_readable_is_quarantined_without_being_opened(tmp_path):
    key = "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/10/26/.d.json.gz.tmp"
    obj = RawObject(key=key, path=tmp_path / "never-opened", size_bytes=0, kind="digest",
                    not_readable=("temporary_file", "an unfinished copy"))
    log = RawObject(key="AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/26/l.json.gz", path=tmp_path / "l",
                    size_bytes=0, kind="log")
    read = read_digests([obj, log], "run")  # a log object is not the digest reader's business
    assert [(q["source"], q["object_key"], q["reason"]) for q in read.quarantine] == [
        ("cloudtrail_digest", key, "temporary_file")]
    assert [i["status"] for i in read.inputs] == ["quarantined"]
