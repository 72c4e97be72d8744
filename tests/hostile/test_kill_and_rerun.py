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

SAMPLE_EVENTS = 20556  # sample_data/README.md: records of October in the sample month


@pytest.mark.parametrize("kill_after", [1.5, 3.0])
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
