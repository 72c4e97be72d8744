"""One CloudTrail object on its own: its two hashes, the first bytes of it for the quarantine, and what is wrong with
it when DuckDB cannot read it."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from pathlib import Path


GZIP_ERRORS = (OSError, EOFError, zlib.error)  # what reading a damaged gzip stream raises (zlib.error: bad deflate)


def classify_read_error(path: Path, err: Exception, max_bytes: int) -> tuple[str, str]:
    """Name what is wrong with one object DuckDB could not read, in one line. (A damaged gzip stream is found
    before DuckDB is asked, when the object is hashed.)"""
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    first = re.sub(r' in file "[^"]*",', "", first).removeprefix("Invalid Input Error: ").strip()
    if isinstance(err, MemoryError) or "maximum_object_size" in first or "Out of Memory" in first:
        return "object_too_large", (f"a JSON document larger than the loader reads at once ({max_bytes >> 20} MiB "
                                    f"uncompressed) or than memory allows; split it or raise the limit ({first[:120]})")
    return "malformed_json", f"not valid JSON: {first}"


_INVALID_BYTE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as surrogateescape decodes them


def salvage_invalid_utf8(path: Path, dest: Path, max_bytes: int) -> dict[int, str] | None:
    """An object DuckDB refuses because a few records hold bytes that are not UTF-8: write to ``dest`` the same log
    file with those records replaced by ``null`` (same positions, so record indexes stay), and return
    {record index: detail} of the replaced ones. None when the object is not salvageable that way (not gzip, too
    large, not JSON even so, not one ``{"Records": [...]}`` document)."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            return None
        doc = json.loads(data.decode("utf-8", "surrogateescape"))
    except (*GZIP_ERRORS, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("Records"), list):
        return None
    bad: dict[int, str] = {}
    records = doc["Records"]
    for i, rec in enumerate(records):
        text = json.dumps(rec, ensure_ascii=False)
        m = _INVALID_BYTE.search(text)
        if m:
            bad[i] = f"record {i} holds a byte that is not UTF-8 (0x{ord(m.group()) - 0xDC00:02x}); the other records load"
            records[i] = None
    if not bad:
        return None
    with gzip.open(dest, "wt", encoding="utf-8") as f:
        json.dump(doc, f)
    return bad


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
            while ok and chunk:
                try:
                    content.update(inflate.decompress(chunk))
                except zlib.error:
                    ok = False
                    break
                chunk = b""
                if inflate.eof and inflate.unused_data:  # a further gzip member (gzip allows several)
                    chunk = inflate.unused_data
                    inflate = zlib.decompressobj(wbits=31)
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
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as g:
                head = g.read(n)
    except GZIP_ERRORS:
        pass
    return head[:n].decode("utf-8", "replace")
