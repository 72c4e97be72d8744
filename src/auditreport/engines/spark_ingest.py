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

The trail is a folder (``kind = "files"``, listed by its extractor) or a bucket (``kind = "s3"``): the driver lists
the period's day prefixes with boto3 (the extractor's own planning and listing, nothing downloaded), and each task
downloads its objects with boto3 into a temporary folder of its executor's before loading them (no hadoop-aws jars
needed; an object committed before with the same ETag is not read again). The digest files (a few per account,
region and day) are read by the driver through the loader's own digest reader (an s3 source's downloaded into
``OUT/raw/cloudtrail/``). The lake must be a file system path that the driver and every executor see (local mode;
on a cluster, a shared mount such as EFS); writing the lake to ``s3://`` is not built.
"""

from __future__ import annotations

import functools
import json
import math
import shutil
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Config
from ..errors import ConfigError
from ..extract.base import ExtractContext
from ..extract.cloudtrail_s3 import cap_errors
from ..lake.connection import connect
from ..load.base import LoadContext
from ..load.cloudtrail import CloudTrailLoader
from ..load.cloudtrail_source import load_digests
from ..period import Period
from ..raw import RawObject
from ..results import InputFile
from ..source_settings import FilesSettings
from .spark_ingest_task import OBJECT_DDL, RESULT_DDL, S3_SCHEME, S3Reader, load_partition, object_row

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
    errors: list[str] = field(default_factory=list)  # an s3 source's listing and download errors (partial)


@dataclass
class TrailObjects:
    """The period's objects of the configured trail: local paths (a files source) or ``s3://`` ones with the
    reader the tasks use (an s3 source), and the listing's error lines (a day prefix refused, an account silent)."""

    objects: list[RawObject]
    s3: S3Reader | None = None
    errors: list[str] = field(default_factory=list)


def trail_objects(config: Config, period: Period, run_id: str, raw_dir: Path) -> TrailObjects:
    """The log and digest objects of the period of the configuration's ``cloudtrail`` source, listed by its own
    extractor (day folders of the period and one day either side; several trails of files keyed
    ``<trail>/AWSLogs/...``). An s3 source's bucket is listed, not downloaded: the tasks read the objects."""
    from ..extract.cloudtrail_s3 import S3CloudTrailExtractor
    from ..extract.cloudtrail_s3_listing import list_trail_bucket
    from ..sources import SOURCES

    source = SOURCES[SOURCE]
    settings = source.settings_for(config)
    if settings is None:
        raise ConfigError("sources.cloudtrail: not configured; the Spark ingest reads the CloudTrail source")
    ctx = ExtractContext(period=period, raw_dir=raw_dir, run_id=run_id)
    extractor = source.extractor(settings, config.aws)
    if isinstance(settings, FilesSettings):
        return TrailObjects(list(extractor.extract(ctx).objects))
    if not isinstance(extractor, S3CloudTrailExtractor):
        raise ConfigError(f"sources.cloudtrail: kind '{settings.kind}' is not read by the Spark ingest")
    listing = list_trail_bucket(extractor, ctx)
    objects = [RawObject(key=o.rel, path=f"{S3_SCHEME}{listing.bucket}/{o.key}", size_bytes=o.size, etag=o.etag,
                         kind=o.kind) for o in listing.objects]  # fmt: skip
    reader = S3Reader(listing.bucket, config.aws, listing.account, listing.region, run_id)
    return TrailObjects(objects, reader, listing.errors)


def ingest(spark, config: Config, period: Period, out_dir: Path, run_id: str | None = None,
           partitions: int | None = None) -> SparkIngestResult:  # fmt: skip
    """List the configured trail's objects of ``period`` and ingest them into ``out_dir/lake`` with ``spark`` (a
    SparkSession, or a function that makes one: called once the trail is listed, so that a configuration or listing
    error is told without starting Spark). The digests of an s3 source are downloaded by the driver into
    ``out_dir/raw/cloudtrail/``, where a run keeps them."""
    from ..runner import new_run_id

    out_dir = Path(out_dir)
    run_id = run_id or new_run_id(period)
    trail = trail_objects(config, period, run_id, out_dir / "raw")
    objects = trail.objects
    if trail.s3 is not None:
        logs = [o for o in objects if o.kind == "log"]
        digests, digest_errors = trail.s3.download([o for o in objects if o.kind == "digest"],
                                                   out_dir / "raw" / SOURCE, keep_signature=True)  # fmt: skip
        objects = logs + digests
        trail.errors += digest_errors
    session = spark() if callable(spark) else spark
    result = ingest_objects(session, objects, out_dir / "lake", run_id, period=period, partitions=partitions,
                            s3=trail.s3)  # fmt: skip
    result.errors = cap_errors(trail.errors + sorted(result.errors))
    return result


def ingest_objects(spark, objects: list[RawObject], lake_root: Path, run_id: str, period: Period | None = None,
                   partitions: int | None = None, s3: S3Reader | None = None) -> SparkIngestResult:  # fmt: skip
    """Ingest the log objects among ``objects`` (local paths, or ``s3://`` ones that ``s3`` reads) into
    ``lake_root`` with ``spark``; with ``period``, also the digest files among them (local paths: the period's
    digest tables are replaced, as the loader does)."""
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
            _run_job(spark, logs, previous, lake_root, run_id, partitions, result, s3)
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


def _unread_if_unchanged(obj: RawObject, previous: str | None) -> RawObject:
    """An S3 object whose listed ETag is the one it was committed with is not read again (as a run does not
    download it): handed over unopened, it counts as skipped. A local file is hashed by its task to be compared."""
    if obj.etag and previous == obj.etag:
        return replace(obj, path=None)
    return obj


def _run_job(spark, logs, previous, lake_root: Path, run_id: str, partitions, result: SparkIngestResult,
             s3: S3Reader | None) -> None:  # fmt: skip
    job_dir = lake_root / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    job_dir.mkdir()
    try:
        rows = [object_row(_unread_if_unchanged(o, previous.get(o.key)), previous.get(o.key)) for o in logs]
        result.tasks = task_count(spark, logs, partitions)
        # ranges of keys: a task reads whole day folders of one account and region, as the loader's chunks do
        frame = spark.createDataFrame(rows, OBJECT_DDL).repartitionByRange(result.tasks, "key")
        load = functools.partial(load_partition, job_dir=str(job_dir), run_id=run_id, source=SOURCE, s3=s3)
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
    result.errors += stats["errors"]
