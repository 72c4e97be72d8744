"""Normalise a findings.json for comparison across runs and code changes: what a run found, without its run metadata.

Run metadata, and only that, is dropped (docs/architecture.md, "Integrity", lists it): the run id, the times of the
run, the configuration's path, each check's duration, each source's location (a path), and the evidence columns
that say when this run wrote a lake row (``loaded_at``, ``quarantined_at``, ``ingest_run_id``). Everything else is
kept, in the order written: re-running on the same inputs gives the same bytes outside these
(tests/test_verify.py holds it to that).
"""

from __future__ import annotations

RUN_KEYS = {"run_id", "started_at", "finished_at", "generated_at", "config_path"}
CHECK_KEYS_RUN = {"duration_s"}
SOURCE_KEYS_RUN = {"location"}
ROW_KEYS_RUN = {"loaded_at", "quarantined_at", "ingest_run_id"}  # when this run wrote the row


def strip_run_metadata(findings: dict) -> dict:
    """``findings`` without its run metadata; key and list order kept."""
    out = {k: v for k, v in findings.items() if k not in RUN_KEYS}
    out["checks"] = [
        {k: v for k, v in c.items() if k not in CHECK_KEYS_RUN}
        | {"rows": [{k: v for k, v in r.items() if k not in ROW_KEYS_RUN} for r in c["rows"]]}
        for c in findings["checks"]
    ]
    out["sources"] = [{k: v for k, v in s.items() if k not in SOURCE_KEYS_RUN} for s in findings["sources"]]
    return out


normalise = strip_run_metadata
