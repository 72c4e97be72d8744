"""S3 bucket settings -> ``s3_bucket_settings``: one row per bucket, "not configured" kept apart from "not captured"."""

from __future__ import annotations

from pathlib import Path

from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, error_code


def read_s3(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("s3", root, run_id)
    cap = rd.captured_at()
    buckets: dict[tuple, dict] = {}
    for op in ["GetBucketVersioning", "GetObjectLockConfiguration", "GetBucketLifecycleConfiguration", "GetPublicAccessBlock"]:
        for acct, _, bucket, path in rd.operation_files("s3", op):
            body = rd.read_json(path)
            with rd.each(path):
                if body is not None:
                    buckets.setdefault((acct, bucket), {"_path": path})[op] = body
    for (acct, bucket), ops in sorted(buckets.items()):
        with rd.each(ops["_path"]):
            _bucket_row(rd, acct, bucket, ops, cap, run_id)
    return rd.result


def _bucket_row(rd: SnapshotReader, acct: str, bucket: str, ops: dict, cap, run_id: str) -> None:
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
        "captured_at": cap, "source_key": rd.key(ops["_path"]), "ingest_run_id": run_id,
    })  # fmt: skip


class S3SettingsLoader(SnapshotLoader):
    source = "s3"
    service = "s3"

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_s3(root, run_id)
