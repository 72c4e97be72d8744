"""load/s3.py: one row per bucket, where "not configured" (an Error body: ``[]`` rules, ``{}`` block, lock False)
stays distinct from "not captured" (no file: NULL)."""

from __future__ import annotations

import json

from auditreport.load.s3 import S3SettingsLoader

from .support import capture, load, put, rows

ACCT = "111122223333"


def _s3(root, op, bucket, body):
    put(root, ACCT, "global", "s3", op, body, ident=bucket)


def _err(code):
    return {"Error": {"Code": code, "Message": "not configured"}}


def _estate(root):
    capture(root)
    _s3(root, "GetBucketVersioning", "locked", {"Status": "Enabled", "MFADelete": "Disabled"})
    _s3(root, "GetObjectLockConfiguration", "locked", {"ObjectLockConfiguration": {
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 7}}}})
    _s3(root, "GetBucketLifecycleConfiguration", "locked", {"Rules": [{"ID": "expire", "Status": "Enabled"}]})
    _s3(root, "GetPublicAccessBlock", "locked", {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True}})
    _s3(root, "GetBucketVersioning", "bare", {})  # versioning never enabled
    _s3(root, "GetObjectLockConfiguration", "bare", _err("ObjectLockConfigurationNotFoundError"))
    _s3(root, "GetBucketLifecycleConfiguration", "bare", _err("NoSuchLifecycleConfiguration"))
    _s3(root, "GetPublicAccessBlock", "bare", _err("NoSuchPublicAccessBlockConfiguration"))
    _s3(root, "GetBucketVersioning", "half", {"Status": "Suspended"})  # the other three were not captured


def _buckets(tmp_path, con, lake_root):
    _estate(tmp_path / "s3")
    load(S3SettingsLoader(), tmp_path / "s3", con, lake_root)
    return {r["bucket"]: r for r in rows(con, "SELECT * FROM s3_bucket_settings")}


def test_configured_settings_are_read(tmp_path, con, lake_root):
    b = _buckets(tmp_path, con, lake_root)["locked"]
    assert (b["versioning_status"], b["mfa_delete"], b["object_lock_enabled"]) == ("Enabled", "Disabled", True)
    assert (b["object_lock_mode"], b["object_lock_years"], b["object_lock_days"]) == ("COMPLIANCE", 7, None)
    assert json.loads(b["lifecycle_rules"])[0]["ID"] == "expire"
    assert json.loads(b["public_access_block"]) == {"BlockPublicAcls": True}
    assert b["account_id"] == ACCT and b["captured_at"] is not None


def test_not_configured_error_bodies_become_empty_values(tmp_path, con, lake_root):
    b = _buckets(tmp_path, con, lake_root)["bare"]
    assert b["versioning_status"] is None
    assert b["object_lock_enabled"] is False and b["object_lock_mode"] is None
    assert json.loads(b["lifecycle_rules"]) == [] and json.loads(b["public_access_block"]) == {}


def test_settings_not_captured_are_null(tmp_path, con, lake_root):
    b = _buckets(tmp_path, con, lake_root)["half"]
    assert b["versioning_status"] == "Suspended"
    assert (b["object_lock_enabled"], b["lifecycle_rules"], b["public_access_block"]) == (None, None, None)
