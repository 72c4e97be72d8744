"""CloudTrail digest files -> ``cloudtrail_digests`` rows (small: one per trail, region and hour)."""

from __future__ import annotations

import gzip
import json

from ..extract.base import CLOUDTRAIL_KEY, RawObject, sha256_file
from .snapshot_files import parse_time


def read_digests(objects: list[RawObject], run_id: str) -> tuple[list[dict], list[dict], list[dict]]:
    """Returns (rows, inputs, quarantine rows)."""
    rows, inputs, quarantine = [], [], []
    for obj in objects:
        if obj.kind != "digest" or obj.path is None:
            continue
        digest = sha256_file(obj.path)
        try:
            with gzip.open(obj.path, "rt", encoding="utf-8") as f:
                d = json.load(f)
            if not isinstance(d, dict) or "digestEndTime" not in d:
                raise ValueError("no digestEndTime: not a CloudTrail digest file")
        except (OSError, EOFError, UnicodeDecodeError, ValueError) as e:
            reason = "corrupt_gzip" if isinstance(e, (OSError, EOFError)) else "malformed_digest"
            quarantine.append({"source": "cloudtrail_digest", "object_key": obj.key, "record_index": None,
                               "reason": reason, "detail": str(e).splitlines()[0][:300], "ingest_run_id": run_id})
            inputs.append({"key": obj.key, "sha256": digest, "size_bytes": obj.size_bytes, "records": 0, "status": "quarantined"})
            continue
        m = CLOUDTRAIL_KEY.search(obj.key)
        end = parse_time(d.get("digestEndTime"))
        log_files = d.get("logFiles") or []
        rows.append({
            "account_id": m["account"] if m else d.get("awsAccountId"), "region": m["region"] if m else None,
            "digest_start_time": parse_time(d.get("digestStartTime")), "digest_end_time": end,
            "digest_s3_bucket": d.get("digestS3Bucket"), "digest_s3_object": d.get("digestS3Object"),
            "previous_digest_s3_object": d.get("previousDigestS3Object"),
            "previous_digest_signature": d.get("previousDigestSignature"), "log_files": log_files,
            "log_file_count": len(log_files), "source_key": obj.key, "ingest_run_id": run_id,
            "year": end.year if end else None, "month": end.month if end else None,
        })  # fmt: skip
        inputs.append({"key": obj.key, "sha256": digest, "size_bytes": obj.size_bytes, "records": 1, "status": "loaded"})
    return rows, inputs, quarantine
