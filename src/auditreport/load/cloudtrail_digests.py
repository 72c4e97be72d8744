"""CloudTrail digest files -> ``cloudtrail_digests`` rows (one per digest: small, one per trail, region and hour)
and ``cloudtrail_digest_log_files`` rows (one per log file a digest lists)."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field

from ..lake.writer import quarantine_row
from ..raw import CLOUDTRAIL_KEY, RawObject, sha256_file
from .snapshot import parse_time

_FROM_AWSLOGS = re.compile(r"(?:^|/)(AWSLogs/.*)$")


@dataclass
class DigestRead:
    digests: list[dict] = field(default_factory=list)
    log_files: list[dict] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)


def object_key(s3_object: str | None) -> str | None:
    """The S3 key from AWSLogs/ on, as loaded objects are keyed (a bucket's key prefix is not part of it)."""
    if not s3_object:
        return None
    m = _FROM_AWSLOGS.search(s3_object)
    return m.group(1) if m else s3_object


def read_digests(objects: list[RawObject], run_id: str) -> DigestRead:
    out = DigestRead()
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
            out.quarantine.append(quarantine_row("cloudtrail_digest", obj.key, reason, str(e).splitlines()[0][:300], run_id))
            out.inputs.append({"key": obj.key, "sha256": digest, "size_bytes": obj.size_bytes, "records": 0, "status": "quarantined"})
            continue
        m = CLOUDTRAIL_KEY.search(obj.key)
        start, end = parse_time(d.get("digestStartTime")), parse_time(d.get("digestEndTime"))
        scope = {"account_id": m["account"] if m else d.get("awsAccountId"), "region": m["region"] if m else None}
        partition = {"year": end.year if end else None, "month": end.month if end else None}
        log_files = [f for f in d.get("logFiles") or [] if isinstance(f, dict)]
        out.digests.append({
            **scope, "digest_start_time": start, "digest_end_time": end,
            "digest_s3_bucket": d.get("digestS3Bucket"), "digest_s3_object": d.get("digestS3Object"),
            "previous_digest_s3_object": d.get("previousDigestS3Object"),
            "previous_digest_signature": d.get("previousDigestSignature"), "log_files": log_files,
            "log_file_count": len(log_files), "source_key": obj.key, "ingest_run_id": run_id, **partition,
        })  # fmt: skip
        for i, f in enumerate(log_files):
            out.log_files.append({
                **scope, "digest_start_time": start, "digest_end_time": end, "log_file_index": i,
                "s3_bucket": f.get("s3Bucket"), "s3_object": f.get("s3Object"), "object_key": object_key(f.get("s3Object")),
                "hash_value": f.get("hashValue"), "hash_algorithm": f.get("hashAlgorithm"),
                "oldest_event_time": parse_time(f.get("oldestEventTime")),
                "newest_event_time": parse_time(f.get("newestEventTime")),
                "source_key": obj.key, "record_index": i, "ingest_run_id": run_id, **partition,
            })  # fmt: skip
        out.inputs.append({"key": obj.key, "sha256": digest, "size_bytes": obj.size_bytes, "records": 1, "status": "loaded"})
    return out
