"""One CloudTrail object on its own: its two hashes, the first bytes of it for the quarantine, and what is wrong with
it when DuckDB cannot read it."""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from pathlib import Path


def classify_read_error(path: Path, err: Exception) -> tuple[str, str]:
    """Name what is wrong with one object DuckDB could not read, in one line."""
    try:
        with gzip.open(path, "rb") as f:
            while f.read(1 << 20):
                pass
    except (OSError, EOFError) as e:
        return "corrupt_gzip", f"not a readable gzip stream ({e})"
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    first = re.sub(r' in file "[^"]*",', "", first).removeprefix("Invalid Input Error: ").strip()
    return "malformed_json", f"not valid JSON: {first}"


def hashes_or_error(path: Path | None):
    if path is None:
        return None
    try:
        return object_hashes(path)
    except OSError as e:
        return e


def object_hashes(path: Path) -> tuple[str, str | None]:
    """SHA-256 of the object as stored and of its gunzipped content (what a CloudTrail digest's hashValue is), in
    one read. The content hash is None when the object is not a complete gzip stream."""
    stored, content = hashlib.sha256(), hashlib.sha256()
    inflate = zlib.decompressobj(wbits=31)
    ok = True
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            stored.update(chunk)
            if ok:
                try:
                    content.update(inflate.decompress(chunk))
                except zlib.error:
                    ok = False
    if ok:
        try:
            content.update(inflate.flush())
        except zlib.error:
            ok = False
        ok = ok and inflate.eof
    return stored.hexdigest(), content.hexdigest() if ok else None


def excerpt(path: Path, n: int = 300) -> str:
    head = b""
    try:
        with open(path, "rb") as f:
            head = f.read(n)
        try:
            head = gzip.decompress(head) if head[:2] == b"\x1f\x8b" else head
        except (OSError, EOFError):
            with gzip.open(path, "rb") as g:
                head = g.read(n)
    except (OSError, EOFError):
        pass
    return head[:n].decode("utf-8", "replace")
