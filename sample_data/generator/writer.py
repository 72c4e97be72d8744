"""Writing files: gzip as CloudTrail does (mtime=0, so output is byte-identical), compact and pretty JSON."""

from __future__ import annotations

import gzip
import json
import urllib.parse
from pathlib import Path


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def dumps_compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_api(path: Path, body) -> None:
    """One API response in the canonical layout (pretty JSON, as auditreport's extractors write it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n")


def q(name: str) -> str:
    return urllib.parse.quote(name, safe="")
