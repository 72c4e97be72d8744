"""The promises every run keeps, whatever its input: checked on the output of every end-to-end test tree.

- every input of every source is accounted for: read = loaded + quarantined + skipped, per source;
- every quarantined input has a quarantine row naming it;
- no record is in the lake twice: each table's ``row_key`` (provenance, plus what tells apart the rows one record
  yields) is unique.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from auditreport.lake import TABLES

INPUT_STATUSES = {"loaded", "quarantined", "skipped", "changed"}


def assert_lake_invariants(result, out_dir: Path) -> None:
    for s in result.sources:
        assert s.objects_read == s.objects_loaded + s.objects_quarantined + s.objects_skipped, s
    assert {i.status for i in result.inputs} <= INPUT_STATUSES
    con = duckdb.connect(str(Path(out_dir) / "audit.duckdb"), read_only=True)
    try:
        quarantined_keys = {k for (k,) in con.execute("SELECT DISTINCT object_key FROM quarantine").fetchall()}
        for i in result.inputs:
            if i.status == "quarantined":
                assert i.key in quarantined_keys or any(i.key.startswith(k + "/") for k in quarantined_keys), i
        for name, t in TABLES.items():
            if not t.provenance:
                continue
            key = ", ".join(f'"{c}"' for c in t.row_key)
            dupes = con.execute(
                f'SELECT count(*) FROM (SELECT {key} FROM "{name}" WHERE record_index IS NOT NULL '
                "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
            assert dupes == 0, f"{name}: {dupes} rows share ({key}): loaded twice"
    finally:
        con.close()
