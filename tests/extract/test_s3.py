"""S3SettingsExtractor against a real (moto) server: the four settings of each bucket, read in the account that
owns it; "not configured" answers kept as Error bodies."""

from __future__ import annotations

import pytest

from auditreport.errors import SourceError
from live_seed import (ACCOUNTS, extractor, make_config, make_ctx, multi_account_config, read_json,
                       seed_buckets)
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
