"""engines/spark_submit.py, the file spark-submit is handed: ``auditreport lake ingest --engine spark`` end to end, as
a process (its own local Spark, local files: no hadoop-aws jars and no S3 here)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
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


def test_a_source_the_ingest_does_not_read_is_one_line_naming_it(tmp_path):
    config = tmp_path / "auditreport.toml"
    config.write_text('period = "2026-10"\n[sources.cloudtrail]\nkind = "s3"\nuri = "s3://trail-bucket"\n')
    r = _submit("--config", config, "--out", tmp_path / "out")
    assert r.returncode == 3
    assert r.stderr.strip().splitlines()[-1].startswith("auditreport: error: sources.cloudtrail: kind 's3'")
    assert "Traceback" not in r.stderr
