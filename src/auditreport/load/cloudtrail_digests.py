"""CloudTrail digest files -> ``cloudtrail_digests`` rows (one per digest: small, one per trail, region and hour)
and ``cloudtrail_digest_log_files`` rows (one per log file a digest lists).

A digest row carries what its signature is verified with (the raw digestEndTime, bucket and key, the SHA-256 of the
uncompressed file, previousDigestSignature, the fingerprint) and the chain fields, plus the signature recorded in
its sidecar (``<digest>`` + ``DIGEST_SIGNATURE_SUFFIX``); without a usable sidecar the signature is null and
``signature_missing`` says why. A sidecar listed in a day folder is an input of its own: loaded with its digest, or
quarantined (damaged, or with no digest beside it)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass, field

from .. import lake
from ..lake.writer import quarantine_row
from ..raw import CLOUDTRAIL_KEY, DIGEST_SIGNATURE_SUFFIX, RawObject, cloudtrail_key_trail, sha256_file
from .cloudtrail_objects import GZIP_ERRORS
from .snapshot import parse_time

_FROM_AWSLOGS = re.compile(r"(?:^|/)(AWSLogs/.*)$")
# <account>_CloudTrail-Digest_<region>_<trail name>_<home region>_<YYYYMMDDTHHMMSSZ>.json.gz
_DIGEST_NAME = re.compile(r"^\d{12}_CloudTrail-Digest_[a-z0-9-]+_(?P<trail>.+)_[a-z0-9-]+_\d{8}T\d{6}Z\.json\.gz$")


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


def in_trail(trail: str | None, key: str | None) -> str | None:
    """``key`` as loaded objects of ``trail`` are keyed (``<trail>/AWSLogs/...``; the single-bucket form: as is)."""
    return f"{trail}/{key}" if trail and key else key


class _Unreadable(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


# What a wrong shape can raise while one digest is turned into rows: each is that digest's fault, not the run's.
_SHAPE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError, RecursionError)


def read_digests(objects: list[RawObject], run_id: str) -> DigestRead:
    """Every digest object becomes rows or one quarantine row: one error boundary per digest, so a damaged or
    strangely shaped digest never stops the run and never leaves half its rows behind."""
    out = DigestRead()
    objects = list(objects)
    digest_keys = {o.key for o in objects if o.kind == "digest" and not o.key.endswith(DIGEST_SIGNATURE_SUFFIX)}
    damaged: dict[str, str] = {}  # sidecar key -> why it could not be read
    for obj in objects:  # sidecars first: a digest is read knowing whether its sidecar can be
        if obj.kind == "digest" and obj.key.endswith(DIGEST_SIGNATURE_SUFFIX):
            _account_sidecar(obj, digest_keys, out, run_id, damaged)
    for obj in objects:
        if obj.kind != "digest" or obj.key.endswith(DIGEST_SIGNATURE_SUFFIX):
            continue
        if obj.not_readable:
            out.quarantine.append(quarantine_row(DIGEST, obj.key, *obj.not_readable, run_id))
            out.inputs.append(_input(obj, "", "quarantined", 0))
            continue
        if obj.path is None:
            continue
        try:
            digest = sha256_file(obj.path)
        except OSError as e:
            out.quarantine.append(quarantine_row(DIGEST, obj.key, "unreadable_object",
                                                 f"cannot read the object: {e.strerror}", run_id))
            out.inputs.append(_input(obj, "", "quarantined", 0))
            continue
        try:
            row, log_files = _digest_rows(obj, run_id, damaged.get(obj.key + DIGEST_SIGNATURE_SUFFIX))
        except _Unreadable as e:
            out.quarantine.append(quarantine_row(DIGEST, obj.key, e.reason, e.detail[:300], run_id))
            out.inputs.append(_input(obj, digest, "quarantined", 0))
            continue
        out.digests.append(row)
        out.log_files += log_files
        out.inputs.append(_input(obj, digest, "loaded", 1))
    return out


DIGEST = "cloudtrail_digest"


def _input(obj: RawObject, digest: str, status: str, records: int) -> dict:
    return {"key": obj.key, "sha256": digest, "size_bytes": obj.size_bytes, "records": records, "status": status}


def _account_sidecar(obj: RawObject, digest_keys: set[str], out: DigestRead, run_id: str,
                     damaged: dict[str, str]) -> None:
    """A signature sidecar listed in a day folder: loaded with its digest, or quarantined."""
    if obj.not_readable:
        out.quarantine.append(quarantine_row(DIGEST, obj.key, *obj.not_readable, run_id))
        out.inputs.append(_input(obj, "", "quarantined", 0))
        damaged[obj.key] = obj.not_readable[1]
        return
    try:
        digest = sha256_file(obj.path)
    except OSError as e:
        digest, damaged[obj.key] = "", f"cannot read the file: {e.strerror}"
    if obj.key.removesuffix(DIGEST_SIGNATURE_SUFFIX) not in digest_keys:
        out.quarantine.append(quarantine_row(DIGEST, obj.key, "unexpected_file",
                                             "a digest signature sidecar without its digest file beside it", run_id))
        out.inputs.append(_input(obj, digest, "quarantined", 0))
        return
    if obj.key not in damaged:
        try:
            read_signature(obj.path)
        except _Unreadable as e:
            damaged[obj.key] = e.detail
    if obj.key in damaged:
        out.quarantine.append(quarantine_row(DIGEST, obj.key, "unexpected_shape", damaged[obj.key][:300], run_id))
        out.inputs.append(_input(obj, digest, "quarantined", 0))
        return
    out.inputs.append(_input(obj, digest, "loaded", 1))


def read_signature(path) -> tuple[str | None, str | None]:
    """(signature hex, algorithm) of a sidecar; either may be None (the object carried no such metadata).
    Raises _Unreadable for a sidecar that is not one."""
    try:
        with open(path, "rb") as f:
            body = json.loads(f.read(1 << 16).decode("utf-8"))
    except OSError as e:
        raise _Unreadable("unreadable_object", f"cannot read the signature sidecar: {e.strerror}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Unreadable("unexpected_shape", "the signature sidecar is not valid JSON") from None
    if not isinstance(body, dict) or body.get("format_version") != 1:
        raise _Unreadable("unexpected_shape", "the signature sidecar is not a format 1 JSON object")
    sig, alg = body.get("signature"), body.get("signature_algorithm")
    if not isinstance(sig, (str, type(None))) or not isinstance(alg, (str, type(None))):
        raise _Unreadable("unexpected_shape", "the signature sidecar's signature or algorithm is not text")
    return sig, alg


def _signature(obj: RawObject, damaged: str | None) -> tuple[str | None, str | None, str | None]:
    """(signature, algorithm, why there is none) of one digest, from its sidecar."""
    if damaged:
        return None, None, f"its signature sidecar could not be read ({damaged})"
    sidecar = f"{obj.path}{DIGEST_SIGNATURE_SUFFIX}"
    if not os.path.lexists(sidecar):
        return None, None, ("no signature recorded: no sidecar beside the digest (a copy of the bucket such as "
                            "aws s3 sync keeps no S3 object metadata)")
    if not os.path.isfile(sidecar):  # a folder, a FIFO, a dangling link: never opened
        return None, None, "its signature sidecar is not a regular file"
    try:
        sig, alg = read_signature(sidecar)
    except _Unreadable as e:
        return None, None, f"its signature sidecar could not be read ({e.detail})"
    if not sig:
        return None, alg, "the S3 object carries no x-amz-meta-signature metadata"
    return sig, alg, None


def _digest_rows(obj: RawObject, run_id: str, damaged: str | None = None) -> tuple[dict, list[dict]]:
    try:
        with gzip.open(obj.path, "rb") as f:
            data = f.read()
    except GZIP_ERRORS as e:
        raise _Unreadable("corrupt_gzip", f"not a readable gzip stream ({e})") from None
    try:
        d = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise _Unreadable("malformed_digest", f"not valid JSON: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    try:
        return _rows(obj, d, run_id, hashlib.sha256(data).hexdigest(), _signature(obj, damaged))
    except _SHAPE_ERRORS as e:
        raise _Unreadable("malformed_digest", f"not the shape of a CloudTrail digest file: {type(e).__name__}: {e}") from None


def _rows(obj: RawObject, d, run_id: str, digest_sha256: str, signature: tuple) -> tuple[dict, list[dict]]:
    if not isinstance(d, dict) or "digestEndTime" not in d:
        raise ValueError("no digestEndTime: not a CloudTrail digest file")
    m = CLOUDTRAIL_KEY.search(obj.key)
    start, end = parse_time(d.get("digestStartTime")), parse_time(d.get("digestEndTime"))
    if end is None:
        raise ValueError(f"digestEndTime {str(d.get('digestEndTime'))[:40]!r} is not a time")
    scope = {"account_id": m["account"] if m else d.get("awsAccountId"), "region": m["region"] if m else None}
    partition = {"year": end.year, "month": end.month}
    if not isinstance(d.get("logFiles") or [], list):
        raise TypeError("logFiles is not a list")
    log_files = [f for f in d.get("logFiles") or [] if isinstance(f, dict)]
    name = _DIGEST_NAME.match(m["file"]) if m else None
    trail = cloudtrail_key_trail(obj.key)  # with several trails, the log files it lists are keyed in its trail too
    sig, alg, missing = signature
    row = {
        **scope, "digest_start_time": start, "digest_end_time": end,
        "digest_s3_bucket": d.get("digestS3Bucket"), "digest_s3_object": d.get("digestS3Object"),
        "previous_digest_s3_object": d.get("previousDigestS3Object"),
        "previous_digest_signature": d.get("previousDigestSignature"), "log_files": log_files,
        "trail_name": name["trail"] if name else None, "digest_end_time_raw": d.get("digestEndTime"),
        "digest_sha256": digest_sha256, "digest_public_key_fingerprint": d.get("digestPublicKeyFingerprint"),
        "digest_signature_algorithm": d.get("digestSignatureAlgorithm"),
        "previous_digest_s3_bucket": d.get("previousDigestS3Bucket"),
        "previous_digest_hash_value": d.get("previousDigestHashValue"),
        "previous_digest_hash_algorithm": d.get("previousDigestHashAlgorithm"),
        "signature": sig, "signature_algorithm": alg, "signature_missing": missing,
        "log_file_count": len(log_files), "source_key": obj.key, "ingest_run_id": run_id, **partition,
    }  # fmt: skip
    rows = []
    for i, f in enumerate(log_files):
        rows.append({
            **scope, "digest_start_time": start, "digest_end_time": end, "log_file_index": i,
            "s3_bucket": f.get("s3Bucket"), "s3_object": f.get("s3Object"),
            "object_key": in_trail(trail, object_key(f.get("s3Object"))), "hash_value": f.get("hashValue"),
            "hash_algorithm": f.get("hashAlgorithm"), "oldest_event_time": parse_time(f.get("oldestEventTime")),
            "newest_event_time": parse_time(f.get("newestEventTime")),
            "source_key": obj.key, "record_index": i, "ingest_run_id": run_id, **partition,
        })  # fmt: skip
    # each row checked against its table's columns: a value of the wrong type is this digest's fault
    return (lake.TABLES["cloudtrail_digests"].conform(row),
            [lake.TABLES["cloudtrail_digest_log_files"].conform(r) for r in rows])

