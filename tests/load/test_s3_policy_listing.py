"""load/s3.py with load/s3_policy.py and load/s3_listing.py: a bucket policy becomes one entry per statement and
principal (s3_bucket_settings.bucket_policy); "no policy" stays apart from "not captured"; the oldest CloudTrail object per prefix becomes one row; a
policy or listing of the wrong shape is quarantined alone, the bucket's other settings still load."""

from __future__ import annotations

import json

from auditreport.load.s3 import S3SettingsLoader

from .support import capture, load, put, rows

ACCT = "111122223333"
TRAIL = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t"


def _s3(root, op, bucket, body):
    put(root, ACCT, "global", "s3", op, body, ident=bucket)


def _policy(statements):
    return {"Policy": json.dumps({"Version": "2012-10-17", "Statement": statements})}


def _estate(root):
    capture(root)
    _s3(root, "GetBucketVersioning", "logs", {"Status": "Enabled"})
    _s3(root, "GetBucketPolicy", "logs", _policy([
        {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/AWSLogs/*",
         "Condition": {"StringEquals": {"aws:SourceArn": TRAIL}}},
        {"Effect": "Allow", "Principal": {"AWS": ["444455556666", "arn:aws:iam::111122223333:role/auditor"]},
         "Action": ["s3:Get*", "s3:ListBucket"], "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]},
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::logs/*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
         "NotAction": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"},
    ]))
    _s3(root, "ListObjectsV2", "logs", {"Listings": [
        {"Prefix": "AWSLogs/111122223333/CloudTrail/eu-west-1/", "KeyCount": 1, "MaxKeys": 1, "Contents": [
            {"Key": "AWSLogs/111122223333/CloudTrail/eu-west-1/2025/03/04/x.json.gz",
             "LastModified": "2025-03-04T00:07:00+00:00", "Size": 10}]},
        {"Prefix": "cloudtrail/AWSLogs/o-abc123/111122223333/CloudTrail-Digest/us-east-1/", "KeyCount": 0,
         "MaxKeys": 1},
    ]})
    _s3(root, "GetBucketVersioning", "nopolicy", {})
    _s3(root, "GetBucketPolicy", "nopolicy", {"Error": {"Code": "NoSuchBucketPolicy", "Message": "none"}})
    _s3(root, "GetBucketVersioning", "uncaptured", {})
    _s3(root, "GetBucketVersioning", "broken", {})
    _s3(root, "GetBucketPolicy", "broken", {"Policy": "{not json"})
    _s3(root, "ListObjectsV2", "broken", {"Listings": [{"Prefix": "some/other/prefix/", "KeyCount": 0}]})


def _load(tmp_path, con, lake_root):
    _estate(tmp_path / "s3")
    return load(S3SettingsLoader(), tmp_path / "s3", con, lake_root)


def test_policy_statements_one_row_per_principal(tmp_path, con, lake_root):
    _load(tmp_path, con, lake_root)
    policy = rows(con, "SELECT bucket_policy FROM s3_bucket_settings WHERE bucket = 'logs'")[0]["bucket_policy"]
    got = json.loads(policy)
    assert [(r["statement_index"], r["principal_kind"], r["principal"]) for r in got] == [
        (0, "Service", "cloudtrail.amazonaws.com"),
        (1, "AWS", "arn:aws:iam::444455556666:root"),  # a bare account id is its root ARN
        (1, "AWS", "arn:aws:iam::111122223333:role/auditor"),
        (2, "*", "*"),
        (3, "AWS", "arn:aws:iam::111122223333:root"),
    ]
    assert got[1]["actions"] == ["s3:Get*", "s3:ListBucket"] and got[1]["effect"] == "Allow"
    assert got[0]["sid"] == "CloudTrailWrite" and got[0]["conditions"]["StringEquals"]
    assert got[3]["effect"] == "Deny" and got[3]["sid"] == "TlsOnly"
    assert got[4]["not_principal"] is True and got[4]["not_action"] is True
    assert got[4]["actions"] == ["s3:PutObject"]


def test_no_policy_is_false_not_captured_is_null(tmp_path, con, lake_root):
    _load(tmp_path, con, lake_root)
    b = {r["bucket"]: r for r in rows(con, "SELECT * FROM s3_bucket_settings")}
    assert b["logs"]["bucket_policy_found"] is True and b["logs"]["log_listing_captured"] is True
    assert b["nopolicy"]["bucket_policy_found"] is False and b["nopolicy"]["log_listing_captured"] is False
    assert json.loads(b["nopolicy"]["bucket_policy"]) == []
    assert b["uncaptured"]["bucket_policy_found"] is None and b["uncaptured"]["bucket_policy"] is None
    assert b["broken"]["bucket_policy_found"] is None  # an unreadable policy is not "no policy"
    assert b["broken"]["bucket_policy"] is None


def test_oldest_objects_per_prefix(tmp_path, con, lake_root):
    _load(tmp_path, con, lake_root)
    got = rows(con, "SELECT log_account_id, kind, region, object_count_listed, oldest_key_date, oldest_last_modified"
                    " FROM s3_trail_log_listings WHERE bucket = 'logs' ORDER BY record_index")
    assert [(r["log_account_id"], r["kind"], r["region"], r["object_count_listed"]) for r in got] == [
        ("111122223333", "log", "eu-west-1", 1), ("111122223333", "digest", "us-east-1", 0)]
    assert str(got[0]["oldest_key_date"]) == "2025-03-04 00:00:00"
    assert str(got[0]["oldest_last_modified"]) == "2025-03-04 00:07:00"
    assert got[1]["oldest_key_date"] is None


def test_malformed_policy_and_listing_are_quarantined_alone(tmp_path, con, lake_root):
    result = _load(tmp_path, con, lake_root)
    q = {r["object_key"]: r for r in rows(con, "SELECT object_key, reason, detail FROM quarantine")}
    policy_key = f"{ACCT}/global/s3/GetBucketPolicy/broken.json"
    listing_key = f"{ACCT}/global/s3/ListObjectsV2/broken.json"
    assert q[policy_key]["reason"] == "unexpected_shape" and "Expecting property name" in q[policy_key]["detail"]
    assert q[listing_key]["reason"] == "unexpected_shape" and "some/other/prefix/" in q[listing_key]["detail"]
    assert rows(con, "SELECT count(*) AS n FROM s3_trail_log_listings WHERE bucket = 'broken'")[0]["n"] == 0
    assert rows(con, "SELECT versioning_status FROM s3_bucket_settings WHERE bucket = 'broken'") == [
        {"versioning_status": None}]
    assert result.objects_quarantined == 2
