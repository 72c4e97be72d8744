"""The extractor interface. A file source and a live source are two implementations of one thing: each puts raw
evidence in the canonical layout of docs/architecture.md and says where it is; one loader reads that layout."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Protocol

from ..config import Config
from ..period import Period

# AWSLogs/[o-xxxx/]<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/<file>
CLOUDTRAIL_KEY = re.compile(
    r"(?:^|/)AWSLogs/(?:(?P<org>o-[a-z0-9]{10,32})/)?(?P<account>\d{12})/(?P<kind>CloudTrail|CloudTrail-Digest)/"
    r"(?P<region>[a-z0-9-]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<file>[^/]+)$"
)


@dataclass
class RawObject:
    """One raw object selected for loading."""

    key: str  # relative to the source root, e.g. AWSLogs/1111/CloudTrail/eu-west-1/2026/10/01/x.json.gz
    path: Path | None  # local copy; None when not downloaded because an earlier run loaded it already
    size_bytes: int
    etag: str | None = None  # the S3 ETag for live objects; None for local files (the loader hashes them)
    kind: str = "log"  # log | digest


@dataclass
class ExtractOutcome:
    source: str
    kind: str  # files | s3 | aws | rest
    root: Path  # local root of the canonical layout
    location: str  # for the report: a path or an s3:// / http:// address
    objects: list[RawObject] = field(default_factory=list)  # cloudtrail only: the objects of the period
    errors: list[str] = field(default_factory=list)  # partial failures (one scope of many failed), one line each
    captured_at: datetime | None = None


@dataclass
class ExtractContext:
    config: Config
    period: Period
    raw_dir: Path  # OUT/raw: where live extractors write
    run_id: str
    already_loaded: dict[str, str] = field(default_factory=dict)  # cloudtrail key -> etag, from earlier runs
    progress: Callable[[str, int, int], None] = lambda source, objects, nbytes: None


class Extractor(Protocol):
    name: str

    def extract(self, ctx: ExtractContext) -> ExtractOutcome:
        """Put the evidence in place. Raises SourceError when the source cannot be read at all."""


def write_json(path: Path, body) -> None:
    """Write an API response in the canonical layout: datetimes as ISO 8601, ResponseMetadata dropped."""
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "ResponseMetadata"}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(body, default=_json_default, indent=1, sort_keys=True))
    tmp.replace(path)


def _json_default(v):
    if isinstance(v, datetime):
        # botocore parses times with tzlocal(): write them in UTC whatever the machine's zone
        return (v.astimezone(timezone.utc) if v.tzinfo else v.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    raise TypeError(f"cannot serialise {type(v).__name__}")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
