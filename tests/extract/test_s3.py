"""S3SettingsExtractor against a real (moto) server: the four settings of each bucket, read in the account that
owns it; "not configured" answers kept as Error bodies."""

from __future__ import annotations

import json
from datetime import date

import pytest

from auditreport.errors import SourceError
from live_seed import (ACCOUNTS, ORG, REGIONS, TRAIL_BUCKET, TRAIL_PREFIX, digest_key, extractor, log_key,
                       make_config, make_ctx, multi_account_config, read_json, seed_buckets, seed_trail_bucket)
from servers import moto_client

def test_s3_bucket_settings_read_in_the_owning_account(moto, tmp_path):
    buckets = seed_buckets(moto_client(moto.url, "s3", account=ACCOUNTS[1]))
    log_archive = "333333333333"  # owns the trail bucket, and is not one of the audited accounts
    moto_client(moto.url, "s3", account=log_archive).create_bucket(
        Bucket="org-trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    cfg = multi_account_config(moto.url, {"s3": {"kind": "aws", "buckets": [*buckets, "nobody-owns-this"]},
                           "cloudtrail": {"kind": "s3", "uri": "s3://org-trail-logs/cloudtrail",
                                          "bucket_account": log_archive}})
    out = extractor(cfg, "s3").extract(make_ctx(tmp_path / "raw"))

    def body(account, operation, bucket):
        return read_json(out.root / account / "global" / "s3" / operation / f"{bucket}.json")

    b = ACCOUNTS[1]
    assert body(b, "GetBucketVersioning", "ml-datasets") == {"Status": "Enabled"}
    assert body(b, "GetBucketLifecycleConfiguration", "ml-datasets")["Rules"][0]["ID"] == "expire-old"
    assert body(b, "GetBucketVersioning", "ml-scratch") == {"Status": "Suspended"}
    no_lock = body(b, "GetObjectLockConfiguration", "ml-scratch")
    assert no_lock["Error"]["Code"] == "ObjectLockConfigurationNotFoundError"
    assert body(b, "GetBucketLifecycleConfiguration", "ml-scratch")["Error"]["Code"] == "NoSuchLifecycleConfiguration"
    assert body(b, "GetPublicAccessBlock", "ml-scratch")["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
    lock = body(b, "GetObjectLockConfiguration", "ml-audit-locked")["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled" and lock["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE"
    assert body(b, "GetPublicAccessBlock", "ml-audit-locked")["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    # the trail bucket is read too, in its own (log-archive) account, without being listed in sources.s3.buckets
    assert body(log_archive, "GetBucketVersioning", "org-trail-logs") == {}
    assert not (out.root / ACCOUNTS[0] / "global" / "s3" / "GetBucketVersioning" / "ml-datasets.json").exists()
    assert out.errors == ["bucket nobody-owns-this: owned by none of the accounts read (ListBuckets); "
                          "add its account to [aws].accounts"]


def test_no_bucket_to_read_is_a_source_error_before_any_call(tmp_path):
    """Without sources.s3.buckets and without a trail bucket to borrow there is nothing to read: unavailable, said
    in one line (no server is needed to know it)."""
    cfg = make_config("http://127.0.0.1:1", {"s3": {"kind": "aws"}}, accounts=[ACCOUNTS[0]], regions=["eu-west-1"])
    with pytest.raises(SourceError) as e:
        extractor(cfg, "s3").extract(make_ctx(tmp_path / "raw"))
    assert str(e.value) == "source 's3': no bucket to read: set sources.s3.buckets"
    assert not (tmp_path / "raw" / "s3").exists()


def test_bucket_policy_and_oldest_log_objects(moto, tmp_path):
    """GetBucketPolicy is stored as answered (NoSuchBucketPolicy as an Error body: "no policy"); the trail bucket's
    oldest log and digest object per account and region are listed below the trail's key prefix and its
    organisation folder, and a bucket with AWSLogs/ at its root is listed too."""
    s3 = moto_client(moto.url, "s3", account=ACCOUNTS[0])
    seed_trail_bucket(s3, org=ORG)  # s3://org-trail-logs/cloudtrail/AWSLogs/o-.../<account>/...
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "AuditRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNTS[0]}:root"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{TRAIL_BUCKET}/*"}]}
    s3.put_bucket_policy(Bucket=TRAIL_BUCKET, Policy=json.dumps(policy))
    s3.create_bucket(Bucket="access-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="access-logs", Key=f"AWSLogs/{ACCOUNTS[0]}/CloudTrail/eu-west-1/2025/01/02/a.json.gz",
                  Body=b"x")
    s3.put_object(Bucket="access-logs", Key=f"AWSLogs/{ACCOUNTS[0]}/CloudTrail/eu-west-1/2024/12/31/b.json.gz",
                  Body=b"x")
    cfg = multi_account_config(moto.url, {"s3": {"kind": "aws", "buckets": ["access-logs"]},
                                          "cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}})
    out = extractor(cfg, "s3").extract(make_ctx(tmp_path / "raw"))
    s3_dir = out.root / ACCOUNTS[0] / "global" / "s3"

    assert json.loads(read_json(s3_dir / "GetBucketPolicy" / f"{TRAIL_BUCKET}.json")["Policy"]) == policy
    assert read_json(s3_dir / "GetBucketPolicy" / "access-logs.json")["Error"]["Code"] == "NoSuchBucketPolicy"

    trail = read_json(s3_dir / "ListObjectsV2" / f"{TRAIL_BUCKET}.json")["Listings"]
    root = f"{TRAIL_PREFIX}AWSLogs/{ORG}/"
    want = {f"{root}{a}/{kind}/{r}/" for a in ACCOUNTS for kind in ("CloudTrail", "CloudTrail-Digest") for r in REGIONS}
    assert {entry["Prefix"] for entry in trail} == want
    by_prefix = {entry["Prefix"]: entry for entry in trail}
    oldest = by_prefix[f"{root}{ACCOUNTS[1]}/CloudTrail/us-east-1/"]
    assert oldest["KeyCount"] == 1 and len(oldest["Contents"]) == 1
    assert oldest["Contents"][0]["Key"] == log_key(root, ACCOUNTS[1], "us-east-1", date(2026, 8, 15))
    digest = by_prefix[f"{root}{ACCOUNTS[0]}/CloudTrail-Digest/eu-west-1/"]["Contents"][0]["Key"]
    assert digest == digest_key(root, ACCOUNTS[0], "eu-west-1", date(2026, 10, 1))
    # ConfigWritabilityCheckFile sits at AWSLogs/ itself, not in a region prefix: never listed as a log object

    other = read_json(s3_dir / "ListObjectsV2" / "access-logs.json")["Listings"]
    assert [(e["Prefix"], e["Contents"][0]["Key"]) for e in other] == [
        (f"AWSLogs/{ACCOUNTS[0]}/CloudTrail/eu-west-1/",
         f"AWSLogs/{ACCOUNTS[0]}/CloudTrail/eu-west-1/2024/12/31/b.json.gz")]
