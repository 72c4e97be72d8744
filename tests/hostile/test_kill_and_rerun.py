"""A run killed with SIGKILL at any moment, then run again, loads every object exactly once: the batch commit
marker is written last, the next run removes what an uncommitted batch left, and the lock dies with its process."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import duckdb
import pytest

from auditreport.config import SAMPLE_CONFIG
from lake_invariants import assert_lake_invariants

SAMPLE_EVENTS = 20607  # sample_data/README.md: records of October in the sample month


@pytest.mark.parametrize("kill_after", [0.6, 1.2])
def test_kill_9_mid_load_then_rerun_loads_every_object_once(tmp_path, kill_after):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "auditreport.cli", "extract", "--config", str(SAMPLE_CONFIG), "--out", str(out)]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after)
    if p.poll() is not None:
        pytest.skip(f"the extract finished within {kill_after}s on this machine: nothing was interrupted")
    p.send_signal(signal.SIGKILL)
    p.wait(10)
    from auditreport.config import load_config
    from auditreport.runner import run

    config = load_config(SAMPLE_CONFIG)
    result = run(config, config.resolve_period(), out)
    con = duckdb.connect(str(out / "audit.duckdb"), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM cloudtrail_events WHERE year = 2026 AND month = 10").fetchone()[0]
        per_key = con.execute("SELECT max(n) FROM (SELECT object_key, count(*) AS n FROM ingest_objects "
                              "GROUP BY object_key)").fetchone()[0]
    finally:
        con.close()
    assert n == SAMPLE_EVENTS
    assert per_key == 1  # one commit per object, whichever run made it
    assert_lake_invariants(result, out)


def _many_small_objects(root, n_objects: int) -> int:
    """``n_objects`` log files of 1-3 real records each (tests/data/realtrail), in the S3 key layout; returns the
    number of records."""
    import gzip
    import json
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "data" / "realtrail" / "invictus-ir_aws_dataset.jsonl"
    records = [json.loads(line) for line in corpus.read_text().splitlines() if line.strip()]
    total = 0
    for i in range(n_objects):
        day = 1 + i % 31  # every day of October: a day without a record would make the extract incomplete (exit 2)
        folder = root / "AWSLogs" / "111122223333" / "CloudTrail" / "eu-west-1" / "2026" / "10" / f"{day:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        recs = []
        for j in range(1 + i % 3):
            r = dict(records[(i * 3 + j) % len(records)])
            r["eventID"], r["eventTime"] = f"ev-{i}-{j}", f"2026-10-{day:02d}T{i % 24:02d}:{j:02d}:00Z"
            recs.append(r)
        total += len(recs)
        name = f"111122223333_CloudTrail_eu-west-1_202610{day:02d}T0000Z_{i:08d}.json.gz"
        (folder / name).write_bytes(gzip.compress(json.dumps({"Records": recs}).encode(), compresslevel=1))
    return total


def test_kill_9_while_workers_load_then_rerun_loads_every_object_once(tmp_path):
    """The run's process is killed once the first chunk has committed and others are in flight in worker
    processes. The workers end with it (they commit nothing themselves); the next run removes what they staged and
    loads every object exactly once."""
    import os

    root = tmp_path / "ct"
    records = _many_small_objects(root, 16_000)
    config = tmp_path / "auditreport.toml"
    config.write_text(f'period = "2026-10"\n[sources.cloudtrail]\nkind = "files"\npath = "{root}"\n')
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "auditreport.cli", "extract", "--config", str(config), "--out", str(out)]
    env = {**os.environ, "AUDITREPORT_LOAD_WORKERS": "2"}
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    markers = out / "lake" / "ingest_objects"
    deadline = time.monotonic() + 120
    while not any(markers.glob("batch-*.parquet")) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    # 16,000 objects load for seconds after the first chunk commits: a run that has ended by then has failed
    assert p.poll() is None, f"the extract ended (exit code {p.returncode}) before any chunk committed"
    p.send_signal(signal.SIGKILL)
    p.wait(10)
    committed_before = len(list(markers.glob("batch-*.parquet")))
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    con = duckdb.connect()
    try:
        lake = out / "lake"
        n = con.execute(f"SELECT count(*) FROM read_parquet('{lake}/cloudtrail_events/**/*.parquet')").fetchone()[0]
        per_key, keys = con.execute(
            f"SELECT max(n), count(*) FROM (SELECT object_key, count(*) AS n FROM "
            f"read_parquet('{lake}/ingest_objects/*.parquet') GROUP BY object_key)").fetchone()
    finally:
        con.close()
    assert committed_before >= 1
    assert (n, keys, per_key) == (records, 16_000, 1)
    assert not list(lake.glob(".staging-ct-*"))
