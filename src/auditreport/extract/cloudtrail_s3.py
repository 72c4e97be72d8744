"""CloudTrail log and digest files from the trail bucket, mirrored into ``OUT/raw/cloudtrail/``.

Only the day prefixes of the period, one day either side, are listed:

    <prefix>AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/
    <prefix>AWSLogs/[o-orgid/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/

never the whole bucket. Accounts and regions come from the source, else from ``[aws]``, else they are discovered
with delimiter listings of ``AWSLogs/[o-orgid/]`` and ``AWSLogs/.../<account>/CloudTrail[-Digest]/`` (a handful of
calls). The local copy keeps the key layout below the prefix, so its root holds ``AWSLogs/...``.

Concurrency: ``[aws].max_concurrency`` (default 8, at most 64) is the number of requests open at once, listings
and downloads together, in one pool of that many threads. S3 answers each request after some 20 ms whatever its
size, so with many small objects the time is waiting, and the threads wait side by side: at 20 ms a request, 16
read about ten times the objects/s of one, as long as the server keeps up (``benchmarks/live_s3_benchmark.py``);
set 16 or more for a large trail. Listing is pipelined with the downloads: the objects of each day-prefix page are
downloaded while the following day prefixes are still being listed, and listing pauses while enough listed objects
wait for a download, so memory holds the key list and a bounded backlog, never a queue of the whole bucket's
downloads. The objects are handed to the loader as they arrive (an ``ObjectStream``): its workers parse the first
chunks while later objects are still downloading, so the run's ``load.cloudtrail`` time holds the downloads and
the error lines are complete once the loader has read the last object.

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
makes the source partial (exit code 2). A day prefix whose listing fails is named in an error line too (the objects
of its pages listed before the failure are still downloaded); every day prefix failing is a source error. Error
lines come in key order, whatever order the listings and downloads ended in.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import SourceError
from ..raw import CLOUDTRAIL_FOLDER_KINDS, CLOUDTRAIL_KEY, ObjectStream, RawEvidence, RawObject
from ..source_settings import Aws, S3TrailSettings, parse_s3_uri
from .aws_session import AWS_ERRORS, AwsSessions, ScopeError, error_line
from .base import ExtractContext
from .s3_download import download_object, normalise_etag, remove_partial_downloads

_ACCOUNT = re.compile(r"^\d{12}$")
_ORG = re.compile(r"^o-[a-z0-9]{10,32}$")
_MAX_ERROR_LINES = 20
_BACKLOG = 4  # listed objects waiting for a download, in units of the tasks in flight, before listing pauses
KINDS = CLOUDTRAIL_FOLDER_KINDS


@dataclass
class Listed:
    key: str  # full S3 key
    rel: str  # key below the prefix: AWSLogs/...
    size: int
    etag: str
    kind: str  # log | digest


class S3CloudTrailExtractor:
    """``sources.cloudtrail`` of kind ``s3``."""

    name = "cloudtrail"

    def __init__(self, settings: S3TrailSettings, aws: Aws, folder: str = "cloudtrail"):
        self.settings = settings
        self.aws = aws  # accounts, regions and credentials shared by every live AWS source
        self.folder = folder  # below OUT/raw/: cloudtrail, or cloudtrail/<trail> for one of several trails

    # -- entry point -------------------------------------------------------------------------------------------

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        if self.settings.trails:  # several trail buckets: each read as the only one, into one stream
            from .cloudtrail_trails import extract_trails

            trails = [(name, S3CloudTrailExtractor(one, self.aws, f"{self.name}/{name}"))
                      for name, one in self.settings.each_trail()]  # fmt: skip
            return extract_trails(self.name, "s3", trails, ctx, lambda name: ctx.raw_dir / self.name / name)
        src, aws = self.settings, self.aws
        captured_at = datetime.now(timezone.utc).replace(microsecond=0)
        s3, bucket, prefix, accounts, reader_account, client_region, day_prefixes = self.connect_and_plan(ctx)
        root = ctx.raw_dir / self.folder
        root.mkdir(parents=True, exist_ok=True)
        remove_partial_downloads(root)
        pipeline = _Pipeline(s3, bucket, prefix, root, ctx, self.name, aws, reader_account, client_region)
        errors: list[str] = []  # filled when the last object has been handed over

        def objects():
            yield from pipeline.stream(day_prefixes)
            found = pipeline.list_errors + missing_accounts(pipeline.listed, accounts, ctx, src.uri,
                                                             src.organization_id)  # fmt: skip
            errors.extend(cap_errors(found + pipeline.download_errors))

        # Handed over as they arrive: the loader parses the first objects while later ones are still downloading.
        return RawEvidence(
            source=self.name, kind="s3", root=root, location=src.uri, objects=ObjectStream(objects()),
            errors=errors, captured_at=captured_at,
        )

    def connect_and_plan(self, ctx: ExtractContext) -> tuple:
        """(S3 client, bucket, prefix, accounts, reader account, client region, every day prefix to list)."""
        src, aws = self.settings, self.aws
        bucket, prefix = parse_s3_uri(src.uri)
        sessions = AwsSessions(aws, ctx.run_id, source=self.name)
        accounts, regions, reader_account, client_region = self.reader(sessions)
        try:
            s3 = sessions.client("s3", reader_account, client_region)
        except ScopeError as e:
            raise SourceError(self.name, str(e)) from None
        lister = _Lister(s3, bucket, reader_account, client_region, self.name)
        day_prefixes = self._plan(lister, prefix, src.organization_id, accounts, regions, ctx, aws.max_concurrency)
        return s3, bucket, prefix, accounts, reader_account, client_region, day_prefixes

    def reader(self, sessions: AwsSessions) -> tuple[list[str] | None, list[str] | None, str | None, str]:
        """(accounts, regions: None when discovered; the account whose credentials read the bucket, the client's
        region). The bucket is read with the role of bucket_account, else of the first account; without a role
        pattern, with the credentials at hand (the accounts are then only the folders to read)."""
        src, aws = self.settings, self.aws
        accounts = src.accounts or aws.accounts or None
        regions = src.regions or aws.regions or None
        reader_account = src.bucket_account or (accounts[0] if accounts and aws.role_arn else None)
        return accounts, regions, reader_account, (regions[0] if regions else None) or sessions.default_region()

    def probe(self, period):
        """Preflight: can the bucket be listed, and do its day folders hold log files for ``period``
        (``cloudtrail_probe``)."""
        from .cloudtrail_probe import probe_trail_bucket

        if self.settings.trails:  # several trail buckets: each probed as the only one, in one account
            from .probe import SourceProbe

            out = SourceProbe(self.name, "s3", ", ".join(self.settings.uris))
            for name, one in self.settings.each_trail():
                got = probe_trail_bucket(S3CloudTrailExtractor(one, self.aws, f"{self.name}/{name}"), period)
                out.calls += got.calls
                out.empty += [f"trail '{name}': {e}" for e in got.empty]
                out.notes += [f"trail '{name}': {n}" for n in got.notes]
            return out
        return probe_trail_bucket(self, period)

    # -- planning ----------------------------------------------------------------------------------------------

    def _plan(self, lister: "_Lister", prefix: str, org: str | None, accounts, regions, ctx,
              workers: int = 1) -> list[str]:
        """Every day prefix to list: root x account x kind x region x day. Regions that have to be discovered are
        discovered with up to ``workers`` delimiter listings at once."""
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
        bases = [f"{root}{account}/{kind}/"
                 for root in roots
                 for account in (accounts or [c for c in lister.dirs(root) if _ACCOUNT.match(c)])
                 for kind in KINDS]
        if regions:
            base_regions = [list(regions) for _ in bases]
        elif len(bases) > 1 and workers > 1:
            with ThreadPoolExecutor(max_workers=min(workers, len(bases)), thread_name_prefix="cloudtrail-dirs") as p:
                base_regions = list(p.map(lister.dirs, bases))  # the first failure (in base order) is raised
        else:
            base_regions = [lister.dirs(base) for base in bases]
        days = ctx.period.days(margin_days=1)
        return [f"{base}{region}/{d:%Y/%m/%d}/"
                for base, rs in zip(bases, base_regions, strict=True) for region in rs for d in days]


class _Pipeline:
    """List the day prefixes and download what they hold, with one pool of ``[aws].max_concurrency`` threads.

    Listing and downloading share the pool and run at the same time: each listing task is one ListObjectsV2 page,
    and the objects of a page are queued for download as soon as it arrives, so downloads start after the first
    page with objects, not after the last day prefix. The calling thread schedules, and is the only one that
    touches results, errors and progress: it keeps two tasks per worker in flight (one running, one queued, so no
    worker waits on it, and no more futures exist than that); it lists with every free slot while nothing waits
    for a download, with a quarter of the workers while objects do, and not at all while ``_BACKLOG`` tasks' worth
    of them do; otherwise it downloads. So at most ``max_concurrency`` requests are open at once (the HTTP
    connection pool of :class:`AwsSessions` has room for all of them), and what waits in memory is the key list
    plus a bounded backlog, whatever the size of the bucket."""

    def __init__(self, s3, bucket: str, prefix: str, root: Path, ctx: ExtractContext, source: str, aws: Aws,
                 account, region):
        self.s3, self.bucket, self.prefix, self.root, self.ctx = s3, bucket, prefix, root, ctx
        self.source, self.account, self.region = source, account, region
        self.workers = max(1, aws.max_concurrency)
        self.retries = aws.max_attempts
        self.listed: list[Listed] = []  # set when stream() ends
        self.list_errors: list[str] = []
        self.download_errors: list[str] = []

    def run(self, day_prefixes: list[str]) -> tuple[list[Listed], list[RawObject], list[str], list[str]]:
        """(everything listed, in key order; the objects, in key order; listing errors, in day-prefix order;
        download errors, in key order)."""
        objects = sorted(self.stream(day_prefixes), key=lambda o: o.key)
        return self.listed, objects, self.list_errors, self.download_errors

    def stream(self, day_prefixes: list[str]) -> Iterator[RawObject]:
        """Each object as soon as it is final (downloaded, skipped as loaded before, or failed and marked
        unreadable), in the order they finish. When the stream ends, ``listed`` (key order), ``list_errors``
        (day-prefix order) and ``download_errors`` (key order) are set."""
        ctx, root, bucket = self.ctx, self.root, self.bucket
        slots = 2 * self.workers  # tasks in flight: one running and one queued per worker
        list_share = max(1, self.workers // 4)  # listings in flight while there are objects to download
        backlog = _BACKLOG * slots  # objects listed and waiting for a download, above which listing pauses
        listing = 0
        to_list: deque[tuple[int, str, str | None]] = deque((i, p, None) for i, p in enumerate(day_prefixes))
        ready: deque[Listed] = deque()  # listed, not yet downloaded
        pending: dict[Future, tuple[int, str] | Listed] = {}
        listed: list[Listed] = []
        list_errors: list[tuple[int, str]] = []
        failed_prefixes: set[int] = set()
        download_errors: list[str] = []
        done_objects = done_bytes = skipped = 0
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="cloudtrail-s3")
        try:
            while True:
                while len(pending) < slots:
                    if to_list and (not ready or (listing < list_share and len(ready) < backlog)):
                        i, day_prefix, token = to_list.popleft()
                        pending[pool.submit(self._list_page, day_prefix, token)] = (i, day_prefix)
                        listing += 1
                    elif ready:
                        item = ready.popleft()
                        pending[pool.submit(download_object, self.s3, bucket, item.key, root / item.rel,
                                            self.retries, keep_signature=item.kind == "digest")] = item
                    else:
                        break
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in sorted(finished, key=lambda f: _order(pending[f])):
                    task = pending.pop(fut)
                    if isinstance(task, tuple):  # a listing page
                        i, day_prefix = task
                        listing -= 1
                        try:
                            found, token = fut.result()
                        except AWS_ERRORS as e:
                            failed_prefixes.add(i)
                            list_errors.append((i, f"s3://{bucket}/{day_prefix}: "
                                                + error_line(e, self.account, self.region, "ListObjectsV2")))
                            continue
                        if token:  # the rest of this day before the next day: its objects come in key order
                            to_list.appendleft((i, day_prefix, token))
                        for item in found:
                            listed.append(item)
                            if normalise_etag(ctx.already_loaded.get(item.rel)) == item.etag:
                                yield RawObject(key=item.rel, path=None, size_bytes=item.size, etag=item.etag,
                                                kind=item.kind)
                                skipped += 1
                            else:
                                ready.append(item)
                        continue
                    item = task
                    try:
                        size, etag = fut.result()
                    except AWS_ERRORS as e:
                        line = f"s3://{bucket}/{item.key}: " + error_line(e, self.account, self.region, "GetObject")
                        download_errors.append(line)
                        # listed but not downloaded: accounted for (quarantined, not committed), never dropped
                        yield RawObject(key=item.rel, path=root / item.rel, size_bytes=item.size, etag=item.etag,
                                        kind=item.kind, not_readable=("unreadable_object", line))
                        continue
                    yield RawObject(key=item.rel, path=root / item.rel, size_bytes=size, etag=etag or item.etag,
                                    kind=item.kind)
                    done_objects += 1
                    done_bytes += size
                    ctx.progress(self.source, done_objects, done_bytes)
        finally:
            # on an exception (or a KeyboardInterrupt) let running downloads finish their rename, start no more
            pool.shutdown(wait=True, cancel_futures=True)

        if day_prefixes and len(failed_prefixes) == len(day_prefixes):
            first = min(list_errors)[1]
            raise SourceError(self.source, f"{first} (and every other day prefix: {len(failed_prefixes)} failed)"
                              if len(failed_prefixes) > 1 else first)
        download_errors.sort()  # the report shows the first few: the same ones in every run
        if download_errors and not done_objects and not skipped:
            raise SourceError(self.source, f"s3://{bucket}: every download failed; first: {download_errors[0]}"
                              + (f" (and {len(download_errors) - 1} more)" if len(download_errors) > 1 else ""))
        listed.sort(key=lambda o: o.key)
        self.listed, self.list_errors = listed, [line for _, line in sorted(list_errors)]
        self.download_errors = download_errors

    def _list_page(self, day_prefix: str, token: str | None) -> tuple[list[Listed], str | None]:
        return list_page(self.s3, self.bucket, self.prefix, day_prefix, token)


def list_page(s3, bucket: str, prefix: str, day_prefix: str, token: str | None) -> tuple[list[Listed], str | None]:
    """One ListObjectsV2 page of a day prefix: its objects, and the token of the next page (None: the last)."""
    kind = "digest" if "/CloudTrail-Digest/" in day_prefix else "log"
    params = {"Bucket": bucket, "Prefix": day_prefix}
    if token:
        params["ContinuationToken"] = token
    page = s3.list_objects_v2(**params)
    found = [
        Listed(key=obj["Key"], rel=obj["Key"][len(prefix):], size=int(obj.get("Size", 0)),
                etag=normalise_etag(obj.get("ETag")) or "", kind=kind)
        for obj in page.get("Contents", []) if not obj["Key"].endswith("/")
    ]
    return found, (page.get("NextContinuationToken") if page.get("IsTruncated") else None)


def _order(task) -> tuple:
    """Finished tasks are handled listings first, in day-prefix order, then downloads in key order."""
    return (0, task[0], "") if isinstance(task, tuple) else (1, 0, task.key)


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


def missing_accounts(listed: list[Listed], accounts, ctx: ExtractContext, uri: str, org: str | None) -> list[str]:
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


def cap_errors(errors: list[str]) -> list[str]:
    if len(errors) <= _MAX_ERROR_LINES:
        return errors
    return errors[:_MAX_ERROR_LINES] + [f"… and {len(errors) - _MAX_ERROR_LINES} more errors like these"]
