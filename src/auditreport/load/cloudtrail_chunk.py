"""One chunk of CloudTrail log objects, read by the fast reader in a worker process: hashed, parsed, turned into lake
rows, clustered and written as Parquet into the load's staging folder, under names of the chunk's own.

A chunk commits nothing. It also stages the chunk's ``ingest_objects`` rows; the parent process moves the event
files into the lake and then renames the staged marker into place, last (:mod:`.cloudtrail`), so a worker that
dies, or outlives a killed parent, can never commit rows: what it leaves is in a staging folder the next run
removes.

Per object the worker reports what became of it: ``loaded`` (its rows are in the staged files), ``skipped`` (an
earlier run loaded it and it is unchanged), ``changed`` (an earlier run loaded it and its ETag or hash differs now),
``unreadable`` (the file could not be read), or ``refused`` (the fast reader does not take it: the careful reader
will, in the parent).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from zlib_ng import zlib_ng  # zlib's API, inflates a small object in ~2/3 of zlib's time

from ..lake.arrow_probe import answer_without_pandas
from ..raw import cloudtrail_key_scope
from .cloudtrail_fast import NESTED_COLUMNS, Refused, build_rows, cluster, decode_log_file
from .gc_pause import gc_paused

ROW_GROUP_ROWS = 32_768  # rows per Parquet row group (DuckDB's default size); a chunk's file is one or a few groups
GZIP_MAGIC = b"\x1f\x8b"
# Columns with few distinct values are dictionary-encoded; trying it on ids and documents costs time for nothing.
DICTIONARY_COLUMNS = [
    "event_version", "event_source", "event_name", "event_type", "event_category", "aws_region", "error_code",
    "recipient_account_id", "user_type", "principal_account_id", "source_account_id", "source_region",
    "ingest_run_id", "user_agent", "source_ip_address", "session_issuer_arn", "actor_arn", "principal_arn",
    "source_key",  # one key for every record of its object
]  # fmt: skip


@dataclass(frozen=True)
class ChunkTask:
    """The objects of a chunk, column by column (cheap to send to a worker)."""

    chunk_id: str
    run_id: str
    staging: str  # folder (the parent made it) the chunk writes its files to, flat, each name starting with chunk_id
    keys: list[str]
    paths: list[str]
    etags: list[str | None]  # the S3 ETag; None for a local file (its SHA-256 stands in)
    previous: list[str | None]  # the ETag (or hash) an earlier run loaded it with; None when it never did
    sizes: list[int]
    source: str
    schema: pa.Schema  # cloudtrail_events' columns, partition columns included
    marker_schema: pa.Schema  # ingest_objects' columns


@dataclass
class ChunkResult:
    """Per object (in the task's order): status, stored and content SHA-256, records loaded; plus what was written."""

    chunk_id: str
    status: list[str]
    sha256: list[str | None]
    content_sha256: list[str | None]
    records: list[int]
    detail: list[str | None]  # why an object is unreadable or refused
    rows: int = 0
    # staged event files: (name in the staging folder, place in the lake below the events folder)
    files: list[tuple[str, str]] = field(default_factory=list)
    marker: str | None = None  # staged file of the loaded objects' ingest_objects rows (the parent commits it)


class _Files:
    """Reads whole files in as few system calls as their listed size allows, each opened relative to its folder
    (a chunk's objects sit in a few day folders: the kernel walks each long path once, not once per object)."""

    def __init__(self):
        self.folder, self.fd = None, None

    def read(self, path: str, size: int) -> bytes:
        folder, _, name = path.rpartition("/")
        if folder != self.folder:
            self.close()
            self.fd = os.open(folder or ".", os.O_RDONLY | os.O_DIRECTORY)
            self.folder = folder
        fd = os.open(name, os.O_RDONLY, dir_fd=self.fd)
        try:
            parts = [os.read(fd, size + 1)]
            while len(parts[-1]) and sum(map(len, parts)) > size:  # larger than listed: read on to the end
                parts.append(os.read(fd, 1 << 20))
            return b"".join(parts) if len(parts) > 1 else parts[0]
        finally:
            os.close(fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
        self.folder, self.fd = None, None


def _content(key: str, data: bytes) -> bytes | None:
    """The uncompressed content of a log object, or None when the fast reader will not unpack it: not one complete
    gzip member, or named .gz without being gzip (the careful reader names what is wrong)."""
    if data[:2] == GZIP_MAGIC:
        inflate = zlib_ng.decompressobj(wbits=31)
        try:
            content = inflate.decompress(data)
        except zlib_ng.error:
            return None
        return content if inflate.eof and not inflate.unused_data else None
    return None if key.endswith(".gz") else data


def load_chunk(task: ChunkTask) -> ChunkResult:
    """Read, parse and stage one chunk, the garbage collector paused (:mod:`.gc_pause`)."""
    answer_without_pandas()  # before the first pa.array: no pandas import, in a worker or here (lake.arrow_probe)
    with gc_paused():
        return _load_chunk(task)


def _load_chunk(task: ChunkTask) -> ChunkResult:
    n = len(task.keys)
    res = ChunkResult(task.chunk_id, ["refused"] * n, [None] * n, [None] * n, [0] * n, [None] * n)
    records, owners, indexes = [], [], []
    files = _Files()
    for pos, (key, path, etag, previous, size) in enumerate(
        zip(task.keys, task.paths, task.etags, task.previous, task.sizes)
    ):
        try:
            data = files.read(path, size)
        except OSError as e:
            files.close()  # the folder itself may be what failed
            res.status[pos], res.detail[pos] = "unreadable", f"cannot read the object: {e.strerror}"
            continue
        res.sha256[pos] = digest = hashlib.sha256(data).hexdigest()
        content = _content(key, data)
        if content is not None:
            res.content_sha256[pos] = hashlib.sha256(content).hexdigest()
        if previous is not None:
            res.status[pos] = "skipped" if (etag or digest) == previous else "changed"
            continue
        if content is None:
            res.detail[pos] = "not one complete gzip member"
            continue
        try:
            recs = decode_log_file(content)
        except Refused as e:
            res.detail[pos] = str(e)
            continue
        res.status[pos], res.records[pos] = "loaded", len(recs)
        records += recs
        owners += [pos] * len(recs)
        indexes += range(len(recs))
    files.close()
    if records:
        _write_rows(task, res, records, owners, indexes)
    _write_marker(task, res)
    return res


def _write_marker(task: ChunkTask, res: ChunkResult) -> None:
    """The ingest_objects rows of the objects this chunk loaded, staged beside its event files."""
    loaded = [i for i, s in enumerate(res.status) if s == "loaded"]
    if not loaded:
        return
    n = len(loaded)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    cols = {
        "source": [task.source] * n, "object_key": [task.keys[i] for i in loaded],
        "size_bytes": [task.sizes[i] for i in loaded], "etag": [task.etags[i] or res.sha256[i] for i in loaded],
        "sha256": [res.sha256[i] for i in loaded], "content_sha256": [res.content_sha256[i] for i in loaded],
        "status": ["loaded"] * n, "records_read": [res.records[i] for i in loaded],
        "records_loaded": [res.records[i] for i in loaded], "records_quarantined": [0] * n,
        "batch_id": [task.chunk_id] * n, "loaded_at": [now] * n, "ingest_run_id": [task.run_id] * n,
    }  # fmt: skip
    res.marker = f"{task.chunk_id}-marker.parquet"
    pq.write_table(pa.table(cols, schema=task.marker_schema), Path(task.staging) / res.marker)


def _write_rows(task: ChunkTask, res: ChunkResult, records, owners, indexes) -> None:
    keys = task.keys
    accounts, regions = zip(*map(cloudtrail_key_scope, keys))
    table, refused = build_rows(records, keys, list(accounts), list(regions), owners, indexes, task.run_id, task.schema)
    del records
    table = cluster(table)
    for pos in refused:
        res.status[pos], res.records[pos], res.detail[pos] = "refused", 0, "a record the fast reader does not take"
    if not table.num_rows:
        return
    # rows are sorted by month first, so each partition is one slice
    ym = (np.asarray(table["year"]) * 100 + np.asarray(table["month"])).astype(np.int64)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ym)) + 1, [len(ym)]))
    data = table.drop_columns(["year", "month"])
    # min/max statistics let a scan skip row groups; a nested document's text has none worth computing
    statistics = [name for name in data.column_names if name not in NESTED_COLUMNS]
    staging = Path(task.staging)
    for i, (a, b) in enumerate(zip(starts[:-1], starts[1:])):
        year, month = divmod(int(ym[a]), 100)
        name = f"{task.chunk_id}-{i}.parquet"
        pq.write_table(data.slice(a, b - a), staging / name, compression="zstd", compression_level=1,
                       row_group_size=ROW_GROUP_ROWS, use_dictionary=DICTIONARY_COLUMNS,
                       write_statistics=statistics)  # fmt: skip
        res.files.append((name, f"year={year}/month={month}/b-{task.chunk_id}_g0_{i}.parquet"))
    res.rows = table.num_rows
