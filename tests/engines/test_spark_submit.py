"""engines/spark_submit.py, the file spark-submit is handed: ``auditreport lake ingest --engine spark`` end to end, as
a process (its own local Spark): over a folder, and over an s3 trail on the moto server (read with boto3 by the
tasks: no hadoop-aws jars here, and none needed)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from auditreport.lake.connection import connect, create_views

KEY = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05/111122223333_CloudTrail_eu-west-1_20261005T1200Z_a.json.gz"
RECORD = {"eventVersion": "1.08", "eventTime": "2026-10-05T11:58:01Z", "eventSource": "iam.amazonaws.com",
          "eventName": "ListRoles", "awsRegion": "eu-west-1", "eventID": "2c1b5b0e-2222-4b4b-8d8d-000000000002",
          "recipientAccountId": "111122223333"}  # fmt: skip


def _submit(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditreport.engines.spark_submit", *map(str, args)],
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def test_lake_ingest_command_loads_the_configured_trail(tmp_path):
    log = tmp_path / "trail" / KEY
    log.parent.mkdir(parents=True)
    log.write_bytes(gzip.compress(json.dumps({"Records": [RECORD]}).encode()))
    config = tmp_path / "auditreport.toml"
    config.write_text('period = "2026-10"\n[sources.cloudtrail]\nkind = "files"\npath = "trail"\n')
    r = _submit("--config", config, "--out", tmp_path / "out", "--master", "local[1]")
    assert r.returncode == 0, r.stderr
    assert "cloudtrail (spark, 1 tasks) objects 1 loaded 1 skipped 0 quarantined 0 changed 0" in r.stdout
    assert f"lake: {tmp_path / 'out' / 'lake'}" in r.stdout
    con = connect()
    create_views(con, tmp_path / "out" / "lake")
    assert con.execute("SELECT event_id, source_key FROM cloudtrail_events").fetchall() == [(RECORD["eventID"], KEY)]


def test_under_spark_submit_the_master_it_was_given_is_used(tmp_path):
    """spark-submit (PySpark's own launcher) runs the file with --master local[1]: one core, so one task for the two
    objects, where the session's default (local[2]) would make two."""
    import os

    import auditreport.engines.spark_submit as entry

    for name in ("a", "b"):
        log = tmp_path / "trail" / KEY.replace("_a.json.gz", f"_{name}.json.gz")
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_bytes(gzip.compress(json.dumps({"Records": [dict(RECORD, eventID=f"id-{name}")]}).encode()))
    config = tmp_path / "auditreport.toml"
    config.write_text('period = "2026-10"\n[sources.cloudtrail]\nkind = "files"\npath = "trail"\n')
    submit = Path(sys.executable).parent / "spark-submit"
    r = subprocess.run([str(submit), "--master", "local[1]", entry.__file__, "--config", str(config),
                        "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "PYSPARK_PYTHON": sys.executable})  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    assert "cloudtrail (spark, 1 tasks) objects 2 loaded 2 skipped 0 quarantined 0 changed 0" in r.stdout


def test_a_trail_the_ingest_cannot_read_is_one_line_before_spark_starts(tmp_path):
    config = tmp_path / "auditreport.toml"
    config.write_text('period = "2026-10"\n')
    r = _submit("--config", config, "--out", tmp_path / "out")
    assert (r.returncode, r.stderr) == (3, "auditreport: error: sources.cloudtrail: not configured; the Spark ingest "
                                           "reads the CloudTrail source\n")  # fmt: skip
    config.write_text('period = "2026-10"\n[sources.cloudtrail]\nkind = "s3"\n'
                      '[[sources.cloudtrail.trails]]\nname = "a"\nuri = "s3://bucket-a"\n'
                      '[[sources.cloudtrail.trails]]\nname = "b"\nuri = "s3://bucket-b"\n')  # fmt: skip
    r = _submit("--config", config, "--out", tmp_path / "out")
    # the whole of stderr: no traceback, and no line of a Java process (Spark was not started)
    assert (r.returncode, r.stderr) == (2, "auditreport: error: source 'cloudtrail': several trail buckets "
                                           "([[sources.cloudtrail.trails]]) are not listed for the Spark ingest; "
                                           "give one uri\n")  # fmt: skip


def test_an_s3_trail_is_listed_by_the_driver_and_read_by_the_tasks(moto, tmp_path):
    """kind = "s3" against the moto server over HTTP (the command runs as a process, so its Spark tasks see the test's
    dummy credentials): the driver lists the period's day prefixes, each task downloads its objects with boto3 and
    loads them; the digests are downloaded by the driver into OUT/raw/. A second run reads no object again."""
    from live_seed import ACCOUNTS, REGIONS, TRAIL_BUCKET, TRAIL_PREFIX, gz_json, log_key, seed_trail_bucket
    from servers import moto_client

    s3 = moto_client(moto.url, "s3")
    keys = seed_trail_bucket(s3)
    bad = log_key("AWSLogs/", ACCOUNTS[0], REGIONS[0], date(2026, 10, 15), minute=9)
    s3.put_object(Bucket=TRAIL_BUCKET, Key=TRAIL_PREFIX + bad, Body=gz_json({"Records": [RECORD]})[:20])
    config = tmp_path / "auditreport.toml"
    config.write_text(f'period = "2026-10"\n[aws]\nendpoint_url = "{moto.url}"\naccounts = {json.dumps(ACCOUNTS)}\n'
                      f'regions = {json.dumps(REGIONS)}\nmax_attempts = 2\nmax_concurrency = 4\n'
                      f'[sources.cloudtrail]\nkind = "s3"\nuri = "s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"\n')  # fmt: skip
    out = tmp_path / "out"
    logs = len(keys["log"]) + 1
    first = _submit("--config", config, "--out", out, "--master", "local[2]", "--partitions", "2")
    assert first.returncode == 0, first.stderr
    assert f"objects {logs} loaded {logs - 1} skipped 0 quarantined 1 changed 0" in first.stdout
    assert f"digest files {len(keys['digest'])}" in first.stdout
    con = connect()
    create_views(con, out / "lake")
    assert con.execute("SELECT count(*) FROM cloudtrail_events").fetchone()[0] == 2 * len(keys["log"])
    assert con.execute("SELECT object_key, reason FROM quarantine").fetchall() == [(bad, "corrupt_gzip")]
    assert con.execute("SELECT count(*) FROM cloudtrail_digests").fetchone()[0] == len(keys["digest"])
    raw = out / "raw" / "cloudtrail"
    assert {str(p.relative_to(raw)) for p in raw.rglob("*.json.gz")} == keys["digest"]  # no log object kept here
    second = _submit("--config", config, "--out", out, "--master", "local[2]")
    assert second.returncode == 0, second.stderr
    assert f"objects {logs} loaded 0 skipped {logs} quarantined 0 changed 0" in second.stdout
