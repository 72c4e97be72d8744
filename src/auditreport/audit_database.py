"""``audit.duckdb``: a DuckDB database over the lake for ad-hoc SQL, one view per lake table, plus the run's
findings as tables. Views point at the Parquet files by absolute path; ``auditreport sql`` rebuilds them if the
folder moved. With ``[privacy]`` each lake table is a masked copy instead, and a ``privacy`` table says how
(:mod:`auditreport.masking`)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from .checks.catalogue import load_catalogue
from .lake.connection import connect, create_views
from .raw import staged


def write_audit_database(out_dir: Path, lake_root: Path, result=None) -> dict[str, Path]:
    path = Path(out_dir) / "audit.duckdb"
    with staged(path) as tmp:
        con = connect(tmp)
        try:
            # one transaction, not one commit (and write-ahead log flush) per statement; the Parquet footers parsed
            # once, though the shared views bind the lake's views again
            con.execute("SET parquet_metadata_cache = true")
            con.execute("BEGIN TRANSACTION")
            masker = getattr(result, "masker", None)
            if masker is not None:  # [privacy]: the lake tables as masked copies, never views of the raw lake
                from .masking import write_masked_lake

                write_masked_lake(con, lake_root, masker)
            else:
                create_views(con, lake_root, comments=True)
            (result.catalogue if result is not None and result.catalogue else load_catalogue()).create_views(con)
            if result is not None:
                _write_findings(con, result)
            con.execute("COMMIT")
        finally:
            con.close()
    return {"audit_duckdb": path}


def _write_findings(con, result) -> None:
    con.execute(
        "CREATE TABLE check_results (run_id VARCHAR, check_id VARCHAR, title VARCHAR, severity VARCHAR, kind VARCHAR, "
        "status VARCHAR, message VARCHAR, rows_pass INTEGER, rows_fail INTEGER, rows_info INTEGER, frameworks JSON, sql VARCHAR)"
    )
    con.execute(
        "CREATE TABLE findings (run_id VARCHAR, check_id VARCHAR, severity VARCHAR, resource VARCHAR, status VARCHAR, "
        "reason VARCHAR, evidence JSON)"
    )
    # one Arrow table per table, inserted at once: executemany binds row by row (50,000 rows: ~10 s)
    checks = [(c, c.counts) for c in result.checks]
    if checks:
        _insert(con, "check_results", {
            "run_id": pa.array([result.run_id] * len(checks), pa.string()),
            "check_id": pa.array([c.check.id for c, _k in checks], pa.string()),
            "title": pa.array([c.check.title for c, _k in checks], pa.string()),
            "severity": pa.array([c.check.severity for c, _k in checks], pa.string()),
            "kind": pa.array([c.check.kind for c, _k in checks], pa.string()),
            "status": pa.array([c.status for c, _k in checks], pa.string()),
            "message": pa.array([c.message for c, _k in checks], pa.string()),
            **{f"rows_{s}": pa.array([k[s] for _c, k in checks], pa.int32()) for s in ("pass", "fail", "info")},
            "frameworks": pa.array([json.dumps(c.check.frameworks) for c, _k in checks], pa.string()),
            "sql": pa.array([c.check.sql for c, _k in checks], pa.string()),
        })  # fmt: skip
    rows = [(c, r) for c in result.checks for r in c.rows]
    if rows:
        _insert(con, "findings", {
            "run_id": pa.array([result.run_id] * len(rows), pa.string()),
            "check_id": pa.array([c.check.id for c, _r in rows], pa.string()),
            "severity": pa.array([c.check.severity for c, _r in rows], pa.string()),
            "resource": pa.array([str(r.get("resource")) for _c, r in rows], pa.string()),
            "status": pa.array([r.get("status") for _c, r in rows], pa.string()),
            "reason": pa.array([r.get("reason") for _c, r in rows], pa.string()),
            "evidence": pa.array([json.dumps(r, default=str) for _c, r in rows], pa.string()),
        })  # fmt: skip


def _insert(con, table: str, columns: dict[str, pa.Array]) -> None:
    """``columns`` (in the table's order) as rows of ``table``."""
    con.register("rows_to_insert", pa.table(columns))
    con.execute(f"INSERT INTO {table} SELECT * FROM rows_to_insert")
    con.unregister("rows_to_insert")
