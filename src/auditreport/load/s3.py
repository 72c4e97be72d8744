"""S3 bucket settings -> ``s3_bucket_settings``: one row per bucket, "not configured" kept apart from "not captured";
its policy
normalised to one entry per statement and principal (``s3_policy``); the oldest CloudTrail objects it holds ->
``s3_trail_log_listings`` (``s3_listing``)."""

from __future__ import annotations

from pathlib import Path

from .s3_listing import listing_rows
from .s3_policy import policy_document, statement_rows
from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, error_code

SETTINGS_OPS = ["GetBucketVersioning", "GetObjectLockConfiguration", "GetBucketLifecycleConfiguration",
                "GetPublicAccessBlock", "GetBucketPolicy", "ListObjectsV2"]


def read_s3(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("s3", root, run_id)
    cap = rd.captured_at()
    buckets: dict[tuple, dict] = {}
    paths: dict[tuple, dict] = {}
    for op in SETTINGS_OPS:
        for acct, _, bucket, path in rd.operation_files("s3", op):
            body = rd.read_json(path)
            with rd.each(path):
                if body is not None:
                    buckets.setdefault((acct, bucket), {"_path": path})[op] = body
                    paths.setdefault((acct, bucket), {})[op] = path
    for (acct, bucket), ops in sorted(buckets.items()):
        policy = _policy(rd, ops.get("GetBucketPolicy"), paths[(acct, bucket)])
        _listing_rows(rd, acct, bucket, ops.get("ListObjectsV2"), paths[(acct, bucket)], cap, run_id)
        with rd.each(ops["_path"]):
            _bucket_row(rd, acct, bucket, ops, policy, cap, run_id)
    return rd.result


def _policy(rd: SnapshotReader, body, paths: dict) -> list[dict] | None:
    """The policy's statements, one entry per statement and principal (``s3_policy``); ``[]`` for
    NoSuchBucketPolicy; None when not captured or quarantined (a policy that cannot be read is not "no policy")."""
    if body is None:
        return None
    if error_code(body) == "NoSuchBucketPolicy":
        return []
    out = None
    with rd.each(paths["GetBucketPolicy"]):
        if error_code(body):
            raise ValueError(f"GetBucketPolicy answered {error_code(body)}, not a policy")
        out = statement_rows(policy_document(body))
    return out


def _listing_rows(rd: SnapshotReader, acct: str, bucket: str, body, paths: dict, cap, run_id: str) -> None:
    if body is None:
        return
    path = paths["ListObjectsV2"]
    with rd.each(path):
        for row in listing_rows(body):
            rd.result.add("s3_trail_log_listings", {**row, "account_id": acct, "bucket": bucket, "captured_at": cap,
                                                    "source_key": rd.key(path), "ingest_run_id": run_id})


def _bucket_row(rd: SnapshotReader, acct: str, bucket: str, ops: dict, policy, cap, run_id: str) -> None:
    ver = ops.get("GetBucketVersioning") or {}
    lock = ops.get("GetObjectLockConfiguration")
    lock_cfg = (lock or {}).get("ObjectLockConfiguration") or {}
    retention = (lock_cfg.get("Rule") or {}).get("DefaultRetention") or {}
    life = ops.get("GetBucketLifecycleConfiguration")
    pab = ops.get("GetPublicAccessBlock")
    rd.result.add("s3_bucket_settings", {
        "account_id": acct, "bucket": bucket, "versioning_status": ver.get("Status"),
        "mfa_delete": ver.get("MFADelete"),
        "object_lock_enabled": None if lock is None else lock_cfg.get("ObjectLockEnabled") == "Enabled",
        "object_lock_mode": retention.get("Mode"), "object_lock_days": retention.get("Days"),
        "object_lock_years": retention.get("Years"),
        "lifecycle_rules": None if life is None else ([] if error_code(life) else life.get("Rules", [])),
        "public_access_block": None if pab is None else ({} if error_code(pab) else pab.get("PublicAccessBlockConfiguration")),
        "bucket_policy_found": None if policy is None else not error_code(ops["GetBucketPolicy"]),
        "bucket_policy": policy, "log_listing_captured": "ListObjectsV2" in ops,
        "captured_at": cap, "source_key": rd.key(ops["_path"]), "ingest_run_id": run_id,
    })  # fmt: skip


class S3SettingsLoader(SnapshotLoader):
    source = "s3"
    service = "s3"

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_s3(root, run_id)
