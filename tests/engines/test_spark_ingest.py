"""engines/spark_ingest.py: the CloudTrail ingest as a Spark job gives the lake the one-machine loader gives.

Spark runs in local mode (the session-scoped ``spark`` fixture) over local files only: this machine has no
hadoop-aws jars and no S3, and the ingest reads a folder (a synced or mounted trail bucket) in any case. The sample
month's trail (``sample_data/cloudtrail``, 4,287 log objects with its planted bad objects) is loaded twice, once by
the loader a run uses (:class:`~auditreport.load.cloudtrail_source.CloudTrailSourceLoader`, DuckDB) and once by
the Spark job, and the two lakes must hold the same rows, run-specific columns aside.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from auditreport.config import load_config
from auditreport.engines.spark_ingest import STAGING_PREFIX, commit_task_lake, ingest, ingest_objects, trail_objects
from auditreport.lake.connection import connect, create_views
from auditreport.load.base import LoadContext
from auditreport.load.cloudtrail_source import CloudTrailSourceLoader
from auditreport.raw import RawEvidence, RawObject
from auditreport.resources import sample_config

# columns that name the run, the batch or the moment, not the evidence
RUN_SPECIFIC = {"ingest_run_id", "batch_id", "loaded_at", "quarantined_at"}
COMPARED_TABLES = ["cloudtrail_events", "quarantine", "ingest_objects", "cloudtrail_digests",
                   "cloudtrail_digest_log_files"]  # fmt: skip


@pytest.fixture(scope="module")
def sample():
    config = load_config(sample_config())
    return config, config.resolve_period(None)


@pytest.fixture(scope="module")
def duckdb_lake(sample, tmp_path_factory) -> Path:
    """The sample trail loaded as `auditreport run` loads it."""
    config, period = sample
    out = tmp_path_factory.mktemp("duckdb")
    objects = trail_objects(config, period, "duckdb-run", out / "raw").objects
    con = connect(work_dir=out)
    try:
        raw = RawEvidence(source="cloudtrail", kind="files", root=out, location="sample", objects=objects)
        CloudTrailSourceLoader().load(raw, LoadContext(con=con, lake_root=out / "lake", period=period,
                                                       run_id="duckdb-run"))  # fmt: skip
    finally:
        con.close()
    return out / "lake"


@pytest.fixture(scope="module")
def spark_runs(spark, sample, tmp_path_factory):
    """The sample trail ingested twice by the Spark job into one lake: (lake, first result, files after the first
    run, second result)."""
    config, period = sample
    out = tmp_path_factory.mktemp("spark")
    first = ingest(spark, config, period, out, run_id="spark-run-1", partitions=3)
    files = _files(out / "lake")
    second = ingest(spark, config, period, out, run_id="spark-run-2", partitions=3)
    return out / "lake", first, files, second


def _files(lake_root: Path) -> dict[str, int]:
    """Every Parquet file of the lake with its rows (digest tables aside: a run of the period replaces them)."""
    import pyarrow.parquet as pq

    return {str(p.relative_to(lake_root)): pq.read_metadata(p).num_rows for p in sorted(lake_root.rglob("*.parquet"))
            if not p.relative_to(lake_root).parts[0].startswith("cloudtrail_digest")}


def _rows(lake_root: Path, table: str) -> tuple[list[str], list[tuple]]:
    """The table's rows without the run-specific columns, sorted (every column), as Python values."""
    con = connect()
    try:
        create_views(con, lake_root)
        cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall() if r[0] not in RUN_SPECIFIC]
        select = ", ".join(f'"{c}"' for c in cols)
        return cols, con.execute(f'SELECT {select} FROM "{table}" ORDER BY ALL').fetchall()
    finally:
        con.close()


def _first_difference(cols: list[str], expected: list[tuple], got: list[tuple]) -> str:
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            diff = {c: (a, b) for c, a, b in zip(cols, e, g) if a != b}
            return f"row {i} (sorted) differs, column: (DuckDB loader, Spark ingest): {diff}"
    return f"{len(expected)} rows from the DuckDB loader, {len(got)} from the Spark ingest"


