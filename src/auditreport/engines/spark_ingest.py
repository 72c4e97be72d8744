"""The CloudTrail ingest as a Spark job: a trail's log objects -> the lake, in the layout the one-machine loader writes.

Spark distributes the OBJECTS, not the records: the driver lists the trail's objects for the period (through the
``cloudtrail`` source's own extractor), puts one row per object in a DataFrame split into ranges of keys, and each
task runs the project's loader (:mod:`.spark_ingest_task`) over its objects. So there is one home for reading a log
file (the fast reader, the careful DuckDB reader for lenient times, case-variant keys, invalid UTF-8, nested
documents kept as JSON text), for the quarantine reasons and for the ``ingest_objects`` markers; none of it is
written again in Spark SQL, where it would drift from the loader the checks were tested against.

Exactly once per object, as with the loader: the driver first recovers the lake (files of batches that never
committed are removed) and reads the committed markers; an object already committed and unchanged is skipped, one
whose content changed is flagged, never reloaded. Each task builds a lake of its own below
``<lake>/.staging-ct-spark-<job>/``; the driver then commits each batch of it by moving its event files and
quarantine file into place and its marker last (renames within the lake's file system). A killed driver leaves
files whose batch has no marker, which the next run's recovery removes; the staging folder goes with them.

The lake must be a file system path that the driver and every executor see (local mode; on a cluster, a shared
mount). The digest files (a few per account, region and day) are read by the driver through the loader's own
digest reader. What this does not do (yet): list or read an ``s3://`` prefix itself; sync the trail bucket first,
or mount it (README, "CloudTrail ingest on Spark").
"""

from __future__ import annotations

import functools
import json
import math
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..errors import ConfigError
from ..extract.base import ExtractContext
from ..lake.connection import connect
from ..load.base import LoadContext
from ..load.cloudtrail import CloudTrailLoader
from ..load.cloudtrail_source import load_digests
from ..period import Period
from ..raw import RawObject
from ..results import InputFile
from ..source_settings import FilesSettings
from .spark_ingest_task import OBJECT_DDL, RESULT_DDL, load_partition, object_row

SOURCE = "cloudtrail"
TASK_BYTES = 64 << 20  # compressed bytes of log objects per task at most (a task's loader reads them in 4 MB chunks)
STAGING_PREFIX = ".staging-ct-spark-"  # below the lake; CloudTrailLoader.recover() removes .staging-ct-* leftovers


@dataclass
class SparkIngestResult:
    """What the Spark ingest did: per log object, loaded, quarantined, skipped (committed by an earlier run,
    unchanged) or changed (committed earlier, different now: flagged and quarantined, not reloaded)."""

    lake_root: Path
    run_id: str
    tasks: int = 0
    objects: int = 0
    loaded: int = 0
    quarantined: int = 0
    skipped: int = 0
    changed: int = 0
    records_loaded: int = 0
    records_quarantined: int = 0
    batches_committed: int = 0
    digests: int = 0  # digest files (and their signature sidecars) read by the driver
    inputs: list[InputFile] = field(default_factory=list)  # every object read, with what became of it


def trail_objects(config: Config, period: Period, run_id: str, raw_dir: Path) -> list[RawObject]:
    """The log and digest objects of the period of the configuration's ``cloudtrail`` source, listed by its own
    extractor (day folders of the period and one day either side; several trails keyed ``<trail>/AWSLogs/...``)."""
    from ..sources import SOURCES

    source = SOURCES[SOURCE]
    settings = source.settings_for(config)
    if settings is None:
        raise ConfigError("sources.cloudtrail: not configured; the Spark ingest reads the CloudTrail source's folder")
    if not isinstance(settings, FilesSettings):
        raise ConfigError(f"sources.cloudtrail: kind '{settings.kind}' is not read by the Spark ingest, which reads a "
                          "folder (kind = \"files\"): sync or mount the trail bucket and point path at it")
    ctx = ExtractContext(period=period, raw_dir=raw_dir, run_id=run_id)
    return list(source.extractor(settings, config.aws).extract(ctx).objects)


def ingest(spark, config: Config, period: Period, out_dir: Path, run_id: str | None = None,
           partitions: int | None = None) -> SparkIngestResult:  # fmt: skip
    """List the configured trail's objects of ``period`` and ingest them into ``out_dir/lake`` with ``spark``."""
    from ..runner import new_run_id

    out_dir = Path(out_dir)
    run_id = run_id or new_run_id(period)
    objects = trail_objects(config, period, run_id, out_dir / "raw")
    return ingest_objects(spark, objects, out_dir / "lake", run_id, period=period, partitions=partitions)


