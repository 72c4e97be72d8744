"""Normalise a findings.json for comparison across code changes: what a run found, without what differs per run.

Dropped: run id, times of the run, absolute paths, durations, and what only says where a check lives or how its SQL
is written (domain folder, SQL hash, the tables or views it reads). Kept: every check with its status, message,
counts, columns and rows; every source with its counts and coverage; the summary.
"""

from __future__ import annotations

import json

RUN_KEYS = {"run_id", "started_at", "finished_at", "generated_at", "config_path"}
CHECK_KEYS_DROPPED = {"domain", "sql_sha256", "duration_s", "requires"}
ROW_KEYS_DROPPED = {"loaded_at", "quarantined_at", "ingest_run_id"}  # when this run wrote the row


def normalise(findings: dict) -> dict:
    out = {k: v for k, v in findings.items() if k not in RUN_KEYS}
    out["checks"] = sorted(
        ({k: v for k, v in c.items() if k not in CHECK_KEYS_DROPPED} | {
            "rows": sorted(({k: v for k, v in r.items() if k not in ROW_KEYS_DROPPED} for r in c["rows"]), key=lambda r: json.dumps(r, sort_keys=True, default=str))}
         for c in findings["checks"]),
        key=lambda c: c["id"],
    )  # fmt: skip
    out["sources"] = [{k: v for k, v in s.items() if k != "location"} for s in findings["sources"]]
    return out
