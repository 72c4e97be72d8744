"""The raw-evidence contract between extraction and loading (docs/architecture.md, "Canonical raw layouts").

Extractors write raw evidence in these layouts; loaders read them. Both import this module and neither imports the
other. It holds the object kinds and key patterns, the snapshot layout and its format version, hashing, the JSON
writer for API responses, and the one "build it beside, then rename it into place" helper every writer uses.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, unquote

# Written into every live snapshot's _capture.json. A loader reads format 1; a capture file without the key is 1.
SNAPSHOT_FORMAT_VERSION = 1
CAPTURE_FILE = "_capture.json"  # {"captured_at": "<ISO 8601>", "format_version": 1, ...}
GLOBAL_REGION = "global"  # the region folder of IAM and S3 bucket settings

# AWSLogs/[o-xxxx/]<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/<file>
CLOUDTRAIL_KEY = re.compile(
    r"(?:^|/)AWSLogs/(?:(?P<org>o-[a-z0-9]{10,32})/)?(?P<account>\d{12})/(?P<kind>CloudTrail|CloudTrail-Digest)/"
    r"(?P<region>[a-z0-9-]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<file>[^/]+)$"
)
CLOUDTRAIL_FOLDER_KINDS = {"CloudTrail": "log", "CloudTrail-Digest": "digest"}
# A digest's signature is S3 object metadata (x-amz-meta-signature, x-amz-meta-signature-algorithm), which a plain
# copy of the bucket does not keep: the live extractor records it beside the digest, in <digest key> + this suffix,
# as {"format_version": 1, "signature": hex | null, "signature_algorithm": ... | null, "read_from": "GetObject",
# "etag": ...}. null: the object carried no such metadata. docs/architecture.md, "Canonical raw layouts".
DIGEST_SIGNATURE_SUFFIX = ".signature.json"
DIGEST_SIGNATURE_FORMAT = 1

# MLflow: one folder per snapshot below <root>/snapshots/, named by its UTC time.
MLFLOW_SNAPSHOTS = "snapshots"
MLFLOW_SNAPSHOT_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(slots=True)
class RawObject:
    """One CloudTrail object (log or digest) selected for loading."""

    key: str  # relative to the source root, e.g. AWSLogs/1111/CloudTrail/eu-west-1/2026/10/01/x.json.gz
    path: Path | str | None  # local copy (a str from a folder listing: no Path per object); None: not downloaded
    size_bytes: int
    etag: str | None = None  # the S3 ETag for live objects; None for local files (the loader hashes them)
    kind: str = "log"  # log | digest
    # set when the entry cannot be an object to read (a folder, a FIFO, a dangling or looping link, an unfinished
    # .tmp copy): (reason, detail). The loader quarantines it under that reason; it is never opened.
    not_readable: tuple[str, str] | None = None


class ObjectStream:
    """The objects of an extraction still under way: the first pass over it yields each object as the extractor
    produces it (listing or downloading the next ones meanwhile), so loading overlaps extraction; any later pass,
    or ``len()``, sees them all. Safe to iterate from several threads."""

    def __init__(self, produce: Iterator[RawObject]):
        self._produce = produce
        self._seen: list[RawObject] = []
        self._done = False
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[RawObject]:
        i = 0
        while True:
            if i < len(self._seen):
                yield self._seen[i]
                i += 1
                continue
            with self._lock:
                if i < len(self._seen):
                    continue
                if self._done:
                    return
                try:
                    self._seen.append(next(self._produce))
                except StopIteration:
                    self._done = True
                    return

    def __len__(self) -> int:
        for _ in self:
            pass
        return len(self._seen)


@dataclass
class RawEvidence:
    """What an extractor hands the loader: where the canonical layout sits, and what it found there."""

    source: str
    kind: str  # files | s3 | aws | rest
    root: Path  # local root of the canonical layout
    location: str  # for the report: a path or an s3:// / http:// address
    # cloudtrail only: the objects of the period (a list, or an ObjectStream while they are still being listed)
    objects: list[RawObject] | ObjectStream = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # partial failures (one scope of many failed), one line each
    captured_at: datetime | None = None


def cloudtrail_object_kind(key: str) -> str | None:
    """'log' or 'digest' for a key in the CloudTrail layout, None for any other key."""
    m = CLOUDTRAIL_KEY.search(key)
    return CLOUDTRAIL_FOLDER_KINDS[m["kind"]] if m else None


def digest_signature_body(metadata: dict | None, etag: str | None, read_from: str = "GetObject") -> dict:
    """The sidecar of one digest from its S3 object metadata (boto3's ``Metadata``: keys without x-amz-meta-)."""
    meta = {str(k).lower(): v for k, v in (metadata or {}).items()}
    return {"format_version": DIGEST_SIGNATURE_FORMAT, "signature": meta.get("signature"),
            "signature_algorithm": meta.get("signature-algorithm"), "read_from": read_from, "etag": etag}


def cloudtrail_key_trail(key: str) -> str | None:
    """The trail a CloudTrail key belongs to when the source reads several (``<trail>/AWSLogs/...``), else None."""
    head, sep, _ = key.partition("/AWSLogs/")
    return head if sep and head and "/" not in head else None


def cloudtrail_trail_sql(key_column: str) -> str:
    """:func:`cloudtrail_key_trail` as a DuckDB expression over ``key_column``: the ``source_trail`` column of the views."""
    return (f"CASE WHEN strpos({key_column}, '/AWSLogs/') > 1 AND strpos(split_part({key_column}, '/AWSLogs/', 1), '/') = 0 "
            f"THEN split_part({key_column}, '/AWSLogs/', 1) END")


def cloudtrail_key_scope(key: str) -> tuple[str | None, str | None]:
    """(account, region) a key in the CloudTrail layout names, or (None, None) for any other key: the
    ``source_account_id`` and ``source_region`` of its rows."""
    m = CLOUDTRAIL_KEY.search(key)
    return (m["account"], m["region"]) if m else (None, None)


# -- AWS API snapshots ---------------------------------------------------------------------------------------------


def resource_path(root: Path, account: str, region: str, service: str, operation: str,
                  ident: str | None = None) -> Path:
    """``<account>/<region>/<service>/<Operation>.json``, or ``.../<Operation>/<quoted id>.json`` per resource."""
    base = Path(root) / account / region / service
    return base / f"{operation}.json" if ident is None else base / operation / f"{quote(ident, safe='')}.json"


def operation_files(root: Path, service: str, operation: str) -> Iterator[tuple[str, str, str | None, Path]]:
    """(account, region, id or None, path) of every file of one operation below ``root``, in a stable order."""
    root = Path(root)
    for acct_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isdigit()):
        for region_dir in sorted(p for p in acct_dir.iterdir() if p.is_dir()):
            base = region_dir / service
            single = base / f"{operation}.json"
            if single.is_file():
                yield acct_dir.name, region_dir.name, None, single
            many = base / operation
            if many.is_dir():
                for f in sorted(many.glob("*.json")):
                    yield acct_dir.name, region_dir.name, unquote(f.stem), f


