"""One Spark task of the CloudTrail ingest (:mod:`.spark_ingest`): the project's own loader over the task's objects.

Runs on an executor, inside ``mapInArrow``: the partition's rows (one per log object) become
:class:`~auditreport.raw.RawObject` values, and :class:`~auditreport.load.cloudtrail.CloudTrailLoader` (the fast
reader, the careful DuckDB reader for what the fast one refuses, the quarantine rules, the ``ingest_objects``
markers) loads them into a lake of the task's own, below the job's staging folder. Nothing here commits: the driver
moves each committed batch of that lake into the real one, its marker last. A task attempt that fails or is
repeated leaves a folder the driver never commits and removes at the end (or the next run's recovery does).

The task yields one row: where its lake is, and what became of each object (the loader's statistics, as JSON, with
the error line of each download that failed).
This module imports nothing from PySpark: an executor needs auditreport and its dependencies, nothing more.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pyarrow as pa

from ..extract.aws_session import AWS_ERRORS, AwsSessions, error_line
from ..extract.s3_download import download_object
from ..lake.connection import connect
from ..load.cloudtrail import CloudTrailLoader
from ..raw import RawObject
from ..source_settings import Aws

S3_SCHEME = "s3://"

# one row per log object, as the driver hands them to the tasks; previous: the ETag (or SHA-256) an earlier run
# committed it with, null when never
OBJECT_DDL = "key string, path string, size_bytes bigint, etag string, previous string, " \
             "not_readable_reason string, not_readable_detail string"
RESULT_SCHEMA = pa.schema([("staging", pa.string()), ("stats", pa.string())])  # one row per task
RESULT_DDL = ", ".join(f"{name} string" for name in RESULT_SCHEMA.names)


def object_row(obj: RawObject, previous: str | None) -> tuple:
    """The row of one log object, in the order of OBJECT_DDL."""
    reason, detail = obj.not_readable or (None, None)
    path = None if obj.path is None else str(obj.path)
    return obj.key, path, obj.size_bytes, obj.etag, previous, reason, detail


def _objects(rows: list[dict]) -> list[RawObject]:
    return [
        RawObject(key=r["key"], path=r["path"], size_bytes=r["size_bytes"], etag=r["etag"], kind="log",
                  not_readable=(r["not_readable_reason"], r["not_readable_detail"]) if r["not_readable_reason"]
                  else None)
        for r in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class S3Reader:
    """How a task reads the objects of a ``kind = "s3"`` source: the bucket, the ``[aws]`` settings and the account
    whose credentials read it. Each task makes its own client (same role assumption, retries and endpoint as a run),
    so the credentials are the executor's own: an instance profile, or the role ``[aws].role_arn`` names."""

    bucket: str
    aws: Aws
    account: str | None
    region: str
    run_id: str

    def client(self):
        return AwsSessions(self.aws, self.run_id, source="cloudtrail").client("s3", self.account, self.region)

    def download(self, objects: list[RawObject], folder: Path,
                 keep_signature: bool = False) -> tuple[list[RawObject], list[str]]:  # fmt: skip
        """Each ``s3://`` object downloaded below ``folder`` (``[aws].max_concurrency`` at a time), whole or marked
        unreadable with the error (quarantined as ``unreadable_object``, not committed: the next run tries again);
        and the error line of each download that failed (they make the ingest partial, as they make a run's)."""
        s3 = self.client()

        def one(obj: RawObject) -> RawObject:
            if not isinstance(obj.path, str) or not obj.path.startswith(S3_SCHEME):
                return obj
            key = obj.path.removeprefix(f"{S3_SCHEME}{self.bucket}/")
            dest = folder / obj.key
            try:
                size, etag = download_object(s3, self.bucket, key, dest, self.aws.max_attempts,
                                             keep_signature=keep_signature)  # fmt: skip
            except AWS_ERRORS as e:
                line = f"{obj.path}: " + error_line(e, self.account, self.region, "GetObject")
                return replace(obj, path=dest, not_readable=("unreadable_object", line))
            return replace(obj, path=dest, size_bytes=size, etag=etag or obj.etag)

        with ThreadPoolExecutor(max_workers=max(1, self.aws.max_concurrency), thread_name_prefix="ingest-s3") as pool:
            done = list(pool.map(one, objects))
        failed = [d.not_readable[1] for o, d in zip(objects, done) if d.not_readable and not o.not_readable]
        return done, failed


def load_partition(batches: Iterable[pa.RecordBatch], *, job_dir: str, run_id: str, source: str,
                   s3: S3Reader | None = None) -> Iterator[pa.RecordBatch]:  # fmt: skip
    """The ``mapInArrow`` function: load the partition's objects into ``job_dir/<attempt>/`` (a lake of its own).
    ``s3://`` objects are first downloaded to a temporary folder of the executor's, removed when the task ends."""
    rows = [r for batch in batches for r in batch.to_pylist()]
    if not rows:
        return
    task_root = Path(job_dir) / uuid.uuid4().hex
    task_root.mkdir(parents=True)
    previous = {r["key"]: r["previous"] for r in rows if r["previous"] is not None}
    con = connect(work_dir=task_root / ".work")
    try:
        with tempfile.TemporaryDirectory(prefix="auditreport-ingest-") as downloads:
            objects, errors = _objects(rows), []
            if s3 is not None:
                objects, errors = s3.download(objects, Path(downloads))
            # one process per task: Spark runs the tasks side by side, so the loader starts no workers of its own
            stats = CloudTrailLoader(con, task_root, run_id, source, workers=1).load(objects, previous=previous)
    finally:
        con.close()
    report = json.dumps({**asdict(stats), "errors": errors})
    yield pa.RecordBatch.from_pylist([{"staging": str(task_root), "stats": report}], schema=RESULT_SCHEMA)
