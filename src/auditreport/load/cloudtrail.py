"""Streaming CloudTrail loader: log objects in the S3 key layout -> ``cloudtrail_events`` Parquet.

Objects go in bounded chunks (by bytes and count) to worker processes, one per core, so a month of logs never has to
fit in memory and both cores parse. Each worker reads its chunk with the fast reader (:mod:`.cloudtrail_chunk`,
:mod:`.cloudtrail_fast`): hashes, parses, builds the rows, sorts them and writes them as Parquet into a staging
folder of its own. The parent moves the chunk's files into the Hive partitions and commits the chunk by writing its
``ingest_objects`` marker last. Files of a chunk whose marker is missing (a run killed midway) are removed at the
next start, so re-running loads every object exactly once.

Objects the fast reader refuses (not gzip, not one ``{"Records": [...]}`` document, text that is not UTF-8, a time
in another form, a record that is not an object) go to the careful reader (:mod:`.cloudtrail_careful`, DuckDB),
which loads what can be loaded and quarantines the rest with its reason. Loaded + quarantined = read, per object.
A small load (the sample month) runs the same chunks in this process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .. import lake
from ..lake.connection import pattern_sql
from ..lake.writer import quarantine_row, write_quarantine, write_rows
from ..raw import RawObject
from ..results import InputFile
from .cloudtrail_careful import CarefulReader, read_batch_sql
from .cloudtrail_chunk import ChunkResult, ChunkTask, load_chunk
from .cloudtrail_objects import hashes_or_error
from .cloudtrail_sql import projection_sql
from .gc_pause import gc_paused
from .worker_pool import CLOUDTRAIL_CHUNK_TASK, WorkerPool, discard_prestarted, load_workers

CHUNK_BYTES = 4 << 20  # compressed bytes per chunk (~40 MB of JSON, ~30k events): bounds each worker's memory
CHUNK_OBJECTS = 5000
CAREFUL_BATCH_OBJECTS = 2000  # objects per careful (DuckDB) batch


@dataclass
class CloudTrailLoadStats:
    objects_read: int = 0
    objects_loaded: int = 0
    objects_quarantined: int = 0
    objects_skipped: int = 0  # loaded by an earlier run, unchanged
    objects_changed: int = 0  # loaded by an earlier run, ETag/hash differs now: flagged, not reloaded
    records_loaded: int = 0
    records_quarantined: int = 0
    bytes_read: int = 0
    inputs: list[InputFile] = field(default_factory=list)  # per object: key, sha256, size, records, status


class CloudTrailLoader(CarefulReader):
    def __init__(self, con: duckdb.DuckDBPyConnection, lake_root: Path, run_id: str, source: str = "cloudtrail",
                 workers: int | None = None):
        self.con = con
        self.lake_root = Path(lake_root)
        self.run_id = run_id
        self.source = source
        self.workers = workers or load_workers()
        self.events_dir = self.lake_root / "cloudtrail_events"
        self.marker_dir = self.lake_root / "ingest_objects"
        self.quarantine_dir = self.lake_root / "quarantine"
        self._content_sha256: dict[str, str | None] = {}
        self._record_reasons: dict[tuple[str, int], tuple[str, str]] = {}  # a salvaged object's dropped records
        self._salvage_dir: Path | None = None
        self._gzipped: set[str] = set()  # paths of objects that are gzip streams (by their first bytes)
        self._schema = lake.TABLES["cloudtrail_events"].arrow_schema()
        self._marker_schema = lake.TABLES["ingest_objects"].arrow_schema()
        self._staging: Path | None = None  # where this load's chunks stage their files
        self._partitions: set[Path] = set()  # partition folders of the events table known to exist

    # --- state ---------------------------------------------------------------------------------------------
    def recover(self) -> int:
        """Remove event files of batches that never committed (a killed run). Returns files removed."""
        committed = {p.stem.removeprefix("batch-") for p in self.marker_dir.glob("batch-*.parquet")}
        removed = 0
        for p in self.events_dir.rglob("b-*.parquet") if self.events_dir.exists() else []:
            batch = p.stem.split("_")[0].removeprefix("b-")
            if batch not in committed:
                p.unlink()
                removed += 1
        for q in self.quarantine_dir.glob("batch-*.parquet") if self.quarantine_dir.exists() else []:
            if q.stem.removeprefix("batch-") not in committed:
                q.unlink()
        for junk in self.lake_root.glob(".staging-ct-*"):
            shutil.rmtree(junk, ignore_errors=True)
        return removed

    def already_loaded(self) -> dict[str, str]:
        """key -> etag of every object an earlier run committed."""
        if not any(self.marker_dir.glob("batch-*.parquet")):
            return {}
        rows = self.con.execute(
            f"SELECT object_key, etag FROM read_parquet({pattern_sql(self.marker_dir, 'batch-*.parquet')}) "
            "WHERE status IN ('loaded', 'quarantined')"
        ).fetchall()
        return {k: e for k, e in rows}

    # --- loading -------------------------------------------------------------------------------------------
    def load(self, objects: Iterable[RawObject], progress=lambda n, b: None,
             previous: dict[str, str] | None = None) -> CloudTrailLoadStats:
        """Load the log objects among ``objects``. They are consumed as they come: an extractor that is still
        downloading can hand over an iterable that yields each object once it is on disk, and parsing overlaps
        the downloads. ``previous`` (key -> ETag of the objects an earlier run committed) defaults to this lake's
        own markers; a loader that builds a part of another lake (a Spark task, :mod:`auditreport.engines.spark_ingest`)
        is given that lake's."""
        self.recover()
        previous = self.already_loaded() if previous is None else previous
        stats = CloudTrailLoadStats()
        changed: list[dict] = []
        unreadable_q: list[dict] = []

        # pending() runs in the worker pool's producer thread, beside _account in this one: each keeps its own
        # counts and lists, merged once both are done
        listing = CloudTrailLoadStats()
        not_opened: list[dict] = []

        def pending() -> Iterator[RawObject]:
            for obj in objects:
                if obj.kind != "log":
                    continue
                listing.objects_read += 1
                if obj.not_readable:  # listed so that it is not invisible; never opened
                    not_opened.append(self._quarantine_row(obj.key, None, *obj.not_readable))
                    listing.objects_quarantined += 1
                    listing.inputs.append(self._input(obj, "", "quarantined", 0))
                elif obj.path is None:  # the extractor did not download it: an earlier run loaded it unchanged
                    listing.objects_skipped += 1
                    listing.inputs.append(self._input(obj, obj.etag or "", "skipped"))
                else:
                    yield obj

        refused: list[tuple[RawObject, str]] = []
        with gc_paused():  # listing, accounting: many small objects, no cycles
            for chunk, result in self._run_chunks(pending(), previous):
                self._account(chunk, result, stats, changed, unreadable_q, refused)
                progress(len(chunk), sum(o.size_bytes for o in chunk))
        stats.objects_read += listing.objects_read
        stats.objects_quarantined += listing.objects_quarantined
        stats.objects_skipped += listing.objects_skipped
        stats.inputs += listing.inputs
        unreadable_q = not_opened + unreadable_q
        for i in range(0, len(refused), CAREFUL_BATCH_OBJECTS):
            self.careful_load(refused[i:i + CAREFUL_BATCH_OBJECTS], stats)
        if self._salvage_dir is not None:
            shutil.rmtree(self._salvage_dir, ignore_errors=True)
            self._salvage_dir = None
        if changed or unreadable_q:
            self._commit(
                "flagged-" + uuid.uuid4().hex[:12], changed,
                [self._quarantine_changed(m) for m in changed] + unreadable_q,
            )  # fmt: skip
        stats.inputs.sort(key=lambda i: i.key)
        return stats

    @staticmethod
    def _chunks(pending: Iterable[RawObject]) -> Iterator[list[RawObject]]:
        chunk, size = [], 0
        for obj in pending:
            chunk.append(obj)
            size += obj.size_bytes
            if size >= CHUNK_BYTES or len(chunk) >= CHUNK_OBJECTS:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def _run_chunks(self, pending: Iterable[RawObject], previous: dict[str, str]):
        """(chunk, result) for each chunk. A load of one chunk (a few MB of objects) is read in this process; a
        larger one in worker processes, which start once a second chunk is ready. Tasks are made as workers free up (one
        in flight per worker), so memory stays bounded whatever the number of objects. Every chunk stages its files in
        one folder of this load's, removed at the end (or by the next run's recovery, after a kill)."""
        chunks = self._chunks(pending)
        first = next(chunks, None)
        if first is None:
            return
        self._staging = self.lake_root / f".staging-ct-{uuid.uuid4().hex[:12]}"
        self._staging.mkdir(parents=True)
        try:
            yield from self._run_staged(first, chunks, previous)
        finally:
            shutil.rmtree(self._staging, ignore_errors=True)

    def _run_staged(self, first: list[RawObject], chunks: Iterator[list[RawObject]], previous: dict[str, str]):
        second = next(chunks, None)
        if second is None or self.workers <= 1:
            discard_prestarted(CLOUDTRAIL_CHUNK_TASK)  # workers started ahead are not needed for one chunk
            for chunk in itertools.chain([first], [second] if second else [], chunks):
                task = self._task(chunk, previous)
                yield chunk, self._commit_chunk(chunk, task, load_chunk(task))
            return
        by_id: dict[str, list[RawObject]] = {}

        def tasks():
            for chunk in itertools.chain([first, second], chunks):
                task = self._task(chunk, previous)
                by_id[task.chunk_id] = chunk
                yield task

        with WorkerPool(CLOUDTRAIL_CHUNK_TASK, self.workers) as pool:
            for task, result in pool.run(tasks()):
                chunk = by_id.pop(task.chunk_id)
                yield chunk, self._commit_chunk(chunk, task, result)

    def _task(self, chunk: list[RawObject], previous: dict[str, str]) -> ChunkTask:
        chunk_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        return ChunkTask(
            chunk_id=chunk_id, run_id=self.run_id, staging=str(self._staging),
            keys=[o.key for o in chunk], paths=[str(o.path) for o in chunk], etags=[o.etag for o in chunk],
            previous=[previous.get(o.key) for o in chunk], sizes=[o.size_bytes for o in chunk], source=self.source,
            schema=self._schema, marker_schema=self._marker_schema,
        )  # fmt: skip

    def _commit_chunk(self, chunk: list[RawObject], task: ChunkTask, result: ChunkResult) -> ChunkResult:
        """Move the chunk's staged event files into the lake, then its staged marker: that rename is the commit."""
        staging = Path(task.staging)
        for name, rel in result.files:
            dest = self.events_dir / rel
            if dest.parent not in self._partitions:
                dest.parent.mkdir(parents=True, exist_ok=True)
                self._partitions.add(dest.parent)
            (staging / name).replace(dest)
        if result.marker:
            self.marker_dir.mkdir(parents=True, exist_ok=True)
            (staging / result.marker).replace(self.marker_dir / f"batch-{task.chunk_id}.parquet")
        return result

    def _account(self, chunk, result, stats, changed, unreadable_q, refused) -> None:
        """Count each object of a committed chunk; gather the changed, unreadable and refused ones."""
        inputs, source = stats.inputs, self.source
        if result.status.count("loaded") == len(chunk):  # the usual chunk: all loaded, counted a chunk at once
            sizes = [o.size_bytes for o in chunk]
            stats.objects_loaded += len(chunk)
            stats.records_loaded += sum(result.records)
            stats.bytes_read += sum(sizes)
            inputs += map(InputFile, itertools.repeat(source), [o.key for o in chunk], result.sha256, sizes,
                          result.records, itertools.repeat("loaded"))  # fmt: skip
            return
        for obj, status, digest, content, records, detail in zip(
            chunk, result.status, result.sha256, result.content_sha256, result.records, result.detail
        ):
            if status == "loaded":  # nearly every object: kept short
                stats.objects_loaded += 1
                stats.records_loaded += records
                stats.bytes_read += obj.size_bytes
                inputs.append(InputFile(source, obj.key, digest, obj.size_bytes, records, "loaded"))
                continue
            self._content_sha256[obj.key] = content
            if status == "skipped":
                stats.objects_skipped += 1
                stats.inputs.append(self._input(obj, digest, "skipped"))
            elif status == "changed":
                stats.objects_changed += 1
                stats.inputs.append(self._input(obj, digest, "changed"))
                changed.append(self._marker(obj, obj.etag or digest, digest, "changed", 0, 0, 0, "-"))
            elif status == "unreadable":  # listed, then gone or unreadable: no marker, the next run tries it again
                unreadable_q.append(self._quarantine_row(obj.key, None, "unreadable_object", detail))
                stats.objects_quarantined += 1
                stats.inputs.append(self._input(obj, "", "quarantined", 0))
            else:  # refused by the fast reader: the careful reader takes it, with both hashes of it
                hashed = hashes_or_error(obj.path)
                if isinstance(hashed, OSError):
                    unreadable_q.append(self._quarantine_row(
                        obj.key, None, "unreadable_object", f"cannot read the object: {hashed.strerror}"))  # fmt: skip
                    stats.objects_quarantined += 1
                    stats.inputs.append(self._input(obj, "", "quarantined", 0))
                    continue
                digest, self._content_sha256[obj.key] = hashed
                stats.bytes_read += obj.size_bytes
                refused.append((obj, digest))

    def _input(self, obj: RawObject, digest: str, status: str, records: int | None = None) -> InputFile:
        return InputFile(self.source, obj.key, digest, obj.size_bytes, records, status)

    def _marker(self, obj, etag, digest, status, read, loaded, quarantined, batch_id) -> dict:
        return {
            "source": self.source, "object_key": obj.key, "size_bytes": obj.size_bytes, "etag": etag,
            "sha256": digest, "content_sha256": self._content_sha256.get(obj.key), "status": status, "records_read": read, "records_loaded": loaded,
            "records_quarantined": quarantined, "batch_id": batch_id,
            "loaded_at": datetime.now(timezone.utc).replace(tzinfo=None), "ingest_run_id": self.run_id,
        }  # fmt: skip

    def _quarantine_row(self, key, index, reason, detail, raw_excerpt=None) -> dict:
        return quarantine_row(self.source, key, reason, detail, self.run_id, record_index=index, excerpt=raw_excerpt)

    def _quarantine_changed(self, m: dict) -> dict:
        return self._quarantine_row(
            m["object_key"], None, "object_changed",
            "object changed since an earlier run loaded it (ETag differs); not reloaded: investigate tampering",
        )  # fmt: skip

    def _commit(self, batch_id: str, markers: list[dict], quarantined: list[dict]) -> None:
        """Quarantine rows first, the ingest_objects marker last: the marker is the batch's commit."""
        write_quarantine(self.con, self.lake_root, f"batch-{batch_id}", quarantined)
        write_rows(self.con, "ingest_objects", markers, self.marker_dir / f"batch-{batch_id}.parquet")




def load_records_into(con: duckdb.DuckDBPyConnection, records: list[dict], table: str = "cloudtrail_events") -> int:
    """Load raw CloudTrail records (dicts, as AWS writes them) into an existing table through the same projection
    as the file loader. Records the loader would quarantine are left out. Returns rows inserted. For tests and
    ad-hoc use; the lake is written by CloudTrailLoader."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "AWSLogs" / "000000000000" / "CloudTrail" / "us-east-1" / "2026" / "01" / "01" / "inline.json.gz"
        path.parent.mkdir(parents=True)
        with gzip.open(path, "wt") as f:
            json.dump({"Records": records}, f)
        source = (
            f"(SELECT x.*, 'inline' AS key, CAST(NULL AS VARCHAR) AS source_account_id, "
            f"CAST(NULL AS VARCHAR) AS source_region FROM ({read_batch_sql([str(path)])}) x)"
        )
        columns = ", ".join(f'"{c}"' for c, _ in lake.TABLES["cloudtrail_events"].all_columns)
        before = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        con.execute(
            f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM ({projection_sql(source)}) WHERE event_time IS NOT NULL',
            {"run_id": "inline"},
        )
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] - before