def ingest_objects(spark, objects: list[RawObject], lake_root: Path, run_id: str, period: Period | None = None,
                   partitions: int | None = None) -> SparkIngestResult:  # fmt: skip
    """Ingest the log objects among ``objects`` (local paths) into ``lake_root`` with ``spark``; with ``period``,
    also the digest files among them (the period's digest tables are replaced, as the loader does)."""
    lake_root = Path(lake_root).resolve()
    lake_root.mkdir(parents=True, exist_ok=True)
    result = SparkIngestResult(lake_root=lake_root, run_id=run_id)
    con = connect(work_dir=lake_root.parent)
    try:
        driver = CloudTrailLoader(con, lake_root, run_id, SOURCE)
        driver.recover()  # a killed run's uncommitted files and staging folders go first
        previous = driver.already_loaded()
        logs = [o for o in objects if o.kind == "log"]
        if logs:
            _run_job(spark, logs, previous, lake_root, run_id, partitions, result)
        if period is not None:
            result.inputs += load_digests(LoadContext(con=con, lake_root=lake_root, period=period, run_id=run_id),
                                          objects)  # fmt: skip
            result.digests = sum(1 for o in objects if o.kind == "digest")
    finally:
        con.close()
    result.inputs.sort(key=lambda i: (i.source, i.key))
    return result


def task_count(spark, logs: list[RawObject], partitions: int | None) -> int:
    """Tasks for ``logs``: ``partitions`` when given, else enough that none reads more than TASK_BYTES, and at least
    one per core of the cluster; never more than the objects."""
    if partitions is None:
        total = sum(o.size_bytes for o in logs)
        partitions = max(spark.sparkContext.defaultParallelism, math.ceil(total / TASK_BYTES))
    return max(1, min(partitions, len(logs)))


def _run_job(spark, logs, previous, lake_root: Path, run_id: str, partitions, result: SparkIngestResult) -> None:
    job_dir = lake_root / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    job_dir.mkdir()
    try:
        rows = [object_row(o, previous.get(o.key)) for o in logs]
        result.tasks = task_count(spark, logs, partitions)
        # ranges of keys: a task reads whole day folders of one account and region, as the loader's chunks do
        frame = spark.createDataFrame(rows, OBJECT_DDL).repartitionByRange(result.tasks, "key")
        load = functools.partial(load_partition, job_dir=str(job_dir), run_id=run_id, source=SOURCE)
        for row in frame.mapInArrow(load, RESULT_DDL).collect():
            result.batches_committed += commit_task_lake(Path(row["staging"]), lake_root)
            _add_stats(result, json.loads(row["stats"]))
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)


def commit_task_lake(task_root: Path, lake_root: Path) -> int:
    """Move every committed batch of a task's lake into ``lake_root``: its event files and quarantine file first, its
    ``ingest_objects`` marker last (the marker is the commit, as in the loader). Returns the batches committed."""
    markers = sorted((task_root / "ingest_objects").glob("batch-*.parquet"))
    events = task_root / "cloudtrail_events"
    for marker in markers:
        batch = marker.stem.removeprefix("batch-")
        for f in sorted(events.glob(f"year=*/month=*/b-{batch}_*.parquet")):
            _move(f, lake_root / "cloudtrail_events" / f.relative_to(events))
        quarantine = task_root / "quarantine" / marker.name
        if quarantine.exists():
            _move(quarantine, lake_root / "quarantine" / marker.name)
        _move(marker, lake_root / "ingest_objects" / marker.name)
    left = [p for p in task_root.rglob("*.parquet") if not p.relative_to(task_root).parts[0].startswith(".")]
    if left:  # a file of no committed batch: the loader's contract is broken, and the rows would be lost silently
        raise RuntimeError(f"{left[0]}: a file of the Spark task's lake belongs to no committed batch")
    return len(markers)


def _move(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    src.replace(dest)


def _add_stats(result: SparkIngestResult, stats: dict) -> None:
    result.objects += stats["objects_read"]
    result.loaded += stats["objects_loaded"]
    result.quarantined += stats["objects_quarantined"]
    result.skipped += stats["objects_skipped"]
    result.changed += stats["objects_changed"]
    result.records_loaded += stats["records_loaded"]
    result.records_quarantined += stats["records_quarantined"]
    result.inputs += [InputFile(**i) for i in stats["inputs"]]
