"""CloudTrail log and digest files from the trail bucket, mirrored into ``OUT/raw/cloudtrail/``.

Only the day prefixes of the period, one day either side, are listed:

    <prefix>AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/
    <prefix>AWSLogs/[o-orgid/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/

never the whole bucket. Accounts and regions come from the source, else from ``[aws]``, else they are discovered
with delimiter listings of ``AWSLogs/[o-orgid/]`` and ``AWSLogs/.../<account>/CloudTrail[-Digest]/`` (a handful of
calls). The local copy keeps the key layout below the prefix, so its root holds ``AWSLogs/...``.

Incremental: objects that an earlier run loaded with the same ETag (``ctx.already_loaded``) are not downloaded and
come back with ``path=None``; an object whose ETag changed is downloaded and returned with its new ETag, and the
loader flags it. Each download goes to a temporary name and is renamed when complete (every byte its
``Content-Length`` announced), so a killed run or a dropped connection never leaves a half object under its final
name; temporary leftovers of a killed run are removed by the next one.

Faults: botocore retries each request (adaptive mode, ``[aws].max_attempts``: throttling, 5xx, resets before the
answer). A body cut off while it streams is not a request botocore can retry, so the download is started again, up
to ``[aws].max_attempts`` more times (retries, as botocore counts them) with jittered exponential backoff. An object
that still cannot be downloaded is never dropped: it is returned as unreadable (the loader quarantines it as
``unreadable_object`` without committing it, so the next run tries it again) and named in an error line, which
makes the source partial (exit code 2). Error lines come in key order, whatever order the downloads ended in.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from botocore.exceptions import IncompleteReadError

from ..errors import SourceError
from ..raw import CLOUDTRAIL_FOLDER_KINDS, CLOUDTRAIL_KEY, RawEvidence, RawObject
from ..source_settings import Aws, S3TrailSettings, parse_s3_uri
from .aws_session import AWS_ERRORS, AwsSessions, ScopeError, error_line
from .base import ExtractContext

_ACCOUNT = re.compile(r"^\d{12}$")
_ORG = re.compile(r"^o-[a-z0-9]{10,32}$")
_MAX_ERROR_LINES = 20
_RETRY_BASE_SECONDS = 0.25  # first pause before a download starts again; doubles each time, with full jitter
_RETRY_MAX_SECONDS = 10.0
KINDS = CLOUDTRAIL_FOLDER_KINDS


def normalise_etag(etag: str | None) -> str | None:
    return etag.strip('"') if etag else etag


@dataclass
class _Listed:
    key: str  # full S3 key
    rel: str  # key below the prefix: AWSLogs/...
    size: int
    etag: str
    kind: str  # log | digest


class S3CloudTrailExtractor:
    """``sources.cloudtrail`` of kind ``s3``."""

    name = "cloudtrail"

    def __init__(self, settings: S3TrailSettings, aws: Aws):
        self.settings = settings
        self.aws = aws  # accounts, regions and credentials shared by every live AWS source

    # -- entry point -------------------------------------------------------------------------------------------

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        src, aws = self.settings, self.aws
        bucket, prefix = parse_s3_uri(src.uri)
        captured_at = datetime.now(timezone.utc).replace(microsecond=0)
        sessions = AwsSessions(aws, ctx.run_id, source=self.name)
        accounts = src.accounts or aws.accounts or None
        regions = src.regions or aws.regions or None
        # the bucket is read with the role of bucket_account, else of the first account; without a role pattern,
        # with the credentials at hand (the accounts are then only the folders to read)
        reader_account = src.bucket_account or (accounts[0] if accounts and aws.role_arn else None)
        client_region = (regions[0] if regions else None) or sessions.default_region()
        try:
            s3 = sessions.client("s3", reader_account, client_region)
        except ScopeError as e:
            raise SourceError(self.name, str(e)) from None
        root = ctx.raw_dir / self.name
        root.mkdir(parents=True, exist_ok=True)
        remove_partial_downloads(root)

        lister = _Lister(s3, bucket, reader_account, client_region, self.name)
        day_prefixes = self._plan(lister, prefix, src.organization_id, accounts, regions, ctx)
        listed, errors = lister.list_prefixes(day_prefixes, prefix, aws.max_concurrency)

        errors += _missing_accounts(listed, accounts, ctx, src.uri, src.organization_id)
        objects, download_errors = self._fetch(s3, bucket, root, listed, ctx, aws.max_concurrency,
                                               reader_account, client_region)
        errors += download_errors
        return RawEvidence(
            source=self.name, kind="s3", root=root, location=src.uri, objects=objects,
            errors=_cap(errors), captured_at=captured_at,
        )

    # -- planning ----------------------------------------------------------------------------------------------

    def _plan(self, lister: "_Lister", prefix: str, org: str | None, accounts, regions, ctx) -> list[str]:
        """Every day prefix to list: root x account x kind x region x day."""
        awslogs = f"{prefix}AWSLogs/"
        if org:
            roots = [f"{awslogs}{org}/"]
        elif accounts:
            roots = [awslogs]
        else:  # discover: plain account folders and organisation folders
            children = lister.dirs(awslogs)
            roots = ([awslogs] if any(_ACCOUNT.match(c) for c in children) else []) + [
                f"{awslogs}{c}/" for c in children if _ORG.match(c)
            ]
        days = ctx.period.days(margin_days=1)
        out: list[str] = []
        for root in roots:
            root_accounts = accounts or [c for c in lister.dirs(root) if _ACCOUNT.match(c)]
            for account in root_accounts:
                for kind in KINDS:
                    base = f"{root}{account}/{kind}/"
                    kind_regions = regions or lister.dirs(base)
                    for region in kind_regions:
                        out += [f"{base}{region}/{d:%Y/%m/%d}/" for d in days]
        return out

    # -- download ----------------------------------------------------------------------------------------------

    def _fetch(self, s3, bucket: str, root: Path, listed: list[_Listed], ctx: ExtractContext, workers: int,
               account, region) -> tuple[list[RawObject], list[str]]:
        objects: list[RawObject] = []
        todo: list[_Listed] = []
        for item in listed:
            if normalise_etag(ctx.already_loaded.get(item.rel)) == item.etag:
                objects.append(RawObject(key=item.rel, path=None, size_bytes=item.size, etag=item.etag, kind=item.kind))
            else:
                todo.append(item)
        errors: list[str] = []
        skipped = len(objects)
        done_objects = done_bytes = 0
        pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="cloudtrail-get")
        try:
            pending: dict[Future, _Listed] = {
                pool.submit(download_object, s3, bucket, item.key, root / item.rel, self.aws.max_attempts): item
                for item in todo
            }
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    item = pending.pop(fut)
                    try:
                        size, etag = fut.result()
                    except AWS_ERRORS as e:
                        line = f"s3://{bucket}/{item.key}: " + error_line(e, account, region, "GetObject")
                        errors.append(line)
                        # listed but not downloaded: accounted for (quarantined, not committed), never dropped
                        objects.append(RawObject(key=item.rel, path=root / item.rel, size_bytes=item.size,
                                                 etag=item.etag, kind=item.kind,
                                                 not_readable=("unreadable_object", line)))
                        continue
                    objects.append(RawObject(key=item.rel, path=root / item.rel, size_bytes=size,
                                             etag=etag or item.etag, kind=item.kind))
                    done_objects += 1
                    done_bytes += size
                    ctx.progress(self.name, done_objects, done_bytes)
        finally:
            # on an exception (or a KeyboardInterrupt) let running downloads finish their rename, start no more
            pool.shutdown(wait=True, cancel_futures=True)
        errors.sort()  # the report shows the first few: the same ones in every run
        if errors and not done_objects and not skipped:
            raise SourceError(self.name, f"s3://{bucket}: every download failed; first: {errors[0]}"
                              + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
        objects.sort(key=lambda o: o.key)
        return objects, errors


class _Lister:
    def __init__(self, s3, bucket: str, account, region, source: str):
        self.s3, self.bucket, self.account, self.region, self.source = s3, bucket, account, region, source

    def dirs(self, prefix: str) -> list[str]:
        """The immediate "folders" below ``prefix`` (a delimiter listing). A failure here is fatal: without it
        nothing can be planned."""
        names: list[str] = []
        try:
            for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix, Delimiter="/"
            ):
                for cp in page.get("CommonPrefixes", []):
                    names.append(cp["Prefix"][len(prefix):].rstrip("/"))
        except AWS_ERRORS as e:
            raise SourceError(self.source, f"s3://{self.bucket}/{prefix}: "
                              + error_line(e, self.account, self.region, "ListObjectsV2")) from None
        return names

    def list_prefixes(self, prefixes: list[str], strip: str, workers: int) -> tuple[list[_Listed], list[str]]:
        listed: list[_Listed] = []
        errors: list[str] = []
        lock = threading.Lock()

        def one(prefix: str) -> None:
            kind = "digest" if "/CloudTrail-Digest/" in prefix else "log"
            found = []
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    key = obj["Key"]
                    if key.endswith("/"):
                        continue
                    found.append(_Listed(key=key, rel=key[len(strip):], size=int(obj.get("Size", 0)),
                                         etag=normalise_etag(obj.get("ETag")) or "", kind=kind))
            with lock:
                listed.extend(found)

        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="cloudtrail-list") as pool:
            futures = {pool.submit(one, p): p for p in prefixes}
            for fut, prefix in futures.items():
                try:
                    fut.result()
                except AWS_ERRORS as e:
                    errors.append(f"s3://{self.bucket}/{prefix}: "
                                  + error_line(e, self.account, self.region, "ListObjectsV2"))
        if prefixes and len(errors) == len(prefixes):
            raise SourceError(self.source, f"{errors[0]} (and every other day prefix: {len(errors)} failed)"
                              if len(errors) > 1 else errors[0])
        listed.sort(key=lambda o: o.key)
        return listed, errors


def download_object(s3, bucket: str, key: str, dest: Path, retries: int = 0,
                    sleep=time.sleep) -> tuple[int, str | None]:
    """Stream one object to ``dest`` through a temporary file in the same directory, then rename it into place.
    Returns (bytes written, ETag of what was downloaded).

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
        return size, normalise_etag(resp.get("ETag"))


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


def _missing_accounts(listed: list[_Listed], accounts, ctx: ExtractContext, uri: str, org: str | None) -> list[str]:
    """A configured account without a single log object in the period is missing evidence, not a quiet month."""
    seen = set()
    for item in listed:
        m = CLOUDTRAIL_KEY.search(item.rel)
        if m and item.kind == "log":
            seen.add(m.group("account"))
    hint = "" if org else "; for an organisation trail set organization_id"
    if accounts:
        return [f"{uri}: no CloudTrail log objects for account {a} in {ctx.period.label} (± 1 day){hint}"
                for a in accounts if a not in seen]
    if not seen:
        return [f"{uri}: no CloudTrail log objects found for {ctx.period.label} (± 1 day)"]
    return []


def _cap(errors: list[str]) -> list[str]:
    if len(errors) <= _MAX_ERROR_LINES:
        return errors
    return errors[:_MAX_ERROR_LINES] + [f"… and {len(errors) - _MAX_ERROR_LINES} more errors like these"]
