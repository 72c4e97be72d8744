"""``auditreport sql``: ad-hoc SQL over a finished run's lake."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from .checks.catalogue import load_catalogue
from .errors import ConfigError
from .lake import TABLES
from .lake.connection import connect, create_views, sql_string


def open_lake(out_dir: Path) -> duckdb.DuckDBPyConnection:
    lake_root = Path(out_dir) / "lake"
    if not lake_root.is_dir():
        raise ConfigError(f"{out_dir}: no lake/ folder here; run 'auditreport run --out {out_dir}' first")
    con = connect()
    create_views(con, lake_root)
    load_catalogue().create_views(con)  # the shared views the checks read, so a check's SQL runs here as it ran
    db = Path(out_dir) / "audit.duckdb"
    if db.is_file():
        con.execute(f"ATTACH {sql_string(db.resolve())} AS audit (READ_ONLY)")
        for t in ("check_results", "findings"):
            if con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'audit' AND table_name = ?", [t]).fetchone()[0]:
                con.execute(f'CREATE VIEW "{t}" AS SELECT * FROM audit."{t}"')
    return con


def run_query(con, query: str, fmt: str, echo) -> None:
    try:
        rel = con.sql(query)
    except duckdb.Error as e:
        raise ConfigError(f"query failed: {str(e).splitlines()[0]}") from None
    if rel is None:
        return
    if fmt == "json":
        cols = rel.columns
        for row in rel.fetchall():
            echo(json.dumps(dict(zip(cols, row)), default=str))
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(rel.columns)
        w.writerows(rel.fetchall())
    else:
        echo(str(rel))


def shell(con, fmt: str) -> None:
    print("auditreport SQL over the lake. Tables: " + ", ".join(TABLES) + ". End statements with ';', Ctrl-D quits.")
    buf = []
    while True:
        try:
            line = input("sql> " if not buf else "...> ")
        except EOFError:
            print()
            return
        buf.append(line)
        if line.rstrip().endswith(";"):
            q = "\n".join(buf)
            buf = []
            try:
                run_query(con, q, fmt, print)
            except ConfigError as e:
                print(f"error: {e}")