@pytest.mark.parametrize("table", COMPARED_TABLES)
def test_spark_ingest_gives_the_loaders_rows(duckdb_lake, spark_runs, table):
    lake, *_ = spark_runs
    cols, expected = _rows(duckdb_lake, table)
    spark_cols, got = _rows(lake, table)
    assert spark_cols == cols
    assert expected, f"the DuckDB loader wrote no {table} rows: nothing would be compared"
    assert got == expected, _first_difference(cols, expected, got)


def _check_results(config, period, out: Path) -> dict[str, tuple]:
    """Every check's status and rows (run-specific columns aside) from a run's load and checks over ``out``."""
    from auditreport.runner import Run

    run = Run(config, period, out)
    try:
        run.extract_and_load()
        run.check()
    finally:
        run.close()
    return {r.check.id: (r.status, [{k: v for k, v in row.items() if k not in RUN_SPECIFIC} for row in r.rows])
            for r in run.result.checks}  # fmt: skip


def test_a_run_over_the_spark_lake_finds_what_a_run_alone_finds(sample, spark_runs, tmp_path):
    """The catalogue over the lake the Spark job wrote (the run skips the objects the job committed and loads the
    other sources) gives every check the status and rows of a run that loaded everything itself."""
    config, period = sample
    lake, *_ = spark_runs
    shutil.copytree(lake.parent, tmp_path / "over_spark")  # a copy: the other tests look at the Spark lake as written
    over_spark = _check_results(config, period, tmp_path / "over_spark")
    alone = _check_results(config, period, tmp_path / "alone")
    assert len(alone) >= 50 and any(status == "fail" for status, _ in alone.values())
    differ = [check for check in alone if over_spark.get(check) != alone[check]]
    assert not differ, f"{differ[0]}: {over_spark.get(differ[0])} != {alone[differ[0]]}"


def test_every_object_is_accounted_for(spark_runs):
    _, first, _, _ = spark_runs
    assert first.tasks == 3
    assert first.objects == 4287  # every log object of the period's day folders (and one day either side)
    assert first.loaded + first.quarantined == first.objects
    # the sample's planted bad objects (sample_data/README.md, "Bad input"): three whole objects, one record
    assert first.quarantined == 3 and first.records_quarantined == 1
    assert first.skipped == first.changed == 0
    assert first.records_loaded == 21861
    assert first.batches_committed >= first.tasks
    assert len([i for i in first.inputs if i.source == "cloudtrail"]) == first.objects


def test_second_run_adds_nothing(spark_runs):
    lake, first, files, second = spark_runs
    assert second.skipped == first.objects
    assert second.loaded == second.quarantined == second.changed == second.batches_committed == 0
    assert _files(lake) == files
    assert not list(lake.glob(f"{STAGING_PREFIX}*"))


def _log(root: Path, name: str, body: bytes) -> RawObject:
    key = ("AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/"
           f"111122223333_CloudTrail_eu-west-1_20261005T1200Z_{name}.json.gz")
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return RawObject(key=key, path=path, size_bytes=len(body))


RECORD = {"eventVersion": "1.08", "eventTime": "2026-10-05T11:58:01Z", "eventSource": "s3.amazonaws.com",
          "eventName": "GetObject", "awsRegion": "eu-west-1", "eventID": "9b1f0c7e-1111-4a4a-9c9c-000000000001",
          "recipientAccountId": "111122223333",
          "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ana"}}  # fmt: skip


