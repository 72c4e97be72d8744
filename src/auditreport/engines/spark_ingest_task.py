"""One Spark task of the CloudTrail ingest (:mod:`.spark_ingest`): the project's own loader over the task's objects.

Runs on an executor, inside ``mapInArrow``: the partition's rows (one per log object) become
:class:`~auditreport.raw.RawObject` values, and :class:`~auditreport.load.cloudtrail.CloudTrailLoader` (the fast
reader, the careful DuckDB reader for what the fast one refuses, the quarantine rules, the ``ingest_objects``
markers) loads them into a lake of the task's own, below the job's staging folder. Nothing here commits: the driver
moves each committed batch of that lake into the real one, its marker last. A task attempt that fails or is
repeated leaves a folder the driver never commits and removes at the end (or the next run's recovery does).

The task yields one row: where its lake is, and what became of each object (the loader's statistics, as JSON).
This module imports nothing from PySpark: an executor needs auditreport and its dependencies, nothing more.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa

from ..lake.connection import connect
from ..load.cloudtrail import CloudTrailLoader
from ..raw import RawObject

# one row per log object, as the driver hands them to the tasks
OBJECT_COLUMNS = [
    ("key", pa.string()), ("path", pa.string()), ("size_bytes", pa.int64()), ("etag", pa.string()),
    ("previous", pa.string()),  # the ETag (or SHA-256) an earlier run committed it with; null when never
    ("not_readable_reason", pa.string()), ("not_readable_detail", pa.string()),
]  # fmt: skip
OBJECT_DDL = "key string, path string, size_bytes bigint, etag string, previous string, " \
             "not_readable_reason string, not_readable_detail string"
RESULT_SCHEMA = pa.schema([("staging", pa.string()), ("stats", pa.string())])
RESULT_DDL = "staging string, stats string"


def object_row(obj: RawObject, previous: str | None) -> tuple:
    """The row of one log object, in the order of OBJECT_COLUMNS."""
    reason, detail = obj.not_readable or (None, None)
    path = None if obj.path is None else str(obj.path)
    return obj.key, path, obj.size_bytes, obj.etag, previous, reason, detail


def _objects(rows: list[dict]) -> list[RawObject]:
    return [
        RawObject(key=r["key"], path=r["path"], size_bytes=r["size_bytes"], etag=r["etag"], kind="log",
                  not_readable=(r["not_readable_reason"], r["not_readable_detail"]) if r["not_readable_reason"] else None)
        for r in rows
    ]  # fmt: skip


def load_partition(batches: Iterable[pa.RecordBatch], *, job_dir: str, run_id: str, source: str
                   ) -> Iterator[pa.RecordBatch]:  # fmt: skip
    """The ``mapInArrow`` function: load the partition's objects into ``job_dir/<attempt>/`` (a lake of its own)."""
    rows = [r for batch in batches for r in batch.to_pylist()]
    if not rows:
        return
    task_root = Path(job_dir) / uuid.uuid4().hex
    task_root.mkdir(parents=True)
    previous = {r["key"]: r["previous"] for r in rows if r["previous"] is not None}
    con = connect(work_dir=task_root / ".work")
    try:
        # one process per task: Spark runs the tasks side by side, so the loader starts no workers of its own
        stats = CloudTrailLoader(con, task_root, run_id, source, workers=1).load(_objects(rows), previous=previous)
    finally:
        con.close()
    yield pa.RecordBatch.from_pylist([{"staging": str(task_root), "stats": json.dumps(asdict(stats))}],
                                     schema=RESULT_SCHEMA)  # fmt: skip
