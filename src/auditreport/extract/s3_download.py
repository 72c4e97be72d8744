"""Downloading one S3 object to disk, whole or not at all: streamed to a temporary name in the same folder, its
length checked, renamed into place; a body that breaks off while it streams starts again after a jittered pause. A
digest keeps the signature CloudTrail stored as the object's metadata in a sidecar beside it."""

from __future__ import annotations

import os
import random
import time
import uuid
from pathlib import Path

from botocore.exceptions import IncompleteReadError

from ..raw import DIGEST_SIGNATURE_SUFFIX, digest_signature_body, write_json
from .aws_session import AWS_ERRORS

_RETRY_BASE_SECONDS = 0.25  # first pause before a download starts again; doubles each time, with full jitter
_RETRY_MAX_SECONDS = 10.0


def normalise_etag(etag: str | None) -> str | None:
    return etag.strip('"') if etag else etag


def download_object(s3, bucket: str, key: str, dest: Path, retries: int = 0,
                    sleep=time.sleep, keep_signature: bool = False) -> tuple[int, str | None]:
    """Stream one object to ``dest`` through a temporary file in the same directory, then rename it into place.
    Returns (bytes written, ETag of what was downloaded). With ``keep_signature`` (a digest), the signature CloudTrail
    stored as the object's metadata (x-amz-meta-signature, -signature-algorithm), which the file itself does not hold,
    is written beside it, from the same GetObject answer: ``<dest>`` + ``DIGEST_SIGNATURE_SUFFIX``.

    GetObject itself is retried by botocore. A body that breaks off while it streams (a reset, a dropped
    connection, fewer bytes than ``Content-Length``, a checksum that does not match) is not, so the whole download
    starts again, up to ``retries`` more times, each after a jittered exponential pause. The last error is raised;
    nothing is ever left under ``dest`` but a complete body."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    attempt = 0
    while True:
        resp = s3.get_object(Bucket=bucket, Key=key)  # its errors were retried by botocore already: raise them
        try:
            size = _stream_to(resp, dest)
        except AWS_ERRORS:
            attempt += 1
            if attempt > retries:
                raise
            sleep(random.uniform(0, min(_RETRY_MAX_SECONDS, _RETRY_BASE_SECONDS * 2 ** (attempt - 1))))
            continue
        etag = normalise_etag(resp.get("ETag"))
        if keep_signature:
            write_json(Path(f"{dest}{DIGEST_SIGNATURE_SUFFIX}"), digest_signature_body(resp.get("Metadata"), etag))
        return size, etag


def _stream_to(resp: dict, dest: Path) -> int:
    """Write a GetObject body to a temporary name, check its length, rename it to ``dest``. Bytes written."""
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")
    size = 0
    body = resp["Body"]
    try:
        with open(tmp, "wb") as f:
            for chunk in body.iter_chunks(1 << 20):
                f.write(chunk)
                size += len(chunk)
        expected = resp.get("ContentLength")
        if expected is not None and size != expected:  # botocore checks too; a rename must never trust a guess
            raise IncompleteReadError(actual_bytes=size, expected_bytes=expected)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        body.close()
        raise
    return size


def remove_partial_downloads(root: Path) -> int:
    """Delete the ``.*.tmp`` files a killed run left behind. Returns how many."""
    n = 0
    for p in root.rglob(".*.tmp"):
        try:
            p.unlink()
            n += 1
        except OSError:
            pass
    return n