def test_truncated_gzip_is_quarantined_with_its_reason(spark, tmp_path):
    whole = gzip.compress(json.dumps({"Records": [RECORD]}).encode())
    objects = [_log(tmp_path / "trail", "good", whole), _log(tmp_path / "trail", "truncated", whole[: len(whole) // 2])]
    result = ingest_objects(spark, objects, tmp_path / "lake", "run-t", partitions=2)
    assert (result.objects, result.loaded, result.quarantined, result.records_loaded) == (2, 1, 1, 1)
    con = connect()
    create_views(con, tmp_path / "lake")
    rows = con.execute("SELECT object_key, record_index, reason, detail FROM quarantine").fetchall()
    assert rows == [(objects[1].key, None, "corrupt_gzip", "not a complete gzip stream (damaged or truncated data)")]
    status = dict(con.execute("SELECT object_key, status FROM ingest_objects").fetchall())
    assert status == {objects[0].key: "loaded", objects[1].key: "quarantined"}
    assert con.execute("SELECT event_id, source_key, record_index FROM cloudtrail_events").fetchall() == [
        (RECORD["eventID"], objects[0].key, 0)]


def test_uncommitted_leftovers_of_a_killed_job_are_removed(spark, tmp_path):
    """A driver killed between moving a batch's event files and its marker: the next run removes those files and
    the staging folder, and loads the object again, once."""
    trail, lake = tmp_path / "trail", tmp_path / "lake"
    obj = _log(trail, "good", gzip.compress(json.dumps({"Records": [RECORD]}).encode()))
    orphan = lake / "cloudtrail_events" / "year=2026" / "month=10" / "b-20261005T120000-deadbeef_g0_0.parquet"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"PAR1")
    (lake / f"{STAGING_PREFIX}killed" / "task").mkdir(parents=True)
    result = ingest_objects(spark, [obj], lake, "run-k")
    assert result.loaded == 1 and not orphan.exists() and not list(lake.glob(f"{STAGING_PREFIX}*"))
    con = connect()
    create_views(con, lake)
    assert con.execute("SELECT count(*) FROM cloudtrail_events").fetchone()[0] == 1


def test_a_task_file_of_no_committed_batch_is_an_error(tmp_path):
    """Nothing lost silently: a file the commit would leave behind in a task's lake stops the job, naming it."""
    stray = tmp_path / "task" / "cloudtrail_events" / "year=2026" / "month=10" / "b-x_g0_0.parquet"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"PAR1")
    with pytest.raises(RuntimeError, match="b-x_g0_0.parquet"):
        commit_task_lake(tmp_path / "task", tmp_path / "lake")


def test_an_object_changed_since_it_was_committed_is_flagged_not_reloaded(spark, tmp_path):
    trail, lake = tmp_path / "trail", tmp_path / "lake"
    obj = _log(trail, "good", gzip.compress(json.dumps({"Records": [RECORD]}).encode()))
    assert ingest_objects(spark, [obj], lake, "run-1").loaded == 1
    edited = dict(RECORD, eventName="DeleteObject")
    Path(obj.path).write_bytes(gzip.compress(json.dumps({"Records": [edited]}).encode()))
    again = ingest_objects(spark, [RawObject(key=obj.key, path=obj.path, size_bytes=Path(obj.path).stat().st_size)],
                           lake, "run-2")  # fmt: skip
    assert (again.loaded, again.skipped, again.changed) == (0, 0, 1)
    con = connect()
    create_views(con, lake)
    assert con.execute("SELECT event_name FROM cloudtrail_events").fetchall() == [("GetObject",)]
    assert con.execute("SELECT object_key, reason FROM quarantine").fetchall() == [(obj.key, "object_changed")]
    assert sorted(con.execute("SELECT status FROM ingest_objects").fetchall()) == [("changed",), ("loaded",)]


def test_several_trails_keep_their_trail_in_every_key(spark, tmp_path):
    """[[sources.cloudtrail.trails]]: the objects are listed by the source's own extractor, keyed <trail>/AWSLogs/..."""
    for name in ("org", "sandbox"):
        body = {"Records": [dict(RECORD, eventID=f"id-{name}")]}
        _log(tmp_path / name, name, gzip.compress(json.dumps(body).encode()))
    config_file = tmp_path / "auditreport.toml"
    config_file.write_text('period = "2026-10"\n[sources.cloudtrail]\nkind = "files"\n'
                           '[[sources.cloudtrail.trails]]\nname = "org"\npath = "org"\n'
                           '[[sources.cloudtrail.trails]]\nname = "sandbox"\npath = "sandbox"\n')  # fmt: skip
    config = load_config(config_file)
    result = ingest(spark, config, config.resolve_period(None), tmp_path / "out", run_id="run-trails")
    assert (result.objects, result.loaded) == (2, 2)
    con = connect()
    create_views(con, tmp_path / "out" / "lake")
    rows = con.execute("SELECT source_trail, event_id, source_account_id FROM cloudtrail_events ORDER BY 1").fetchall()
    assert rows == [("org", "id-org", "111122223333"), ("sandbox", "id-sandbox", "111122223333")]