def capture_body(captured_at: datetime, **extra) -> dict:
    """The body of a snapshot's ``_capture.json``."""
    return {"captured_at": captured_at.isoformat(), "format_version": SNAPSHOT_FORMAT_VERSION, **extra}


# -- writing -------------------------------------------------------------------------------------------------------


@contextmanager
def staged(final: Path, *, directory: bool = False) -> Iterator[Path]:
    """Build ``final`` (a file, or a directory with ``directory=True``) under a temporary name beside it and rename it
    into place only when the block succeeds. A failed or killed block leaves the previous ``final`` untouched; a
    directory replaces the previous one whole, so nothing of the old one lingers."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    stage = final.with_name(f".{final.name}.{tag}.staging")
    if directory:
        stage.mkdir()
    try:
        yield stage
    except BaseException:
        if directory:
            shutil.rmtree(stage, ignore_errors=True)
        else:
            stage.unlink(missing_ok=True)
        raise
    if not directory:
        try:
            os.replace(stage, final)
        except BaseException:
            stage.unlink(missing_ok=True)
            raise
        return
    old = final.with_name(f".{final.name}.{tag}.old")
    if final.exists():
        final.rename(old)
    stage.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(folder: Path, name: str = "*") -> int:
    """Remove what a killed :func:`staged` left beside ``folder/name``. Returns how many were removed."""
    n = 0
    for p in list(Path(folder).glob(f".{name}.*.staging")) + list(Path(folder).glob(f".{name}.*.old")):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        n += 1
    return n


def write_json(path: Path, body) -> None:
    """Write an API response in the canonical layout: datetimes as ISO 8601 UTC, ResponseMetadata dropped."""
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "ResponseMetadata"}
    with staged(path) as tmp:
        tmp.write_text(json.dumps(body, default=_json_default, indent=1, sort_keys=True))


def _json_default(v):
    if isinstance(v, datetime):
        # botocore parses times with tzlocal(): write them in UTC whatever the machine's zone
        return (v.astimezone(timezone.utc) if v.tzinfo else v.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    raise TypeError(f"cannot serialise {type(v).__name__}")


# -- hashing -------------------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """SHA-256 of a file as stored (for a gzip object: of the gzip bytes)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
